"""Reading an activity, once per turn, into what the dialogs and the feedback desk understand.

This is the one place that looks inside an incoming activity: the button pressed (a
message's `value` or a Universal Action's `action.data`), the text typed (without the
bot's @mention), the command words, who is talking and where. The dialogs then see only the
typed `Input`, `Person` and `Where` of `dialogs.engine`, and the feedback desk a `DeskPress`
or a `DeskCommand`: a card payload or a command is checked here once, whoever acts on it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final
from weakref import WeakKeyDictionary

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.ui.cards.feedback import (
    ACTION_KEY,
    CASE_VERB,
    VERB_PREFIX,
    CardAction,
    CaseAction,
    invoke_action_data,
    parse_card_action,
    parse_case_action,
)
from bot.ui.cards.payload import MAX_VALUE_LENGTH, PAYLOAD_KEY, Submit, parse_submit
from bot.ui.i18n import LANGUAGES, Strings
from dialogs.choices import normalize
from dialogs.engine import Input, Person, Press, Typed, Where

FOREIGN: Final = Submit(dialog="?", step="?", action="?")
"""What a card payload that is not ours reads as: a button of no dialog, so it is stale."""
SHARED_CONVERSATIONS: Final = frozenset({"groupChat", "channel"})
DESK_COMMANDS: Final = ("register", "grant", "revoke", "cases")
"""`feedback.commands.<name>` in the UI strings: the words, in every language."""
OBJECT_ID: Final = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
"""An Entra object id: how an admin names a user who has not yet written to the bot."""

_words_cache: WeakKeyDictionary[Strings, Mapping[str, str]] = WeakKeyDictionary()


def normalize_command(text: str | None) -> str:
    """A typed message as a command word: any case, spacing or `!`/`.` around it."""
    return " ".join((text or "").strip().strip(string.punctuation + " ").casefold().split())


def command_words(strings: Strings) -> Mapping[str, str]:
    """Every typed command of every language: normalized phrase -> command name (the keys
    under `dialogs.commands`), recognised whatever the activity's locale: a Finnish-speaking
    worker with an English Teams client still types `peruuta`. Built once per string table."""
    cached = _words_cache.get(strings)
    if cached is None:
        words: dict[str, str] = {}
        prefix = "dialogs.commands."
        for lang in LANGUAGES:
            for key in sorted(strings.keys(lang)):
                if key.startswith(prefix):
                    name = key.removeprefix(prefix)
                    for phrase in strings.get(key, lang).split("|"):
                        words.setdefault(normalize_command(phrase), name)
        cached = MappingProxyType(words)
        _words_cache[strings] = cached
    return cached


def read_input(context: TurnContext, strings: Strings) -> Input:
    activity = context.activity
    if activity.type == ActivityTypes.invoke:
        return _press(_invoke_data(activity.value), invoke=True)
    if parse_submit(activity.value) is not None:
        return _press(activity.value)
    text = _typed_text(context)
    if not text and activity.value is not None:
        return _press(activity.value)
    return _typed(text, strings)


def _invoke_data(value: object) -> object:
    action = value.get("action") if isinstance(value, Mapping) else None
    return action.get("data") if isinstance(action, Mapping) else None


def _press(value: object, *, invoke: bool = False) -> Press:
    submit = parse_submit(value)
    if submit is None:
        return Press(FOREIGN, invoke=invoke)
    extra = {
        key: item
        for key, item in (value.items() if isinstance(value, Mapping) else ())
        if key != PAYLOAD_KEY and isinstance(key, str) and isinstance(item, str) and 0 < len(item) <= MAX_VALUE_LENGTH
    }
    return Press(submit, options=extra, invoke=invoke)


def _typed_text(context: TurnContext) -> str:
    activity = context.activity
    if activity.text is None:
        return ""
    # In a Teams channel the text starts with the bot's @mention; strip it before reading.
    if activity.recipient is not None and activity.entities:
        TurnContext.remove_recipient_mention(activity)
    return (activity.text or "").strip()


def _typed(text: str, strings: Strings) -> Typed:
    words = command_words(strings)
    alone = words.get(normalize_command(text))
    if alone is not None:
        return Typed(text, command=alone)
    flat = normalize(text)  # "Näytä kortti: X" as "näytä kortti x"
    phrase = max((p for p in words if p and flat.startswith(p + " ")), key=len, default=None)
    if phrase is None:
        return Typed(text)
    return Typed(text, command=words[phrase], rest=flat[len(phrase) :].strip())


@dataclass(frozen=True)
class DeskPress:
    """A button of a feedback desk card (its data carries `ACTION_KEY`)."""

    action: CardAction | CaseAction | None
    """None when the data is ours but malformed, or an invoke's verb is not its data's: the
    desk refuses it rather than leaving a button of its own to the dialogs."""


@dataclass(frozen=True)
class DeskCommand:
    """A desk command typed in any chat (`rekisteröi kanava`, `lisää rooli`, ...)."""

    name: str
    """One of `DESK_COMMANDS`."""
    rest: str
    """The words after the command, normalized, without the `<at>…</at>` mentions."""
    mentioned: tuple[str, ...] = ()
    """The ids of the users @mentioned other than the bot, in the activity's order."""
    object_id: str | None = None
    """The first Entra object id in the text, in lower case."""


