"""The activity handler: each activity read once, run through the dialog engine, answered.

A turn reads the conversation's stack of dialogs (per worker in group chats and channels),
lets the engine decide, writes the stack back (only known ids: `dialogs.stored`) and sends
the replies, and a privacy reminder when the activity carried an identity code. A stored state of an
older shape is dropped and the worker told so once; a turn that fails is answered by the
adapter's `on_turn_error`, which calls `reset` to start the conversation over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botbuilder.core import ActivityHandler, Storage, TurnContext
from botbuilder.schema import AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, ChannelAccount

from bot.service.inputs import person_of, read_desk_input, read_input, state_key, where_of
from bot.service.invoke_answers import card_answer, message_answer
from bot.service.metrics import DONE_ALREADY, Metrics
from bot.service.personal_data import carries_identity_code
from bot.service.replies import send_replies
from bot.ui.i18n import Strings, language_of
from dialogs.engine import Context, Engine, Greet, Input, Notice, Stack
from dialogs.stored import StateGuard
from domain.snapshot import Snapshot

ETAG_KEY = "e_tag"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class TurnPorts:
    """What dialogs may reach outside the turn."""

    sessionmaker: Any
    desk: Any = None
    """The feedback desk (`bot.service.feedback_desk.FeedbackDesk`): reports, their cards, roles."""
    campaigns: Any = None
    """The supervisors' campaigns (`bot.service.campaign_desk.CampaignDesk`): gate and port."""
    clock: Any = None
    """The campaigns' clock (`bot.service.outbox.Clock`)."""


class PalveluopasBot(ActivityHandler):
    def __init__(self, engine: Engine, storage: Storage, strings: Strings, snapshot: Any, ports: TurnPorts, *, metrics: Metrics | None = None) -> None:
        self._engine = engine
        self._metrics = metrics or Metrics()
        self._storage = storage
        self._strings = strings
        self._snapshot = snapshot
        """A callable returning the current knowledge `Snapshot` (swapped on reload)."""
        self._ports = ports
        self._guard = StateGuard(engine, strings)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        # Feedback cards' buttons and the desk's commands act on records, not on a flow. The
        # desk reads the text as Teams sent it: `read_input` takes the bot's mention out.
        if self._ports.desk is not None and await self._ports.desk.on_message(turn_context, read_desk_input(turn_context.activity, self._strings)):
            return
        given = read_input(turn_context, self._strings)
        # Supervisors' commands and buttons by someone without the role: refused here.
        if self._ports.campaigns is not None and await self._ports.campaigns.on_message(turn_context, given):
            return
        await self.run(turn_context, given)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(member is not None and member.id == bot_id for member in members_added or ()):
            await self.run(turn_context, Greet())

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self.run(turn_context, Greet())

    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue) -> AdaptiveCardInvokeResponse:
        desk = self._ports.desk
        if desk is not None and (answered := await desk.on_invoke(turn_context, read_desk_input(turn_context.activity, self._strings))) is not None:
            return answered
        given = read_input(turn_context, self._strings)
        if self._ports.campaigns is not None and await self._ports.campaigns.on_message(turn_context, given):
            return message_answer()
        replaced = await self.run(turn_context, given)
        return message_answer() if replaced is None else card_answer(replaced)

    async def run(self, turn_context: TurnContext, given: Input) -> dict[str, Any] | None:
        activity = turn_context.activity
        key = state_key(activity)
        stored = (await self._storage.read([key])).get(key)
        etag = stored.get(ETAG_KEY) if isinstance(stored, dict) else None
        snapshot: Snapshot = self._snapshot()
        context = Context(
            snapshot=snapshot,
            strings=self._strings,
            lang=language_of(activity.locale),
            input=given,
            user=person_of(activity),
            where=where_of(activity),
            ports=self._ports,
        )
        result = await self._engine.run(Stack.load(stored), context)
        # The state is written before the replies go out: a conflicting turn of the same
        # conversation fails here, before the worker sees answers that would not be kept.
        document = self._guard.keep_known(result.stack, snapshot.kb)
        for event, label in result.events:
            if event in DONE_ALREADY:
                self._metrics.observe(event, label)
        await self._storage.write({key: {**document, ETAG_KEY: etag or "*"}})
        # The rest is counted once the turn's state is kept: a turn that fails to save did
        # not start or finish a dialog.
        for event, label in result.events:
            if event not in DONE_ALREADY:
                self._metrics.observe(event, label)
        replies = result.replies
        if carries_identity_code(activity):
            # After the answer, so the worker reads what was asked for first.
            replies = [*replies, Notice(self._strings.get("core.privacy_reminder", context.lang))]
        return await send_replies(turn_context, replies)

    async def reset(self, turn_context: TurnContext) -> None:
        """Forget the conversation's dialogs (after an error), so the next turn starts afresh."""
        await self._storage.delete([state_key(turn_context.activity)])
