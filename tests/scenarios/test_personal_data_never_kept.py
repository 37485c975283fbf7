"""Personal data typed or submitted anywhere never lands in a table or a log line, in full or
in part (issue 14).

Identity codes (every form `domain.privacy` handles), phone numbers and e-mail addresses go
through every path a client can reach, found by walking the bot's own cards (not a list of
today's dialogs, so a new dialog or a rewritten engine is covered as soon as a button leads
to it):

* typed text at every card the walk reaches (and at the start: the Q&A question);
* every string field of every button on those cards, replaced by personal data, one at a
  time, and the extra fields a start button may carry (`service`, `process`, `step`);
* every input field (`Input.*`) of those cards, as a client submits them with a button.

Then every table (all columns of all rows, whatever the schema has become) and the JSON log
lines at DEBUG are searched for each sample and its fragments.

To add a path, add its first turns to `STARTS` (the feedback dialog, once in the menu, is
reached from `apu` by itself); to add a form of personal data, add it to `SAMPLES`.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import pytest
from sqlalchemy import MetaData, select

from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.db import create_engine
from domain.logs import QUIET_LOGGERS, configure_logging
from tests.support.db import run_in_thread
from tests.support.http import activity
from tests.support.live import LiveBot
from tests.support.replies import buttons, cards

Turn = str | dict[str, Any]


@dataclass(frozen=True)
class Sample:
    text: str
    fragments: tuple[str, ...]
    """Parts that must not appear either (a redaction that kept half a code is a leak)."""


SAMPLES: Final = (
    # Identity codes: valid ones with old and 2023 century signs, look-alikes, every form.
    Sample("131052-308T", ("131052", "308T")),
    Sample("150812A944N", ("150812", "A944N")),
    Sample("asiakas160911B958Hx", ("160911", "958H")),
    Sample("070377Y1187", ("070377", "Y118")),
    Sample("121299951M", ("121299", "951M")),
    Sample("2203 85-476R", ("220385", "2203 85", "476R")),
    Sample("250694\u200b-335W", ("250694", "335W")),
    Sample("hetu:301148+2149,", ("301148", "+2149")),
    # Phone numbers.
    Sample("044.555.1212", ("5551212", "555.1212", "555 1212")),
    Sample("+358 40 765 4321", ("7654321", "765 4321")),
    Sample("puh0458765432", ("8765432",)),
    Sample("(09) 310 98765", ("31098765", "310 98765")),
    # E-mail addresses, plain and obfuscated.
    Sample("vekkuli.pellervo@hel.fi", ("pellervo", "vekkuli")),
    Sample("tiitus.annikki(at)espoo.fi", ("tiitus", "annikki")),
    Sample("kuikka.raimo [ät] vantaa [piste] fi", ("kuikka", "raimo")),
    Sample("oksanen at kela dot fi", ("oksanen",)),
)
ALL_SAMPLES_TEXT: Final = " ja ".join(sample.text for sample in SAMPLES)

STARTS: Final[dict[str, list[Turn]]] = {
    "the menu": ["apu"],
    "a Q&A answer": ["mikä on testipalvelu"],
    "a Q&A question without an answer": [f"kissan ruokinta {ALL_SAMPLES_TEXT}"],
    "a Q&A question with an answer": [f"mikä on testipalvelu {ALL_SAMPLES_TEXT}"],
}
"""Where the walk begins: the first turns of a conversation."""
START_OPTION_KEYS: Final = ("service", "process", "step")


@dataclass
class State:
    path: list[Turn]
    card_buttons: list[Any] = field(default_factory=list)
    input_ids: list[str] = field(default_factory=list)


class Walker:
    def __init__(self, bot: LiveBot, *, max_states: int, max_depth: int) -> None:
        self.bot = bot
        self.posts = 0
        self._conversations = 0
        self._max_states = max_states
        self._max_depth = max_depth
        self._probed_everywhere: set[tuple[str, ...]] = set()

    def play(self, turns: list[Turn]) -> list[dict[str, Any]]:
        """The turns in a new conversation; the replies to the last one."""
        self._conversations += 1
        conversation_id = f"scan-{self._conversations}"
        replies: list[dict[str, Any]] = []
        for turn in turns:
            body = activity(text=turn, conversation_id=conversation_id) if isinstance(turn, str) else activity(value=turn, conversation_id=conversation_id)
            status, answer = self.bot.post(body)
            self.posts += 1
            assert status < 500, f"{status} at {turns!r}"
            replies = answer["activities"] if status == 200 and answer else []
        return replies

    def explore(self) -> list[State]:
        """Breadth first through the buttons, from every start."""
        states: list[State] = []
        seen: set[str] = set()
        queue = [list(turns) for turns in STARTS.values()]
        while queue and len(states) < self._max_states:
            path = queue.pop(0)
            replies = self.play(path)
            state = State(path, [action.data for action in buttons(replies)], _input_ids(cards(replies)))
            states.append(state)
            if len(path) >= self._max_depth:
                continue
            for data in state.card_buttons:
                key = json.dumps(data, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    queue.append([*path, data])
        return states

    def probe(self, state: State, sample_index: int) -> None:
        """Personal data into every field this state offers, each probe from a fresh replay.

        A button field whose value differs between the card's buttons carries the choice and
        is probed at every card; one that is the same on all of them (the dialog, the step
        token, the action) is probed once for the whole walk.
        """
        sample = SAMPLES[sample_index % len(SAMPLES)].text
        self.play([*state.path, ALL_SAMPLES_TEXT])
        self.play([*state.path, sample])
        for leaf in _string_leaves(state.card_buttons):
            choice = len({json.dumps(_leaf_value(data, leaf)) for data in state.card_buttons}) > 1
            if choice or leaf not in self._probed_everywhere:
                self._probed_everywhere.add(leaf)
                data = next(data for data in state.card_buttons if leaf in _string_leaves([data]))
                self.play([*state.path, _with_leaf(data, leaf, sample)])
        if state.card_buttons:
            keys = (*START_OPTION_KEYS, *state.input_ids)
            extra = {key: SAMPLES[(sample_index + offset) % len(SAMPLES)].text for offset, key in enumerate(keys)}
            self.play([*state.path, {**state.card_buttons[0], **extra}])


def _input_ids(shown_cards: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and isinstance(node.get("id"), str):
                found.append(node["id"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(shown_cards)
    return sorted(set(found))


def _string_leaves(buttons: list[Any]) -> list[tuple[str, ...]]:
    """The paths of the string (or null) fields of the buttons' data, in order, once each."""
    found: dict[tuple[str, ...], None] = {}

    def walk(data: Any, prefix: tuple[str, ...]) -> None:
        if isinstance(data, dict):
            for key, item in data.items():
                walk(item, (*prefix, key))
        elif isinstance(data, str) or data is None:
            found[prefix] = None

    for data in buttons:
        walk(data, ())
    return list(found)


