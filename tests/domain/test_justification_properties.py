"""Every line of the justification is true on its own, for every answer combination.

A worker copies single lines of the "Perustelut" into a client record. So each line that
mentions a criterion or contra-indication must say the answer the worker gave (met, not met,
only after special consideration, found, not found, still to check, not assessed), and the
verdict line must follow from the answers. The properties are checked:

- over EVERY combination of answers for round-the-clock family rehabilitation (all items,
  each with every answer it offers: 4 × 3^10 = 236,196 combinations);
- for the professional support person card (4 × 4 × 3^11 = 2,834,352 combinations, too many
  for every run) over every combination of its criteria with each contra-indication pattern
  that changes the text's structure, and over a Hypothesis sample of full combinations.
  `PALVELUOPAS_EXHAUSTIVE=1` runs its full product too (about ten minutes on one core);
- in Finnish, Swedish and English.

The checker reads lines back only through the public prefixes (`PREFIXES`) and the records'
own texts, never through the code that wrote them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.criteria import BASE_ANSWERS, CheckAnswer, answer_options, evaluate
from domain.justification import LANGUAGES, PREFIXES, State, justification_text
from knowledge.model import ContraIndication, Criterion, KnowledgeBase, ServiceCard
from tests.knowledge.real_kb import load_real_kb

Y, N, U, C = CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN, CheckAnswer.CONSIDER
FULL_CARDS = ("perhekuntoutus", "ammatillinen-tukihenkilo")
Item = Criterion | ContraIndication


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_real_kb()


def items_of(card: ServiceCard) -> tuple[Item, ...]:
    return (*card.criteria, *card.contraindications)


def options_of(card: ServiceCard) -> list[tuple[CheckAnswer, ...]]:
    return [answer_options(c) for c in card.criteria] + [BASE_ANSWERS for _ in card.contraindications]


def combinations(card: ServiceCard) -> Iterator[dict[str, CheckAnswer]]:
    ids = [item.id for item in items_of(card)]
    for combo in itertools.product(*options_of(card)):
        yield dict(zip(ids, combo, strict=True))


class Reader:
    """Reads a justification's lines back: which item a line is about and what it says.

    Built from the public prefixes and the records' own sentences: a line about an item is
    '- <prefix><sentence>', the sentence being the statement (the question where a card has
    none) or, for 'only after special consideration', the consider_statement.
    """

    def __init__(self, card: ServiceCard, lang: str) -> None:
        self.card = card
        self.lines: dict[str, tuple[State, Item]] = {}
        self.sentences: list[tuple[str, str]] = []
        for item in items_of(card):
            statement = (item.statement or item.question).get(lang).strip().rstrip(".")
            consider = (item.consider_statement or item.question).get(lang).strip().rstrip(".") if isinstance(item, Criterion) else None
            self.sentences.append((item.id, statement))
            if consider:
                self.sentences.append((item.id, consider))
            for state, prefix in PREFIXES[lang].items():
                quoted = consider if state is State.CONSIDER and consider else statement
                self.lines[prefix + quoted] = (state, item)
        self.prefixes = tuple(PREFIXES[lang].values())

    def read(self, line: str) -> tuple[State, Item] | None:
        """(state, item) for a line about an item, None for any other line."""
        body = (line[2:] if line.startswith("- ") else line).rstrip(".")
        found = self.lines.get(body)
        if found is None and body.startswith(self.prefixes):
            raise AssertionError(f"line states an answer but quotes no item of {self.card.id}: {line!r}")
        return found

    def mentions(self, line: str) -> list[str]:
        """Ids of items whose sentence appears anywhere in the line."""
        return [item_id for item_id, sentence in self.sentences if sentence in line]


def expected_state(item: Item, answer: CheckAnswer, ruled_out: bool) -> State:
    if answer is CheckAnswer.YES:
        return State.MET if isinstance(item, Criterion) else State.APPLIES
    if answer is CheckAnswer.NO:
        return State.UNMET if isinstance(item, Criterion) else State.CLEARED
    if answer is CheckAnswer.CONSIDER and isinstance(item, Criterion):
        return State.CONSIDER
    return State.NOT_ASSESSED if ruled_out else State.OPEN


def verdict_key(card: ServiceCard, answers: Mapping[str, CheckAnswer]) -> str:
    """The verdict the answers support, worked out here from the answers alone."""
    criteria = [answers[c.id] for c in card.criteria]
    contras = [answers[c.id] for c in card.contraindications]
    if N in criteria or Y in contras:
        return "ruled_out"
    if U in criteria or U in contras or C in contras:
        known = [a for a in criteria if a is not U] + [a for a in contras if a not in (U, C)]
        return "undetermined" if known else "nothing_known"
    if C in criteria:
        return "special"
    return "all_met" if card.complete and card.criteria else "case_by_case"


VERDICT_MARKERS = {
    "fi": {
        "ruled_out": "ei sovellu tilanteeseen",
        "nothing_known": "yhtäkään kohtaa",
        "undetermined": "osa kohdista",
        "special": "vain erityisellä harkinnalla",
        "all_met": "kaikki soveltuvuusperusteet täyttyvät",
    },
    "sv": {
        "ruled_out": "passar tjänsten inte",
        "nothing_known": "ingen punkt",
        "undetermined": "en del punkter",
        "special": "endast efter särskild prövning",
        "all_met": "alla kriterier uppfylls",
    },
    "en": {
        "ruled_out": "does not suit",
        "nothing_known": "no point",
        "undetermined": "some points",
        "special": "only after special consideration",
        "all_met": "every criterion is met",
    },
}


def problems(kb: KnowledgeBase, card: ServiceCard, answers: Mapping[str, CheckAnswer], lang: str) -> list[str]:
    """Every line that asserts more (or other) than the answers support; empty when none."""
    text = justification_text(evaluate(kb, card, answers), lang)
    lines = text.splitlines()
    reader = Reader(card, lang)
    found: list[str] = []
    verdict = verdict_key(card, answers)
    if VERDICT_MARKERS[lang][verdict] not in lines[2]:
        found.append(f"verdict line {lines[2]!r} is not {verdict}")
    seen: set[str] = set()
    for line in lines:
        read = reader.read(line)
        if read is None:
            # A line that states no answer must not quote any item (a bare sentence pasted
            # alone would read as a finding).
            if reader.mentions(line):
                found.append(f"bare sentence: {line!r}")
            continue
        state, item = read
        if item.id in seen:
            found.append(f"{item.id} stated twice")
        seen.add(item.id)
        want = expected_state(item, answers[item.id], verdict == "ruled_out")
        if state is not want:
            found.append(f"{item.id}: answered {answers[item.id]}, line says {state}: {line!r}")
    missing = [i.id for i in items_of(card) if i.id not in seen]
    if missing:
        found.append(f"items the text leaves out: {missing}")
    return found


def assert_all_true(kb: KnowledgeBase, card: ServiceCard, combos: Iterable[Mapping[str, CheckAnswer]], langs: Sequence[str]) -> int:
    count = 0
    for answers in combos:
        for lang in langs:
            wrong = problems(kb, card, answers, lang)
            assert not wrong, f"{card.id} {lang} {dict(answers)}: {wrong}"
        count += 1
    return count


# --- Family rehabilitation: every combination ------------------------------------------------


def test_every_answer_combination_of_family_rehabilitation_gives_only_true_lines(kb: KnowledgeBase) -> None:
    card = kb.service("perhekuntoutus")
    assert card is not None
    count = assert_all_true(kb, card, combinations(card), ("fi",))
    assert count == 4 * 3**10 == 236_196


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_family_rehabilitation_in_swedish_and_english_over_every_pattern(kb: KnowledgeBase, lang: str) -> None:
    # Every answer to every item, with the others in each uniform state (all yes, no, unknown):
    # each line and verdict kind in the other languages, without the full product again.
    card = kb.service("perhekuntoutus")
    assert card is not None
    combos = []
    for item, options in zip(items_of(card), options_of(card), strict=True):
        for answer in options:
            for rest in BASE_ANSWERS:
                combos.append({**{i.id: rest for i in items_of(card)}, item.id: answer})
    assert assert_all_true(kb, card, combos, (lang,)) == len(combos)


# --- Professional support person --------------------------------------------------------------


def support_patterns(card: ServiceCard) -> Iterator[dict[str, CheckAnswer]]:
    """Every combination of the criteria, with the contra-indications all no, all unknown, or
    one of them yes or unknown and the others no: every structure the text can take."""
    contra_ids = [c.id for c in card.contraindications]
    contra_sets: list[dict[str, CheckAnswer]] = [dict.fromkeys(contra_ids, N), dict.fromkeys(contra_ids, U)]
    for cid in contra_ids:
        contra_sets += [{**dict.fromkeys(contra_ids, N), cid: Y}, {**dict.fromkeys(contra_ids, N), cid: U}]
    ids = [c.id for c in card.criteria]
    for combo in itertools.product(*(answer_options(c) for c in card.criteria)):
        for contras in contra_sets:
            yield {**dict(zip(ids, combo, strict=True)), **contras}


def test_every_criteria_combination_of_the_support_person_card_gives_only_true_lines(kb: KnowledgeBase) -> None:
    card = kb.service("ammatillinen-tukihenkilo")
    assert card is not None
    count = assert_all_true(kb, card, support_patterns(card), ("fi",))
    assert count == 4 * 4 * 3**5 * (2 + 2 * 6) == 54_432


@st.composite
def support_answers(draw: st.DrawFn, card: ServiceCard) -> dict[str, CheckAnswer]:
    return {item.id: draw(st.sampled_from(options)) for item, options in zip(items_of(card), options_of(card), strict=True)}


_SUPPORT = load_real_kb().service("ammatillinen-tukihenkilo")
assert _SUPPORT is not None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=support_answers(_SUPPORT), lang=st.sampled_from(LANGUAGES))
def test_any_full_combination_of_the_support_person_card_gives_only_true_lines(kb: KnowledgeBase, answers: dict[str, CheckAnswer], lang: str) -> None:
    assert not problems(kb, _SUPPORT, answers, lang)


@pytest.mark.skipif(os.environ.get("PALVELUOPAS_EXHAUSTIVE") != "1", reason="full product: set PALVELUOPAS_EXHAUSTIVE=1 (about ten minutes)")
def test_every_answer_combination_of_the_support_person_card_gives_only_true_lines(kb: KnowledgeBase) -> None:
    card = kb.service("ammatillinen-tukihenkilo")
    assert card is not None
    assert assert_all_true(kb, card, combinations(card), ("fi",)) == 4 * 4 * 3**11 == 2_834_352


# --- Single lines, pasted alone --------------------------------------------------------------


PASTED = {
    # A child hit last night by a parent who still threatens the family.
    "acute danger": ("perhekuntoutus", {"perhekuntoutus.lapsi-akuutissa-vaarassa": Y, "perhekuntoutus.vapaaehtoisuus": U}),
    # An 8-year-old, no special support need found, one exclusion not found.
    "8-year-old": (
        "ammatillinen-tukihenkilo",
        {"ammatillinen-tukihenkilo.ika": C, "ammatillinen-tukihenkilo.erityinen-tuki": N, "ammatillinen-tukihenkilo.perheen-muutostyo": N},
    ),
}


@pytest.mark.parametrize("case", sorted(PASTED))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_line_pasted_alone_says_what_was_answered(kb: KnowledgeBase, case: str, lang: str) -> None:
    service_id, given_answers = PASTED[case]
    card = kb.service(service_id)
    assert card is not None
    answers = {item.id: given_answers.get(item.id, U) for item in items_of(card)}
    text = justification_text(evaluate(kb, card, answers), lang)
    reader = Reader(card, lang)
    item_lines = [line for line in text.splitlines() if reader.mentions(line)]

    assert item_lines
    for line in item_lines:
        # The line on its own, without its heading: it must name the answer itself.
        read = reader.read(line)
        assert read is not None, f"a line pasted alone asserts its sentence as a finding: {line!r}"
        state, item = read
        assert state is expected_state(item, answers[item.id], verdict_key(card, answers) == "ruled_out")


def test_acute_danger_line_pasted_alone_reads_as_found(kb: KnowledgeBase) -> None:
    card = kb.service("perhekuntoutus")
    assert card is not None
    text = justification_text(evaluate(kb, card, {"perhekuntoutus.lapsi-akuutissa-vaarassa": Y, "perhekuntoutus.akuutti-paihdeongelma": N}))
    lines = text.splitlines()

    assert "- Todettu, sulkee palvelun pois: Lapsi on akuutissa vaarassa." in lines
    assert "- Ei todettu: Huoltajalla on akuutti päihdeongelma." in lines
    assert "- Arvioimatta: Perhe on halukas osallistumaan kuntoutukseen." in lines
    assert not any(line == "- Huoltajalla on akuutti päihdeongelma." for line in lines)


def test_the_reader_catches_a_bare_sentence_and_a_wrong_answer(kb: KnowledgeBase) -> None:
    # The checker itself can fail: a statement without its answer, or with another answer.
    card = kb.service("perhekuntoutus")
    assert card is not None
    reader = Reader(card, "fi")
    bare = "- Huoltajalla on akuutti päihdeongelma."

    assert reader.read(bare) is None and reader.mentions(bare) == ["perhekuntoutus.akuutti-paihdeongelma"]
    state, item = reader.read("- Täyttyy: Perhe on halukas osallistumaan kuntoutukseen.") or (None, None)
    assert state is State.MET and item is not None
    assert expected_state(item, N, ruled_out=False) is State.UNMET
