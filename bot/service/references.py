"""Remember, on every turn, who wrote and where: the conversation reference (service url,
conversation id and type, tenant, team) and the user's ids, so the bot can message the
arranging team's channel and a reporter's 1:1 chat later. Never names.

A turn in an unchanged conversation within `REFRESH_SECONDS` writes nothing: the reference
is cached in memory, so the hook costs one upsert per conversation and hour, not per turn.
The user's row id is put in the turn state (`USER_ID_KEY`) for the dialogs.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Final

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity

from bot.store.people import ConversationAddress, Identity, PeopleStore
from bot.ui.i18n import language_of
from domain.logs import log_event

log = logging.getLogger(__name__)

USER_ID_KEY: Final = "palveluopas.user_id"
REFRESH_SECONDS: Final = 3600.0
CACHE_SIZE: Final = 10_000


def identity_of(activity: Activity) -> Identity | None:
    sender = activity.from_property
    if sender is None or not sender.id:
        return None
    return Identity(channel_user_id=sender.id, aad_object_id=getattr(sender, "aad_object_id", None) or None)


def address_of(activity: Activity) -> ConversationAddress | None:
    conversation = activity.conversation
    if conversation is None or not conversation.id or not activity.service_url:
        return None
    data: Any = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = conversation.tenant_id or _nested_id(data, "tenant")
    return ConversationAddress(
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or "personal",
        channel_id=activity.channel_id or "",
        service_url=activity.service_url,
        bot_id=activity.recipient.id if activity.recipient and activity.recipient.id else "",
        tenant_id=tenant,
        team_id=_nested_id(data, "team"),
    )


def _nested_id(data: dict[str, Any], key: str) -> str | None:
    inner = data.get(key)
    value = inner.get("id") if isinstance(inner, dict) else None
    return value if isinstance(value, str) and value else None


class ConversationReferenceMiddleware(Middleware):
    def __init__(self, people: PeopleStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._people = people
        self._clock = clock
        self._seen: OrderedDict[tuple[Identity, ConversationAddress, str], tuple[int, float]] = OrderedDict()

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        who, address = identity_of(context.activity), address_of(context.activity)
        if who is not None:
            user_id = await self._remember(who, address, language_of(context.activity.locale))
            if user_id is not None:
                context.turn_state[USER_ID_KEY] = user_id
        await logic()

    async def _remember(self, who: Identity, address: ConversationAddress | None, language: str) -> int | None:
        # A user who switches Teams to another language is remembered again at once.
        key = (who, address, language) if address is not None else None
        now = self._clock()
        if key is not None and key in self._seen and now - self._seen[key][1] < REFRESH_SECONDS:
            return self._seen[key][0]
        try:
            user_id = await self._people.remember(who, address, language)
        except Exception as exc:  # a turn still runs without the reference; the next one retries
            log_event(log, "reference_not_recorded", level=logging.WARNING, error_type=type(exc).__name__)
            return None
        if key is not None:
            self._seen[key] = (user_id, now)
            self._seen.move_to_end(key)
            while len(self._seen) > CACHE_SIZE:
                self._seen.popitem(last=False)
        return user_id