DeskInput = DeskPress | DeskCommand


def read_desk_input(activity: Activity, strings: Strings) -> DeskInput | None:
    """What the turn asks of the feedback desk; None leaves it to the campaigns and the
    dialogs. Read before `read_input`, which takes the bot's mention out of the text."""
    if activity.type == ActivityTypes.invoke:
        return _desk_invoke(activity.value)
    if activity.type != ActivityTypes.message:
        return None
    if _desk_data(activity.value):
        return DeskPress(parse_case_action(activity.value) or parse_card_action(activity.value))
    return _desk_command(activity, strings)


def _desk_data(value: object) -> bool:
    return isinstance(value, Mapping) and ACTION_KEY in value


def _desk_invoke(value: object) -> DeskPress | None:
    read = invoke_action_data(value)
    if read is None or not _desk_data(read[1]):
        return None
    verb, data = read
    case_action = parse_case_action(data)
    if case_action is not None and verb == VERB_PREFIX + CASE_VERB:
        return DeskPress(case_action)
    action = parse_card_action(data)
    if action is None or verb.removeprefix(VERB_PREFIX) != action.verb:
        return DeskPress(None)
    return DeskPress(action)


def _desk_command(activity: Activity, strings: Strings) -> DeskCommand | None:
    if not activity.text:
        return None
    flat = normalize(re.sub(r"<at>.*?</at>", " ", activity.text).strip())
    for name in DESK_COMMANDS:
        for lang in LANGUAGES:
            for phrase in strings.get(f"feedback.commands.{name}", lang).split("|"):
                words = normalize(phrase)
                if not words:
                    continue
                if flat == words or (name != "cases" and flat.startswith(words + " ")):
                    # `valvonta` only alone: "valvonta ja hankinnat?" is a question.
                    found = OBJECT_ID.search(activity.text)
                    return DeskCommand(name, flat[len(words) :].strip(), _mentioned(activity), found.group(0).lower() if found else None)
    return None


def _mentioned(activity: Activity) -> tuple[str, ...]:
    bot_id = activity.recipient.id if activity.recipient else None
    ids: list[str] = []
    for entity in activity.entities or ():
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        mentioned = getattr(entity, "mentioned", None) or (props or {}).get("mentioned")
        mentioned_id = mentioned.get("id") if isinstance(mentioned, Mapping) else getattr(mentioned, "id", None)
        if getattr(entity, "type", None) == "mention" and mentioned_id and mentioned_id != bot_id:
            ids.append(str(mentioned_id))
    return tuple(ids)


def person_of(activity: Activity) -> Person:
    sender = activity.from_property
    if sender is None:
        return Person(id="")
    return Person(id=sender.id or "", aad_object_id=getattr(sender, "aad_object_id", None), name=sender.name)


def where_of(activity: Activity) -> Where:
    conversation = activity.conversation
    channel_data: Any = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    tenant = channel_data.get("tenant") if isinstance(channel_data.get("tenant"), Mapping) else {}
    return Where(
        id=conversation.id if conversation else "",
        kind=(conversation.conversation_type if conversation else None) or "personal",
        channel_id=activity.channel_id or "",
        service_url=activity.service_url,
        tenant_id=(conversation.tenant_id if conversation else None) or tenant.get("id"),
        activity_id=activity.id,
        reply_to_id=activity.reply_to_id,
    )


def state_key(activity: Activity) -> str:
    """Where a conversation's dialogs are stored. In a group chat or a channel every worker
    has their own flows, so two workers never answer or cancel each other's."""
    conversation = activity.conversation
    key = f"{activity.channel_id}/conversations/{conversation.id if conversation else ''}"
    kind = conversation.conversation_type if conversation else None
    if kind in SHARED_CONVERSATIONS:
        sender = activity.from_property
        key += f"/users/{sender.id if sender else ''}"
    return key
