"""Only known ids are stored: the check between a turn's stack and the database.

A dialog's data is meant to hold ids (of knowledge records, finder options, steps), flags,
counters and names the code itself defines; never what a worker typed or what a card
submitted as it came. Card payloads are untrusted (a forged button can carry anything in any
field), so rather than trusting every step of every dialog to look a value up before keeping
it, `keep_known` checks the whole stack before it is written:

* the data's own keys are the dialog's schema, written by its code: plain identifiers;
* every string in a frame's data, and every key of a mapping inside it, must be a known word: an
  id in the knowledge base (alone or as `kind:id`), a dialog id or step name of the engine,
  a member of the protocol's and the domain's enums, a UI string key or a language code;
* except the data keys a dialog declares as free text (`Dialog.free_text`, e.g. the Q&A's
  question), which are redacted and capped again here (`domain.privacy`), and the keys whose
  values its steps check themselves before keeping them (`Dialog.checked`: a parsed date, a
  token it made, an option of its own list);
* anything else is replaced by None, and the dialog and the path (never the value) logged.

So a step that forgets to validate a submitted value loses the value, not the worker's
privacy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from bot.ui.i18n import LANGUAGES, Strings
from bot.ui.protocol import Action, DialogId, Result
from dialogs.engine import Engine, Stack
from domain.criteria import Basis, CheckAnswer, ReasonCode, Verdict
from domain.logs import log_event
from domain.privacy import redact_and_cap
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

ENUMS: Final[tuple[type[StrEnum], ...]] = (DialogId, Action, Result, CheckAnswer, Verdict, Basis, ReasonCode)
"""Value sets the code defines, which dialogs may keep in their data."""


class StateGuard:
    """`keep_known` with its vocabulary, rebuilt when the knowledge base is reloaded."""

    def __init__(self, engine: Engine, strings: Strings) -> None:
        self._engine = engine
        self._fixed = frozenset(_code_words(engine, strings))
        self._kb: KnowledgeBase | None = None
        self._known: frozenset[str] = self._fixed

    def keep_known(self, stack: Stack, kb: KnowledgeBase) -> dict[str, Any]:
        """The stack as stored JSON, with every unknown string replaced by None."""
        if kb is not self._kb:
            self._known = self._fixed | frozenset(_knowledge_ids(kb))
            self._kb = kb
        document = stack.dump()
        for frame in document["frames"]:
            dialog = self._engine.dialogs.get(frame["dialog"])
            free_text = dialog.free_text if dialog is not None else frozenset()
            dropped: list[str] = []
            data: dict[str, Any] = {}
            for key, value in frame["data"].items():
                if not _is_schema_key(key):
                    dropped.append("(a key)")
                elif key in free_text and isinstance(value, str):
                    data[key] = redact_and_cap(value)
                elif dialog is not None and key in dialog.checked:
                    data[key] = value
                else:
                    data[key] = self._clean(value, key, dropped)
            frame["data"] = data
            if dropped:
                log_event(log, "state_value_dropped", level=logging.WARNING, dialog=frame["dialog"], paths=dropped)
        return document

    def _clean(self, value: Any, path: str, dropped: list[str]) -> Any:
        if isinstance(value, str):
            if self._is_known(value):
                return value
            dropped.append(path)
            return None
        if isinstance(value, Mapping):
            kept: dict[str, Any] = {}
            for key, item in value.items():
                if self._is_known(key):
                    kept[key] = self._clean(item, f"{path}.{key}", dropped)
                else:
                    dropped.append(f"{path}.(a key)")
            return kept
        if isinstance(value, list):
            return [self._clean(item, f"{path}[]", dropped) for item in value]
        return value

    def _is_known(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self._known or word == "":
            return True
        # A record reference `kind:id` (the Q&A's `faq:faq.tukiperhe-kesto`).
        kind, _, rest = word.partition(":")
        return bool(rest) and kind.isascii() and kind.isalpha() and rest in self._known


def _is_schema_key(key: object) -> bool:
    return isinstance(key, str) and key.isascii() and key.isidentifier() and key.islower()


def _code_words(engine: Engine, strings: Strings) -> Iterable[str]:
    for enum in ENUMS:
        yield from (member.value for member in enum)
    for dialog_id, dialog in engine.dialogs.items():
        yield dialog_id
        yield from dialog.steps
    yield from LANGUAGES
    for lang in LANGUAGES:
        yield from strings.keys(lang)


def _knowledge_ids(kb: KnowledgeBase) -> Iterable[str]:
    """Every `id` anywhere in the knowledge base: records, steps, questions, options, criteria."""
    stack: list[object] = [kb.model_dump()]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if isinstance(item.get("id"), str):
                yield item["id"]
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
