"""The onboarding Q&A: answer a typed question, offer "did you mean…", learn from feedback.

The root calls it with the worker's message (`Call(..., forward=True)`), so the question is
read from this turn's input and never passed through stored options. It stays on top after
an answer or an offer, so its buttons and the next typed question reach it; it ends on no
match, on "none of these" and on the menu button, and the root then shows the menu.

Flow (the step table in `__init__`):

1. `ready`: nothing asked yet (begun from the menu): says how to ask.
2. `answer`: the answer card; helpful / not helpful, follow-ups, "or did you mean" (when the
   best answer was clearly ahead but not certain), the menu.
3. `offers`: a choice between close candidates and "none of these".
4. `nearest`: no answer, said plainly, with the nearest topics under it when the knowledge
   base has some (`retrieve.nearest_topics`): a question asked in words the matcher scores
   low is not a dead end, and no topic is presented as the answer.
5. `case`: a client case description understood: what was understood in one line, the service
   finder with the answers it implies, the services it touches (`domain.qna.case`).

Typed text at any step is a new question. Stored: the record answered or offered, whether
feedback was given, the age the question mentioned (a number), and the question *after
redaction* (kept for a "not helpful" row). Of a case description only ids are stored (age
band, topic keys, finder answers, service ids), never its text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final, Literal

from bot.store.qna_store import QnaStore, Reason
from bot.ui.cards.payload import Submit
from bot.ui.cards.qna import QnaUi, answer_card, case_card, did_you_mean_card, no_match_card, notice_card
from bot.ui.protocol import Action, DialogId, Result
from dialogs.engine import Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from domain.logs import log_event
from domain.privacy import redact_and_cap
from domain.qna.answer import compose
from domain.qna.case import CaseReading, asked_condition, closing_fact_question, is_case_description, read_case
from domain.qna.index import AGE_QUESTION, LONG_FIELDS, MATCHER_ONLY_FIELDS, QnaIndex, RecordRef
from domain.qna.normalize import LANGUAGES, age_in, detect_language
from domain.qna.retrieve import Candidate, nearest_topics

MAX_OFFERS: Final = 3

log = logging.getLogger(__name__)


class QnaDialog(Dialog):
    ID = DialogId.QNA
    help_keys = ("qna.help",)
    stale_key = "qna.stale"
    reshow_on_stale = False
    free_text = frozenset({"question"})
    # A case description's reading: ids and keys only (`read_case` never keeps its text), each
    # checked against the knowledge base again when the card is shown.
    checked = frozenset({"case"})

    def __init__(self) -> None:
        self.steps = {
            "ready": Step(show=self.show_ready, typed=self.ask),
            "answer": Step(show=self.show_answer, act=self.act_on_answer, typed=self.ask, back=lambda turn: End(), completes=True),
            "offers": Step(show=self.show_offers, act=self.act_on_offers, typed=self.ask, back=lambda turn: End()),
            "nearest": Step(show=self.show_nearest, act=self.act_on_nearest, typed=self.ask, back=lambda turn: End()),
            "case": Step(show=self.show_case, act=self.act_on_case, typed=self.ask, back=lambda turn: End()),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "ready", {"answer": None, "offers": [], "follow_ups": [], "feedback": False, "question": "", "lang": turn.lang}

    # 1. ready ------------------------------------------------------------------------------

    def show_ready(self, turn: Turn) -> Screen | Outcome:
        return Screen(text=turn.text("qna.help"))

    async def ask(self, turn: Turn, question: str) -> Outcome | None:
        """Any typed text is a question: answer it, offer candidates, or say honestly that
        there is no answer (and end, so the root shows the menu)."""
        if not question:
            return Stay()
        if is_case_description(question):
            return self._case(turn, question)
        result = turn.snapshot.qna.ask(question, turn.lang)
        top = result.top
        nearest = nearest_topics(result)
        # "none" with the nearest topics listed is told apart in logs and metrics: how often
        # a worker gets topics instead of a dead end.
        outcome = "nearest" if nearest else result.band
        log_event(
            log,
            "qna_ask",
            outcome=outcome,
            lang=result.lang,
            record=str(top.ref) if top else None,
            score=top.score if top else None,
            candidates=len(result.candidates),
        )
        turn.count("qna_answered", outcome)
        data = turn.data
        data.update(question=redact_and_cap(question), lang=result.lang, feedback=False, follow_ups=[], also=[], age=age_in(question))
        if result.band == "confident" and top is not None:
            data.update(answer=str(top.ref), offers=[], matched=_matched(top, result.lang))
            return Goto("answer")
        if result.band == "likely" and top is not None:
            # Clearly ahead but not certain: the answer, and the next two as "or did you mean".
            also = [str(c.ref) for c in result.candidates[1:MAX_OFFERS]]
            data.update(answer=str(top.ref), offers=[], also=also, matched=_matched(top, result.lang))
            return Goto("answer")
        if result.band == "unsure":
            data.update(answer=None, offers=[str(c.ref) for c in result.candidates[:MAX_OFFERS]])
            return Goto("offers")
        await self._remember(turn, "no_match")
        if nearest:
            data.update(answer=None, offers=[str(c.ref) for c in nearest])
            return Goto("nearest")
        turn.say(Screen(no_match_card(_ui(turn))))
        return End()

    # 2. answer -----------------------------------------------------------------------------

    def show_answer(self, turn: Turn) -> Screen | Outcome:
        ref = RecordRef.parse(turn.data.get("answer") or "")
        age = turn.data.get("age")
        answer = compose(turn.kb, ref, _lang(turn), age=age if isinstance(age, int) else None) if ref else None
        if answer is None:
            # The record left the knowledge base since it was answered.
            turn.say(turn.text("qna.unknown_record"))
            return End()
        lang = _lang(turn)
        also_refs = [r for raw in turn.data.get("also", ()) if (r := RecordRef.parse(raw))]
        # "Or did you mean" names each runner-up once: the card leaves it out of its follow-up
        # questions and its related links, where it would show a second time.
        offered = {str(r) for r in also_refs}
        answer = replace(
            answer,
            follow_ups=tuple(f for f in answer.follow_ups if f"faq:{f[0]}" not in offered),
            related=tuple(link for link in answer.related if f"{link.kind}:{link.id}" not in offered),
        )
        turn.data["follow_ups"] = [faq_id for faq_id, _ in answer.follow_ups]
        matched = turn.data.pop("matched", None)
        also = [(r, turn.snapshot.qna.title(r, lang)) for r in also_refs]
        return Screen(answer_card(_ui(turn), answer, turn.origin.step, matched=matched, also=also))

    async def act_on_answer(self, turn: Turn, submit: Submit) -> Outcome:
        answered = turn.data.get("answer")
        if submit.action in (Action.HELPFUL, Action.NOT_HELPFUL) and answered and submit.value == answered:
            return await self._feedback(turn, answered, submit.action)
        if submit.action == Action.PICK and submit.value in turn.data.get("also", ()):
            log_event(log, "qna_button", outcome="also_picked", record=submit.value)
            turn.data.update(answer=submit.value, also=[], feedback=False)
            return Goto("answer")
        if submit.action == Action.FOLLOW_UP and submit.value in turn.data.get("follow_ups", ()):
            log_event(log, "qna_button", outcome="follow_up", record=f"faq:{submit.value}")
            turn.data.update(answer=f"faq:{submit.value}", feedback=False)
            return Goto("answer")
        if submit.action == Action.MENU:
            return End(Result.TO_MENU)
        return Stay(turn.text("qna.stale"), show=False)

    async def _feedback(self, turn: Turn, answered: str, action: str) -> Outcome:
        if turn.data.get("feedback"):
            return Stay(turn.text("qna.feedback_already"), show=False)
        turn.data["feedback"] = True
        value: Literal["helpful", "not_helpful"] = "helpful" if action == Action.HELPFUL else "not_helpful"
        log_event(log, "qna_feedback", outcome=value, record=answered)
        try:
            await QnaStore(turn.ports.sessionmaker).record_feedback(answered, value)
        except Exception as exc:  # a lost feedback row must not cost the worker the turn
            log_event(log, "qna_store", level=logging.ERROR, outcome="failed", error=type(exc).__name__)
        if value == "not_helpful":
            await self._remember(turn, "not_helpful", answer_id=answered)
        key = "thanks_helpful" if value == "helpful" else "thanks_not_helpful"
        turn.say(Screen(notice_card(_ui(turn)(key))))
        return Stay(show=False)

    # 3. offers -----------------------------------------------------------------------------

    def show_offers(self, turn: Turn) -> Screen | Outcome:
        return Screen(did_you_mean_card(_ui(turn), _offered(turn), turn.origin.step))

    async def act_on_offers(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.NONE_OF_THESE and turn.data.get("offers"):
            await self._remember(turn, "none_of_these")
            turn.say(Screen(no_match_card(_ui(turn))))
            return End()
        return _picked(turn, submit, "picked")

    # 4. nearest ---------------------------------------------------------------------------

    def show_nearest(self, turn: Turn) -> Screen | Outcome:
        return Screen(no_match_card(_ui(turn), _offered(turn), turn.origin.step))

    async def act_on_nearest(self, turn: Turn, submit: Submit) -> Outcome:
        return _picked(turn, submit, "nearest_picked")

    # 5. case --------------------------------------------------------------------------------

    def _case(self, turn: Turn, description: str) -> Outcome:
        """A client situation: read for ids only; its text is neither stored nor logged.

        A description usually ends in a question ("sopiiko perhekuntoutus?", "kuinka usein
        lapsi on tukiperheessä?"). When the Q&A answers it clearly (confident or likely), that
        answer comes first, above the reading: the worker asked something and gets it
        answered, with the prefilled finder for the wider look."""
        reading = read_case(turn.snapshot.qna, turn.kb, description, turn.lang)
        # A closing question of its own is answered by its own words; otherwise the situation
        # with it (`closing_fact_question`).
        closing = closing_fact_question(description)
        result = turn.snapshot.qna.ask(closing, turn.lang) if closing is not None else None
        if result is None or result.band not in ("confident", "likely"):
            result = turn.snapshot.qna.ask(description, turn.lang)
        top = result.top if result.band in ("confident", "likely") else None
        # The description asks whether a card it names fits and touches one of that card's
        # conditions: that condition's verdict answers it when the words answer nothing
        # clearly, and a contra-indication answers before the card's criterion or the card
        # itself (what would rule the service out is what the worker must not miss).
        condition = asked_condition(turn.snapshot.qna, reading, description)
        if condition is not None and (top is None or _leads(turn.snapshot.qna, condition, top)):
            answer, matched, band = condition, None, "likely"
            also = [str(c.ref) for c in result.candidates if str(c.ref) != condition][: MAX_OFFERS - 1] if top is not None else []
        elif top is not None:
            answer, matched, band = str(top.ref), _matched(top, result.lang), result.band
            also = [str(c.ref) for c in result.candidates[1:MAX_OFFERS]] if result.band == "likely" else []
        else:
            answer, matched, band, also = None, None, result.band, []
        log_event(
            log,
            "qna_case",
            outcome="understood",
            topics=len(reading.topics),
            services=len(reading.services),
            age_band=reading.age_option,
            answer=answer,
        )
        if answer is not None:
            turn.count("qna_answered", band)
        turn.data.update(
            question="",
            lang=detect_language(description, turn.lang),
            answer=answer,
            matched=matched,
            feedback=False,
            follow_ups=[],
            offers=[],
            also=also,
            case={
                "age_option": reading.age_option,
                "topics": list(reading.topics),
                "finder": reading.finder,
                "services": list(reading.services),
                "conditions": list(reading.conditions),
            },
        )
        return Goto("case")

    def show_case(self, turn: Turn) -> Screen | Outcome:
        case = turn.data.get("case") or {}
        lang = _lang(turn)
        reading = CaseReading(age=None, age_option=case.get("age_option"), topics=tuple(case.get("topics", ())), finder=dict(case.get("finder", {})))
        age_label = None
        question = turn.kb.finder_question(AGE_QUESTION)
        if question is not None and reading.age_option:
            age_label = next((o.label.get(lang) for o in question.options if o.id == reading.age_option), None)
        services = [(sid, card.name.get(lang), card.summary.get(lang)) for sid in case.get("services", ()) if (card := turn.kb.service(sid)) is not None]
        answers = [(q.id, reading.finder[q.id]) for q in turn.kb.finder.questions if q.id in reading.finder]
        answered = turn.data.get("answer")
        if answered:
            # The answer to the description's question first (`_case`); shown once, so the
            # conditions list below leaves it out.
            answer_screen = self.show_answer(turn)
            if isinstance(answer_screen, Screen):
                turn.say(answer_screen)
        conditions = [
            a for raw in case.get("conditions", ()) if raw != answered and (ref := RecordRef.parse(raw)) and (a := compose(turn.kb, ref, lang)) is not None
        ]
        return Screen(case_card(_ui(turn), reading, age_label, services, answers, conditions))

    async def act_on_case(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.MENU:
            return End(Result.TO_MENU)
        if turn.data.get("answer") and submit.action in (Action.HELPFUL, Action.NOT_HELPFUL, Action.PICK, Action.FOLLOW_UP):
            return await self.act_on_answer(turn, submit)
        return Stay(turn.text("qna.stale"), show=False)

    # Helpers ------------------------------------------------------------------------------------

    async def _remember(self, turn: Turn, reason: Reason, answer_id: str = "") -> None:
        """Store a question for the curators (redacted again: the store never trusts its
        caller); a database failure is logged, never shown."""
        question = turn.data.get("question", "")
        if not question:
            return
        try:
            await QnaStore(turn.ports.sessionmaker).record_unanswered(question, reason, _lang(turn), answer_id=answer_id)
        except Exception as exc:
            log_event(log, "qna_store", level=logging.ERROR, outcome="failed", error=type(exc).__name__)


def _offered(turn: Turn) -> list[tuple[RecordRef, str]]:
    """The offered records (a choice or the nearest topics) with their titles in the reader's language."""
    lang = _lang(turn)
    return [(ref, turn.snapshot.qna.title(ref, lang)) for raw in turn.data.get("offers", ()) if (ref := RecordRef.parse(raw))]


def _picked(turn: Turn, submit: Submit, outcome: str) -> Outcome:
    """A pick of an offered record leads to its answer and the menu button ends; anything else
    (a button of an earlier card, a record not offered) is stale."""
    offers = turn.data.get("offers", [])
    if submit.action == Action.PICK and submit.value in offers:
        log_event(log, "qna_button", outcome=outcome, record=submit.value, position=offers.index(submit.value))
        turn.data.update(answer=submit.value, offers=[], feedback=False)
        return Goto("answer")
    if submit.action == Action.MENU:
        return End(Result.TO_MENU)
    return Stay(turn.text("qna.stale"), show=False)


def _leads(index: QnaIndex, condition: str | None, top: Candidate) -> bool:
    """Whether `condition` (see `asked_condition`) answers a case before the Q&A's `top`: a
    contra-indication before a criterion of the same card or the card itself. Not before an
    FAQ entry, which answers the question as asked ("voiko perhekuntoutusta tarjota jo
    raskausaikana": the entry about pregnancy, not the substance contra-indication)."""
    ref = RecordRef.parse(condition) if condition else None
    if ref is None or ref.kind != "contra" or top.ref.kind not in ("criterion", "service", "unsuitable"):
        return False
    mine, theirs = index.record(ref), index.record(top.ref)
    return mine is not None and theirs is not None and mine.service == theirs.service


def _lang(turn: Turn) -> str:
    # The question's language: a worker who asks in Swedish reads the answer in Swedish,
    # whatever their client's locale.
    lang = turn.data.get("lang", turn.lang)
    return lang if lang in LANGUAGES else "fi"


def _ui(turn: Turn) -> QnaUi:
    return QnaUi(turn.strings, _lang(turn))


def _matched(top: Candidate, lang: str) -> str | None:
    """The question the answer answers, shown above it: only in the reader's language (a
    Swedish question may have matched the record's English or Finnish text), never a
    paragraph (a question that matched the answer's own text would see its first lines
    twice, once as "the question"), and never a phrasing in chat form: those begin with a
    lower-case letter (`knowledge/README.md`) and are there for the matcher, with their
    spoken forms and missing letters ("onks", "hur länge e man"), not for a worker to read."""
    shown = top.lang == lang and top.field not in MATCHER_ONLY_FIELDS and top.field not in LONG_FIELDS
    return top.phrasing if shown and top.phrasing[:1].isupper() else None