def _leaf_value(data: Any, leaf: tuple[str, ...]) -> Any:
    for key in leaf:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _with_leaf(data: Any, leaf: tuple[str, ...], value: str) -> Any:
    if not leaf:
        return value
    copy = dict(data)
    copy[leaf[0]] = _with_leaf(data.get(leaf[0]), leaf[1:], value)
    return copy


async def _every_value_in_every_table(database_url: str) -> list[tuple[str, str]]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            found: list[tuple[str, str]] = []
            for table in metadata.sorted_tables:
                for row in (await connection.execute(select(table))).all():
                    found.extend((table.name, str(value)) for value in row if value is not None and not _is_hash(str(value)))
            return found
    finally:
        await engine.dispose()


def _is_hash(value: str) -> bool:
    """An eTag (uuid hex) or a key hash (sha256 hex): random hex holds any six digits now and
    then, and cannot hold personal data."""
    return len(value) in (32, 64) and all(ch in "0123456789abcdef" for ch in value)


def _leaks(haystack: str) -> list[str]:
    lowered = haystack.lower()
    return [needle for sample in SAMPLES for needle in (sample.text, *sample.fragments) if needle.lower() in lowered]


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The app's real logging at DEBUG, into a string; the previous set-up restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def _scan(settings: Settings, knowledge: KnowledgeProvider, log_stream: io.StringIO, *, max_states: int, max_depth: int) -> None:
    with LiveBot(settings, knowledge) as bot:
        walker = Walker(bot, max_states=max_states, max_depth=max_depth)
        states = walker.explore()
        for index, state in enumerate(states):
            walker.probe(state, index)

    values = run_in_thread(_every_value_in_every_table(settings.database_url))
    log = log_stream.getvalue()

    # The walk got somewhere: the cards it was allowed, something stored, something logged.
    assert len(states) >= max_states * 0.8, f"the walk reached only {len(states)} cards"
    assert {table for table, _ in values} >= {"bot_state", "qna_unanswered", "activity_seen"}
    assert '"event": "turn"' in log
    print(f"\nscan: {len(states)} cards, {walker.posts} activities, {len(values)} stored values, {len(log.splitlines())} log lines")
    table_leaks = sorted({(table, needle) for table, value in values for needle in _leaks(value)})
    assert not table_leaks, f"personal data stored: {table_leaks}"
    log_leaks = sorted({needle for line in log.splitlines() for needle in _leaks(line)})
    assert not log_leaks, f"personal data logged: {log_leaks}"


def test_personal_data_through_the_first_cards_is_in_no_table_and_no_log(settings: Settings, knowledge: KnowledgeProvider, debug_log: io.StringIO) -> None:
    _scan(settings, knowledge, debug_log, max_states=12, max_depth=3)


@pytest.mark.slow
def test_personal_data_through_every_card_is_in_no_table_and_no_log(settings: Settings, knowledge: KnowledgeProvider, debug_log: io.StringIO) -> None:
    _scan(settings, knowledge, debug_log, max_states=50, max_depth=5)
