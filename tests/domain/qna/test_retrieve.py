"""The matcher on a small knowledge base built in code: bands, inflection, typos,
abbreviations, other languages, twins across tracks, bounded memos."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from domain.qna import QnaIndex, RecordRef, ask, build_index
from domain.qna.index import FUZZY_CACHE_SIZE, _Lru
from domain.qna.retrieve import QUESTION_MAX_CHARS, Candidate, QnaResult, choose_band, nearest_topics
from knowledge.model import KnowledgeBase
from tests.domain.qna.small_kb import small_kb, small_kb_data


def top(index: QnaIndex, text: str, lang: str = "fi") -> str:
    result = index.ask(text, lang)
    assert result.top is not None, f"no candidates for {text!r}"
    return str(result.top.ref)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("minkä ikäisille tukihenkilö sopii", "faq:faq.tukihenkilo-ika"),  # inflected
        ("minka ikaisille tukihenkilo sopii", "faq:faq.tukihenkilo-ika"),  # no diacritics
        ("tukihenkilön ikäräja", "faq:faq.tukihenkilo-ika"),  # typo
        ("montako viikonloppua tukiperheessä ollaan", "faq:faq.tukiperhe-kesto"),
        ("kuinka nopeasti LS-ilmoitus käsitellään", "faq:faq.ls-ilmoitus-kasittely"),  # abbreviation
        ("missä ajassa ls ilmoitus", "faq:faq.ls-ilmoitus-kasittely"),  # abbreviation without hyphen
        ("mikä pykälä shl asiakassuunnitelma", "faq:faq.shl-asiakassuunnitelma"),  # SHL = sosiaalihuoltolaki
        ("tukari", "service:ammatillinen-tukihenkilo"),  # a card keyword
        ("esitä palvelu laavaan", "step:lastensuojelu.esitys.laava"),  # a process step
        ("mikä on laava", "term:laava"),  # "what is X" asks for the glossary term
        ("mitä laava tarkoittaa", "term:laava"),
    ],
)
def test_finnish_questions_find_their_record(small_index: QnaIndex, question: str, expected: str) -> None:
    assert top(small_index, question) == expected


def test_a_swedish_question_is_understood(small_index: QnaIndex) -> None:
    result = small_index.ask("för vilken ålder passar stödperson", "fi")
    assert result.lang == "sv"
    assert result.top is not None and str(result.top.ref) == "faq:faq.tukihenkilo-ika"
    assert result.band in ("confident", "likely")  # the answer is shown


def test_an_english_question_is_understood(small_index: QnaIndex) -> None:
    result = small_index.ask("what age is the support person for", "fi")
    assert result.lang == "en"
    assert result.top is not None and str(result.top.ref) == "faq:faq.tukihenkilo-ika"


def test_an_english_glossary_synonym_reaches_the_finnish_term(small_index: QnaIndex) -> None:
    assert top(small_index, "child welfare notification", "en") in {"term:ls-ilmoitus", "faq:faq.ls-ilmoitus-kasittely"}


def test_confident_band(small_index: QnaIndex) -> None:
    result = small_index.ask("minkä ikäisille ammatillinen tukihenkilö sopii")
    assert result.band == "confident"
    assert result.top is not None and result.top.field == "phrasing"
    assert result.top.phrasing == "Minkä ikäisille ammatillinen tukihenkilö sopii?"


def test_unsure_band_offers_candidates(small_index: QnaIndex) -> None:
    # One word shared by an FAQ entry and a card: either could be meant.
    result = small_index.ask("tukihenkilö")
    assert result.band in ("unsure", "likely")  # a choice, or the best with the other under it
    assert {str(c.ref) for c in result.candidates[:2]} == {"faq:faq.tukihenkilo-ika", "service:ammatillinen-tukihenkilo"}


@pytest.mark.parametrize("question", ["kissan ruokinta", "miten vaihdan teamsin salasanan", "", "?!", "ja on se"])
def test_no_match_band(small_index: QnaIndex, question: str) -> None:
    assert small_index.ask(question).band == "none"


def test_candidates_are_one_per_record_best_first(small_index: QnaIndex) -> None:
    result = small_index.ask("ammatillinen tukihenkilö ikä")
    refs = [c.ref for c in result.candidates]
    assert len(refs) == len(set(refs))
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_very_long_input_is_cut_not_choked_on(small_index: QnaIndex) -> None:
    text = "minkä ikäisille tukihenkilö sopii " + "sana " * 2000
    result = small_index.ask(text)
    assert len(text) > QUESTION_MAX_CHARS
    assert result.top is not None


def test_the_index_is_immutable(small_index: QnaIndex) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_index.version = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        small_index.postings["x"] = ()  # type: ignore[index]


def test_the_index_is_deterministic() -> None:
    first, second = build_index(small_kb()), build_index(small_kb())
    for question in ("tukihenkilö", "ls ilmoitus", "what age"):
        assert ask(first, question) == ask(second, question)


def test_record_titles_by_language(small_index: QnaIndex) -> None:
    ref = RecordRef("faq", "faq.tukihenkilo-ika")
    assert small_index.title(ref, "fi") == "Minkä ikäisille ammatillinen tukihenkilö sopii?"
    assert small_index.title(ref, "en") == "What age is the professional support person for?"
    assert small_index.title(RecordRef("term", "shl"), "sv") == "SHL (sosiaalihuoltolaki)"


@pytest.mark.parametrize("value", ["faq:faq.x", "service:tukiperhe", "step:a.b", "term:shl"])
def test_record_refs_round_trip(value: str) -> None:
    ref = RecordRef.parse(value)
    assert ref is not None and str(ref) == value


@pytest.mark.parametrize("value", [None, 3, "", "faq", "bogus:x", "faq:", {"kind": "faq"}])
def test_malformed_record_refs_are_rejected(value: object) -> None:
    assert RecordRef.parse(value) is None


def _cands(*scores: float) -> tuple[Candidate, ...]:
    return tuple(Candidate(RecordRef("faq", f"f{i}"), s, "x", "phrasing") for i, s in enumerate(scores))


def test_band_rules() -> None:
    assert choose_band((), confident=0.6, margin=0.1, unsure=0.4) == "none"
    assert choose_band(_cands(0.9, 0.5), confident=0.6, margin=0.1, unsure=0.4) == "confident"
    assert choose_band(_cands(0.9, 0.85), confident=0.6, margin=0.1, unsure=0.4, likely=0.05) == "likely"
    assert choose_band(_cands(0.9, 0.87), confident=0.6, margin=0.1, unsure=0.4, likely=0.05) == "unsure"
    assert choose_band(_cands(0.5), confident=0.6, margin=0.1, unsure=0.4, likely=0.05) == "likely"
    assert choose_band(_cands(0.5, 0.48), confident=0.6, margin=0.1, unsure=0.4, likely=0.05) == "unsure"
    assert choose_band(_cands(0.3), confident=0.6, margin=0.1, unsure=0.4) == "none"


def test_the_nearest_topics_are_only_under_no_answer_and_only_those_above_the_floor() -> None:
    below = _cands(0.45, 0.41, 0.39, 0.38)
    assert [c.score for c in nearest_topics(QnaResult("fi", "none", below), floor=0.40)] == [0.45, 0.41]
    assert nearest_topics(QnaResult("fi", "none", _cands(0.3, 0.2)), floor=0.40) == ()
    # At most three, however many reach the floor.
    assert len(nearest_topics(QnaResult("fi", "none", _cands(0.47, 0.46, 0.45, 0.44)), floor=0.40)) == 3
    # An answer or a choice keeps its candidates to itself.
    for band in ("confident", "likely", "unsure"):
        assert nearest_topics(QnaResult("fi", band, below), floor=0.40) == ()  # type: ignore[arg-type]


def _two_track_index() -> QnaIndex:
    """The small knowledge base with the Laava step also in a family social work process."""
    data = small_kb_data()
    processes: list[dict[str, object]] = data["processes"]  # type: ignore[assignment]
    track = copy.deepcopy(processes[0])
    track.update(id="perhesosiaalityo", track="perhesosiaalityo", name={"fi": "Perhesosiaalityön palvelun järjestäminen"})
    phase = track["phases"][0]  # type: ignore[index]
    phase["id"] = "perhesosiaalityo.esitys"
    phase["steps"][0]["id"] = "perhesosiaalityo.esitys.laava"
    processes.append(track)
    return build_index(KnowledgeBase.model_validate(data))


def test_a_step_both_tracks_share_is_one_candidate_with_its_twin() -> None:
    result = _two_track_index().ask("miten teen esityksen laavaan")
    assert result.top is not None
    refs = {str(result.top.ref), *(str(t) for t in result.top.twins)}
    assert refs == {"step:lastensuojelu.esitys.laava", "step:perhesosiaalityo.esitys.laava"}
    assert all(str(c.ref) not in refs for c in result.candidates[1:])


@pytest.mark.parametrize(
    ("question", "expected"), [("lastensuojelussa esitys laavaan", "lastensuojelu"), ("perhesosiaalityössä esitys laavaan", "perhesosiaalityo")]
)
def test_the_track_named_in_the_question_leads(question: str, expected: str) -> None:
    result = _two_track_index().ask(question)
    assert result.top is not None and result.top.ref.id == f"{expected}.esitys.laava"


def test_a_number_the_knowledge_base_never_mentions_does_not_lower_the_score(small_index: QnaIndex) -> None:
    plain = small_index.ask("minkä ikäisille ammatillinen tukihenkilö sopii")
    with_id = small_index.ask("minkä ikäisille ammatillinen tukihenkilö sopii, asiakas 010190-123A")
    assert plain.top is not None and with_id.top is not None
    assert with_id.top.ref == plain.top.ref and with_id.band in ("confident", "likely")


def test_a_question_of_only_numbers_gets_no_match(small_index: QnaIndex) -> None:
    assert small_index.ask("040 123 4567").band == "none"


def test_memos_drop_the_least_recently_used_entry_when_full() -> None:
    memo: _Lru[int] = _Lru(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c"), len(memo)) == (1, None, 3, 2)


def test_near_spellings_of_unknown_words_are_remembered_within_the_bound(small_index: QnaIndex) -> None:
    tokenizer = small_index.tokenizer
    first = tokenizer.vocabulary_matches("tukihenkil")
    assert first and first == tokenizer.vocabulary_matches("tukihenkil")
    assert len(tokenizer._fuzzy_cache) <= FUZZY_CACHE_SIZE
