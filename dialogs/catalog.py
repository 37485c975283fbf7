"""All guided dialogs, built once per app and wired to the ones each may call."""

from __future__ import annotations

from bot.service.context import BotServices
from dialogs.card import CardDialog
from dialogs.criteria import CriteriaDialog
from dialogs.finder import FinderDialog
from dialogs.guided import GuidedDialog
from dialogs.process import ProcessDialog


def guided_dialogs(services: BotServices) -> dict[str, GuidedDialog]:
    built: list[GuidedDialog] = [FinderDialog(services), CriteriaDialog(services), ProcessDialog(services), CardDialog(services)]
    dialogs = {dialog.id: dialog for dialog in built}
    for dialog in built:
        dialog.wire(dialogs)
    return dialogs
