"""Stable ids of the guided dialogs, in one module so dialogs can call one another without
importing one another. Persisted dialog state and card payloads carry these ids: never rename."""

from __future__ import annotations

from typing import Final

FINDER_DIALOG_ID: Final = "finder"
CRITERIA_DIALOG_ID: Final = "criteria"
PROCESS_DIALOG_ID: Final = "process"
CARD_DIALOG_ID: Final = "card"
