"""The protocol between cards and dialogs: dialog ids, button actions, dialog results.

Persisted dialog state and every card a worker still has in a chat refer to these values, so
they are stable: add members, never rename or reuse one. Cards (this layer) build buttons
with them and dialogs (the layer above) read them back; no bare strings on either side.
"""

from __future__ import annotations

from enum import StrEnum


class DialogId(StrEnum):
    """Every dialog (and `MENU`, the namespace of top-level buttons that belong to none)."""

    ROOT = "root"
    MENU = "menu"
    FINDER = "finder"
    CRITERIA = "criteria"
    PROCESS = "process"
    CARD = "card"
    QNA = "qna"
    FEEDBACK = "feedback"
    FEEDBACK_TEAM = "feedback-team"
    CAMPAIGN = "campaign"
    CAMPAIGNS = "campaigns"
    CAMPAIGN_SUMMARY = "campaign-summary"


class Action(StrEnum):
    """What a button does. A dialog's step reads the action of a press on its own card."""

    # Navigation and commands, understood by the engine for every dialog.
    BACK = "back"
    CANCEL = "cancel"
    HELP = "help"
    MENU = "menu"
    # Starting a capability from a top-level (MENU) button; `value` is its DialogId.
    START = "start"
    # Answers and choices inside a dialog.
    ANSWER = "answer"
    PICK = "pick"
    NEXT = "next"
    PHASE = "phase"
    RESTART = "restart"
    CARD = "card"
    CRITERIA = "criteria"
    PROCESS = "process"
    FEEDBACK = "feedback"
    CONFIRM = "confirm"
    EDIT = "edit"
    # Q&A.
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    NONE_OF_THESE = "none"
    FOLLOW_UP = "ask"
    FINDER_PREFILLED = "finder_prefilled"
    # Supervisors' campaigns.
    CANCEL_CAMPAIGN = "cancel_campaign"
    REMIND = "remind"
    EXPORT = "export"
    REFRESH = "refresh"


NAVIGATION: frozenset[Action] = frozenset({Action.BACK, Action.NEXT, Action.PHASE, Action.MENU, Action.RESTART})
"""Buttons that move through or leave a flow: a typed label picks them, a typed number never."""
COMMANDS: frozenset[Action] = frozenset({Action.CANCEL, Action.HELP})
"""Buttons whose words are commands, handled by the engine before a step sees the text."""


class Result(StrEnum):
    """What a dialog ends with, for the dialog below it on the stack."""

    DONE = "done"
    TO_MENU = "pv:to-menu"
    """The worker asked for the main menu: every dialog above the root ends too."""
    NEW_MESSAGE = "pv:new-message"
    """The worker typed something new where content was shown: every dialog above the root
    ends and the root reads the same message afresh. The text itself is never a result."""
    CANCELLED = "pv:cancelled"
