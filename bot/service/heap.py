"""The server process's heap after start-up: what the first turns would otherwise pay for.

The knowledge snapshot (the base, its Q&A index) is a large set of long-lived objects.
CPython's oldest-generation collection walks every object the collector tracks, and it runs
now and then while serving, whenever enough objects have survived: measured on the real
knowledge base, four in the first seconds of serving, each a stop of the event loop of
150-225 ms for every turn in flight, and more later at the same cost. `gc.freeze()` moves what is alive
into a permanent generation that collections skip; turns' own garbage is collected as
before.

Only `palveluopas run` settles its heap (tests build and drop many apps in one process; a
frozen app's cycles would never be freed there).
"""

from __future__ import annotations

import gc

from domain.qna.morphology import table


def settle() -> None:
    """Collect, then freeze everything still alive. Again after a knowledge reload: unfreezing
    first lets the collection free the old snapshot's cycles, if any."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def prepare_first_question() -> None:
    """Read the Finnish base-form table, which the first question otherwise reads (a start
    that finds the saved index never builds one, so never needed it): before this, the first
    question after a start took about 190 ms more than the next."""
    # Its allocations would otherwise set off full collections of the whole heap, several
    # times the table's own cost; `settle` collects once afterwards.
    gc.disable()
    try:
        table()
    finally:
        gc.enable()
