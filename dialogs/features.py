"""Every feature of the bot, registered once: its dialog and its place in the menu.

Adding a dialog: write its module (one `Dialog` subclass with a step table), give it a
`DialogId`, its strings, and one line here. The menu, the typed commands
(`dialogs.commands.<key>` in the UI strings) and the engine follow from this list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.ui.protocol import DialogId
from dialogs.campaign import CampaignDialog, CampaignsDialog, CampaignSummaryDialog
from dialogs.card import CardDialog
from dialogs.criteria import CriteriaDialog
from dialogs.engine import Dialog, Engine
from dialogs.feedback import FeedbackDialog
from dialogs.finder import FinderDialog
from dialogs.process import ProcessDialog
from dialogs.qna import QnaDialog
from dialogs.root import Capability, RootDialog

CAPABILITIES: Final = (
    Capability("finder", DialogId.FINDER, named=True),
    Capability("criteria", DialogId.CRITERIA, named=True),
    Capability("process", DialogId.PROCESS, named=True),
    Capability("card", DialogId.CARD, strings="dialogs.capability", named=True),
    Capability("qna", DialogId.QNA, guided=False),
    Capability("feedback", DialogId.FEEDBACK, named=True),
    Capability("campaign", DialogId.CAMPAIGN, menu=False),
    Capability("campaigns", DialogId.CAMPAIGNS, guided=False, menu=False, forward=True),
    Capability("campaign_summary", DialogId.CAMPAIGN_SUMMARY, guided=False, menu=False),
)
"""The menu, in order."""


def dialogs() -> Sequence[Dialog]:
    return [
        FinderDialog(),
        CriteriaDialog(),
        ProcessDialog(),
        CardDialog(),
        QnaDialog(),
        FeedbackDialog(),
        CampaignDialog(),
        CampaignsDialog(),
        CampaignSummaryDialog(),
    ]


def build_engine() -> Engine:
    return Engine([RootDialog(CAPABILITIES), *dialogs()], root=DialogId.ROOT)
