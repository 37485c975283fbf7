"""The data a card button submits, and how a dialog recognises its own buttons.

Every `Action.Submit` the bot sends carries `{"pv": {...}}` in its `data`: Teams returns that
object as `activity.value` with an empty `text`. A dialog accepts a submit only when `dialog`
is its own DIALOG_ID and `step` is the step token it is waiting on; anything else is a stale
button (from an earlier step or an ended dialog) and gets a friendly notice instead of being
recorded as an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

PAYLOAD_KEY: Final = "pv"
MAX_VALUE_LENGTH: Final = 200
"""Button values are ids and option codes; anything longer is not ours."""


@dataclass(frozen=True)
class Submit:
    dialog: str
    """DIALOG_ID of the dialog that sent the card, or `menu` for top-level buttons."""
    step: str
    """Token of the step the card belongs to (e.g. `finder:ika:3`); stale when it differs."""
    action: str
    """What the button does: `answer`, `start`, `next`, `back`, `cancel`, ..."""
    value: str | None = None

    def data(self, **extra: Any) -> dict[str, Any]:
        """The `data` of an Action.Submit that returns this submit."""
        return {PAYLOAD_KEY: {"dialog": self.dialog, "step": self.step, "action": self.action, "value": self.value}, **extra}


def parse_submit(value: object) -> Submit | None:
    """Read a submit from `activity.value`; None when it is absent or malformed.

    Card payloads come from the client and are untrusted: wrong types, missing keys and
    oversized strings all yield None rather than an exception.
    """
    if not isinstance(value, dict):
        return None
    inner = value.get(PAYLOAD_KEY)
    if not isinstance(inner, dict):
        return None
    fields: dict[str, str | None] = {}
    for key in ("dialog", "step", "action"):
        item = inner.get(key)
        if not isinstance(item, str) or not item or len(item) > MAX_VALUE_LENGTH:
            return None
        fields[key] = item
    raw_value = inner.get("value")
    if raw_value is not None and (not isinstance(raw_value, str) or len(raw_value) > MAX_VALUE_LENGTH):
        return None
    return Submit(dialog=fields["dialog"] or "", step=fields["step"] or "", action=fields["action"] or "", value=raw_value)
