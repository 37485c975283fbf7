"""Hypothesis strategies for incoming activities: mostly the shapes Teams sends, with every
field sometimes of the wrong type, missing, hostile text, and card submits that are the
bot's own buttons (harvested from its cards) or mutations of them.

Two rules keep the fuzzing on this machine and inside this branch's concern:

* `serviceUrl` is a loopback URL or not a URL at all, never a generated host;
* `deliveryMode` is `expectReplies` (replies in the HTTP response), so no reply is POSTed
  anywhere: outbound delivery to a connector is exercised by its own tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from hypothesis import strategies as st

from tests.support.http import UNUSED_SERVICE_URL

CONVERSATIONS: Final = ("fuzz-a", "fuzz-b", "fuzz-c", "19:fuzz@thread.v2")
"""Few conversations, so that state accumulates and dialogs get somewhere."""

WORDS: Final = (
    "apu",
    "hei",
    "peruuta",
    "takaisin",
    "valikko",
    "valitse palvelu",
    "tarkista kriteerit",
    "prosessi",
    "näytä kortti",
    "help",
    "cancel",
    "back",
    "hjälp",
    "avbryt",
    "1",
    "2",
    "3",
    "0",
    "12",
    "-1",
    "99999999999999999999",
    "kyllä",
    "ei",
    "testipalvelu",
    "perhekuntoutus",
    "tukiperhe",
    "mikä on testipalvelu?",
    "",
    " ",
    "\n",
    "131052-308T",
    "asiakas150812A944Nx",
    "044.555.1212",
    "laura(at)hel.fi",
    "<at>Palveluopas</at> apu",
    "😀" * 3,
    "\u202eevil",
    "a" * 5000,
    "%s %d {0} {{x}}",
    "'; DROP TABLE bot_state; --",
    "\x00",
    "\ud800",
    "\udfff x",
    "🇫🇮",
)

_leaf: Final = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.sampled_from(WORDS))
json_values: Final = st.recursive(
    _leaf, lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=12
)
"""Any JSON value, shallow."""

texts: Final = st.one_of(st.sampled_from(WORDS), st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8"), max_size=30))


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight says (`st.one_of` drops
    duplicates, so repeating a strategy there does not weigh it)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def sometimes_wrong(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly `right`, sometimes any JSON value instead."""
    return weighted((6, right), (1, json_values))


def nested(depth: int) -> Any:
    value: Any = "pohja"
    for _ in range(depth):
        value = {"pv": value} if depth % 2 else [value]
    return value


ACTIONS: Final = ("answer", "start", "next", "back", "cancel", "select", "open", "done", "restart", "helpful", "not_helpful", "menu")
DIALOGS: Final = ("menu", "finder", "criteria", "process", "card", "qna", "root", "feedback")


def card_submits(buttons: Sequence[Any]) -> st.SearchStrategy[Any]:
    """A card submit: one of the bot's own buttons as is, one with a field replaced, or a
    submit made up from the payload's known keys."""
    made_up = st.fixed_dictionaries(
        {
            "pv": sometimes_wrong(
                st.fixed_dictionaries(
                    {"dialog": sometimes_wrong(st.sampled_from(DIALOGS)), "step": sometimes_wrong(texts), "action": sometimes_wrong(st.sampled_from(ACTIONS))},
                    optional={"value": sometimes_wrong(texts)},
                )
            )
        },
        optional={"service": sometimes_wrong(texts), "process": sometimes_wrong(texts), "step": sometimes_wrong(texts), "extra": json_values},
    )
    deep = st.sampled_from([nested(20), nested(31), {"pv": nested(12)}])
    if not buttons:
        return weighted((5, made_up), (1, deep))
    own = st.sampled_from(list(buttons))
    return weighted((3, made_up), (1, deep), (4, own), (3, st.builds(_mutated, own, st.integers(0, 50), json_values)))


def _mutated(data: Any, which: int, replacement: Any) -> Any:
    """`data` with its `which`-th leaf (depth first, wrapping around) replaced."""
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in node:
                (walk(node[key]) if isinstance(node[key], (dict, list)) else leaves.append((node, key)))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                (walk(item) if isinstance(item, (dict, list)) else leaves.append((node, index)))

    copy = _deep_copy(data)
    walk(copy)
    if leaves:
        parent, key = leaves[which % len(leaves)]
        parent[key] = replacement
    return copy


def _deep_copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _deep_copy(item) for key, item in data.items()}
    if isinstance(data, list):
        return [_deep_copy(item) for item in data]
    return data


