"""The card/dialog protocol: stored state and cards still in workers' chats refer to these
values, so they never change; and dialogs and cards name actions only through `Action`."""

from __future__ import annotations

import re
from pathlib import Path

from bot.ui.protocol import Action, DialogId, Result

ROOT = Path(__file__).resolve().parents[3]


def test_the_values_that_stored_state_and_sent_cards_refer_to_are_stable() -> None:
    assert {d.name: d.value for d in DialogId} == {
        "ROOT": "root", "MENU": "menu", "FINDER": "finder", "CRITERIA": "criteria", "PROCESS": "process", "CARD": "card", "QNA": "qna",
        "FEEDBACK": "feedback", "FEEDBACK_TEAM": "feedback-team", "CAMPAIGN": "campaign", "CAMPAIGNS": "campaigns", "CAMPAIGN_SUMMARY": "campaign-summary",
    }  # fmt: skip
    assert {a.name: a.value for a in Action} == {
        "BACK": "back", "CANCEL": "cancel", "HELP": "help", "MENU": "menu", "START": "start", "ANSWER": "answer", "PICK": "pick", "NEXT": "next",
        "PHASE": "phase", "RESTART": "restart", "CARD": "card", "CRITERIA": "criteria", "PROCESS": "process", "FEEDBACK": "feedback",
        "CONFIRM": "confirm", "EDIT": "edit", "HELPFUL": "helpful", "NOT_HELPFUL": "not_helpful", "NONE_OF_THESE": "none", "FOLLOW_UP": "ask",
        "FINDER_PREFILLED": "finder_prefilled", "CANCEL_CAMPAIGN": "cancel_campaign", "REMIND": "remind", "EXPORT": "export", "REFRESH": "refresh",
    }  # fmt: skip
    assert {r.name: r.value for r in Result} == {"DONE": "done", "TO_MENU": "pv:to-menu", "NEW_MESSAGE": "pv:new-message", "CANCELLED": "pv:cancelled"}


def test_dialogs_and_cards_name_button_actions_only_through_the_protocol() -> None:
    # Building a button takes an `Action` (mypy checks `Origin.button`); reading one back is checked here.
    bare = re.compile(r'\.action (==|!=|in|not in) \(?"')
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("dialogs", "bot/ui/cards")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if bare.search(line) and "event.action" not in line  # a feedback event's action is a record's, not a button's
    ]
    assert found == []
