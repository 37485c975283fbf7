"""Which option of the finder's age question a child's age in years falls in.

The age question's option ids carry their bounds (`alle-7`, `7-9`, `10-17`, `18-25`), so the
edges live in one place, `knowledge/finder.yaml`, and a worker who types "12-vuotias" lands
on the same option as one who presses the button. Options without bounds in their id
(`odotusaika`, expecting a child) are never chosen by age.
"""

from __future__ import annotations

import re

from knowledge.model import FinderQuestion

_BELOW = re.compile(r"^alle-(\d+)$")
_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _bounds(option_id: str) -> tuple[int, int] | None:
    """Inclusive (low, high) years of an option id, or None if the id carries none."""
    if below := _BELOW.match(option_id):
        return 0, int(below.group(1)) - 1
    if span := _RANGE.match(option_id):
        return int(span.group(1)), int(span.group(2))
    return None


def age_option(question: FinderQuestion, age: int) -> str | None:
    """The id of the first option whose bounds hold `age` (whole years); None if none does."""
    for option in question.options:
        bounds = _bounds(option.id)
        if bounds is not None and bounds[0] <= age <= bounds[1]:
            return option.id
    return None