_SERVICE_URLS: Final = weighted(
    (4, st.just(UNUSED_SERVICE_URL)),
    (1, st.sampled_from(["", "not a url", "http://", "ftp://127.0.0.1/", "http://127.0.0.1:99999/", "//127.0.0.1"])),
    (1, st.integers()),
    (1, st.none()),
)
_ACCOUNTS: Final = sometimes_wrong(
    st.fixed_dictionaries({"id": sometimes_wrong(st.sampled_from(["user-1", "user-2", "palveluopas"]))}, optional={"name": texts, "aadObjectId": texts})
)
_ENTITIES: Final = sometimes_wrong(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"type": st.just("mention")},
                optional={
                    "mentioned": sometimes_wrong(st.fixed_dictionaries({"id": st.sampled_from(["palveluopas", "user-2"])})),
                    "text": sometimes_wrong(st.just("<at>Palveluopas</at>")),
                },
            ),
            st.fixed_dictionaries({"type": st.just("clientInfo")}, optional={"locale": texts, "timezone": texts}),
            json_values,
        ),
        max_size=3,
    )
)
_TYPES: Final = st.sampled_from(
    ["message"] * 8 + ["conversationUpdate", "invoke", "installationUpdate", "event", "typing", "messageReaction", "endOfConversation"]
)
_INVOKE_NAMES: Final = st.sampled_from(
    ["adaptiveCard/action", "signin/tokenExchange", "signin/verifyState", "task/fetch", "composeExtension/query", "healthCheck", ""]
)


_WELL_FORMED_FIELDS: Final = {
    "type": _TYPES,
    "id": weighted((9, st.uuids().map(str)), (1, st.sampled_from(["resent-1", "resent-2"]))),
    "channelId": st.sampled_from(["msteams", "emulator"]),
    "serviceUrl": st.just(UNUSED_SERVICE_URL),
    "conversation": st.fixed_dictionaries(
        {"id": st.sampled_from(CONVERSATIONS)}, optional={"conversationType": st.sampled_from(["personal", "channel"]), "tenantId": texts}
    ),
    "from": st.fixed_dictionaries({"id": st.sampled_from(["user-1", "user-2"])}, optional={"name": texts, "aadObjectId": texts}),
    "recipient": st.just({"id": "palveluopas", "name": "Palveluopas"}),
    "deliveryMode": st.just("expectReplies"),
}


def _well_formed(buttons: Sequence[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Activities that pass the edge checks: the turn runs on whatever text and submit."""
    mention = st.just({"type": "mention", "mentioned": {"id": "palveluopas", "name": "Palveluopas"}, "text": "<at>Palveluopas</at>"})
    return st.fixed_dictionaries(
        _WELL_FORMED_FIELDS,
        optional={
            "text": texts.filter(lambda text: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)),
            "value": weighted((3, card_submits(buttons)), (1, json_values)),
            "locale": st.sampled_from(["fi-FI", "sv-SE", "en-US", "fi", "xx-YY", ""]),
            "entities": st.lists(st.one_of(mention, st.just({"type": "clientInfo", "locale": "fi-FI"})), max_size=2),
            "membersAdded": st.lists(_WELL_FORMED_FIELDS["from"], max_size=2),
            "name": _INVOKE_NAMES,
        },
    )


def _broken(buttons: Sequence[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Activities with one to three fields wrong or missing, or anything at all."""
    fields = st.fixed_dictionaries(
        {
            "type": sometimes_wrong(_TYPES),
            "id": st.one_of(st.uuids().map(str), json_values),
            "channelId": sometimes_wrong(st.sampled_from(["msteams", "emulator"])),
            "serviceUrl": _SERVICE_URLS,
            "conversation": sometimes_wrong(st.fixed_dictionaries({"id": sometimes_wrong(st.sampled_from(CONVERSATIONS))})),
            "deliveryMode": st.just("expectReplies"),
        },
        optional={
            "text": sometimes_wrong(texts),
            "value": st.one_of(card_submits(buttons), json_values),
            "from": _ACCOUNTS,
            "recipient": _ACCOUNTS,
            "locale": sometimes_wrong(st.sampled_from(["fi-FI", "sv-SE", "en-US"])),
            "entities": _ENTITIES,
            "membersAdded": sometimes_wrong(st.lists(_ACCOUNTS, max_size=3)),
            "membersRemoved": sometimes_wrong(st.lists(_ACCOUNTS, max_size=2)),
            "name": sometimes_wrong(_INVOKE_NAMES),
            "channelData": json_values,
            "attachments": sometimes_wrong(st.lists(st.fixed_dictionaries({"contentType": texts}, optional={"content": json_values}), max_size=2)),
            "timestamp": sometimes_wrong(st.just("2026-12-06T04:00:00.000Z")),
            "replyToId": sometimes_wrong(texts),
        },
    )
    # deliveryMode stays: without it the replies would be POSTed to the serviceUrl.
    drop = st.sets(st.sampled_from(sorted(set(_WELL_FORMED_FIELDS) - {"deliveryMode"})), max_size=2)
    return st.builds(lambda body, gone: {k: v for k, v in body.items() if k not in gone}, fields, drop)


def activities(buttons: Sequence[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Three in five well-formed (a turn runs), two in five broken (the edge rejects most)."""
    return weighted((3, _well_formed(buttons)), (2, _broken(buttons)))
