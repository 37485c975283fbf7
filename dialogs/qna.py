"""The onboarding Q&A dialog: answer a typed question, offer "Did you mean…", learn.

Begun by the root with `options={"question": text}` for text that is not a command. After an
answer or an offer it stays active, so that its buttons (feedback, candidate questions,
follow-ups) and the next typed question reach it; it ends on "none of these", on no match
and on the menu button, and the root then shows the menu.

State (JSON-able, in the dialog instance): a step token `seq` that grows with every card, the
record answered, the records offered, the follow-ups offered, whether feedback was given,
and the question *after redaction* (kept for a "not helpful" row; the raw text is never
stored). A button whose token, record or action does not fit that state is stale: the worker
gets a friendly notice and nothing is recorded.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogInstance, DialogReason, DialogTurnResult

from bot.ui.cards.payload import Submit, parse_submit
from bot.ui.cards.qna import FOLLOW_UP, HELPFUL, NONE_OF_THESE, NOT_HELPFUL, PICK, TO_MENU, QnaUi, answer_card, did_you_mean_card, no_match_card, notice_card
from bot.service.context import BotServices
from bot.ui.i18n import language_of
from domain.logs import log_event
from bot.store.qna_store import QnaStore, Reason
from dialogs.base import PalveluopasDialog
from dialogs.guided import Screen
from dialogs.reply import send_screen
from domain.privacy import redact_and_cap
from domain.qna.answer import compose
from domain.qna.index import QnaIndex, RecordRef
from domain.qna.normalize import LANGUAGES

QNA_DIALOG_ID: Final = "qna"
MAX_OFFERS: Final = 3
_TURNS_ID: Final = "qna.turns"

log = logging.getLogger(__name__)


class QnaDialog(PalveluopasDialog):
    DIALOG_ID: Final = QNA_DIALOG_ID

    def __init__(self, services: BotServices, store: QnaStore | None = None) -> None:
        super().__init__(services)
        self.store = store or QnaStore(services.sessionmaker)
        self.add_dialog(_QnaTurns(self))
        self.initial_dialog_id = _TURNS_ID

    async def on_help(self, inner_dc: DialogContext) -> DialogTurnResult:
        await inner_dc.context.send_activity(self.text(inner_dc.context, "qna.help"))
        return Dialog.end_of_turn


def _token(state: dict[str, Any]) -> str:
    return f"qna:{state.get('seq', 0)}"


class _QnaTurns(Dialog):
    """The dialog's turns; a plain Dialog inside the component so that the base class's
    cancel/help handling runs before any of this."""

    def __init__(self, owner: QnaDialog) -> None:
        super().__init__(_TURNS_ID)
        self.owner = owner

    # --- entry points --------------------------------------------------------------------

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None) -> DialogTurnResult:
        question = options.get("question") if isinstance(options, dict) else None
        if question is None and parse_submit(dialog_context.context.activity.value) is None:
            # Begun without options by typed text (e.g. as a conversation's first dialog):
            # that text is the question. From the menu button there is none: say how to ask.
            question = dialog_context.context.activity.text
        state = dialog_context.active_dialog.state
        state.update({"seq": 0, "answer": None, "offers": [], "follow_ups": [], "feedback": False, "question": ""})
        if not isinstance(question, str) or not question.strip():
            await dialog_context.context.send_activity(self.owner.text(dialog_context.context, "qna.help"))
            return Dialog.end_of_turn
        return await self._ask(dialog_context, question)

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        activity = dialog_context.context.activity
        submit = parse_submit(activity.value)
        if submit is not None:
            return await self._submit(dialog_context, submit)
        typed = (activity.text or "").strip()
        if typed:
            return await self._ask(dialog_context, typed)
        if activity.value is not None:
            # A card payload that is not ours at all (malformed or foreign).
            return await self._stale(dialog_context, "qna.stale")
        return Dialog.end_of_turn

    async def resume_dialog(self, dialog_context: DialogContext, reason: DialogReason, result: object = None) -> DialogTurnResult:
        return Dialog.end_of_turn

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        await context.send_activity(self.owner.text(context, "qna.help"))

    # --- a question ----------------------------------------------------------------------

    def _index(self) -> QnaIndex:
        index = self.owner.services.knowledge.snapshot.derived["qna"]
        assert isinstance(index, QnaIndex), "derived['qna'] must be built by domain.qna.build_index"
        return index

    async def _ask(self, dc: DialogContext, question: str) -> DialogTurnResult:
        state = dc.active_dialog.state
        locale_lang = language_of(dc.context.activity.locale)
        result = self._index().ask(question, locale_lang)
        top = result.top
        log_event(
            log, "qna_ask", outcome=result.band, lang=result.lang, record=str(top.ref) if top else None,
            score=top.score if top else None, candidates=len(result.candidates),
        )
        self.owner.services.metrics.qna_answered(result.band)
        state["question"] = redact_and_cap(question.strip())
        state["lang"] = result.lang
        if result.band == "confident" and top is not None:
            return await self._answer(dc, top.ref, matched=top.phrasing)
        if result.band == "unsure":
            offers = [(c.ref, self._index().title(c.ref, result.lang)) for c in result.candidates[:MAX_OFFERS]]
            self._next_card(state, offers=[str(ref) for ref, _ in offers])
            await self._send(dc, did_you_mean_card(self._ui(state), offers, _token(state)))
            return Dialog.end_of_turn
        await self._remember(state["question"], "no_match", result.lang)
        await self._send(dc, no_match_card(self._ui(state)))
        return await dc.end_dialog()

    async def _answer(self, dc: DialogContext, ref: RecordRef, matched: str | None = None) -> DialogTurnResult:
        state = dc.active_dialog.state
        answer = compose(self.owner.services.knowledge.snapshot.kb, ref, state.get("lang", "fi"))
        if answer is None:
            return await self._stale(dc, "qna.unknown_record")
        self._next_card(state, answer=str(ref), follow_ups=[faq_id for faq_id, _ in answer.follow_ups])
        await self._send(dc, answer_card(self._ui(state), answer, _token(state), matched=matched))
        return Dialog.end_of_turn

    # --- buttons -------------------------------------------------------------------------

    async def _submit(self, dc: DialogContext, submit: Submit) -> DialogTurnResult:
        state = dc.active_dialog.state
        if submit.dialog != QNA_DIALOG_ID or submit.step != _token(state):
            log_event(log, "qna_button", outcome="stale", action=submit.action)
            return await self._stale(dc, "qna.stale")
        if submit.action in (HELPFUL, NOT_HELPFUL):
            return await self._feedback(dc, submit)
        if submit.action == PICK and submit.value in state.get("offers", ()):
            ref = RecordRef.parse(submit.value)
            if ref is not None:
                log_event(log, "qna_button", outcome="picked", record=str(ref), position=state["offers"].index(submit.value))
                return await self._answer(dc, ref)
        if submit.action == FOLLOW_UP and submit.value in state.get("follow_ups", ()):
            log_event(log, "qna_button", outcome="follow_up", record=f"faq:{submit.value}")
            return await self._answer(dc, RecordRef("faq", submit.value))
        if submit.action == NONE_OF_THESE and state.get("offers"):
            await self._remember(state.get("question", ""), "none_of_these", state.get("lang", "fi"))
            await self._send(dc, no_match_card(self._ui(state)))
            return await dc.end_dialog()
        if submit.action == TO_MENU:
            return await dc.end_dialog()
        log_event(log, "qna_button", outcome="stale", action=submit.action)
        return await self._stale(dc, "qna.stale")

    async def _feedback(self, dc: DialogContext, submit: Submit) -> DialogTurnResult:
        state = dc.active_dialog.state
        answered = state.get("answer")
        if not answered or submit.value != answered:
            return await self._stale(dc, "qna.stale")
        if state.get("feedback"):
            return await self._stale(dc, "qna.feedback_already")
        state["feedback"] = True
        value = "helpful" if submit.action == HELPFUL else "not_helpful"
        log_event(log, "qna_feedback", outcome=value, record=answered)
        try:
            await self.owner.store.record_feedback(answered, value)
        except Exception as exc:  # a lost feedback row must not cost the worker the turn
            log_event(log, "qna_store", level=logging.ERROR, outcome="failed", error=type(exc).__name__)
        if value == "not_helpful":
            await self._remember(state.get("question", ""), "not_helpful", state.get("lang", "fi"), answer_id=answered)
        await self._send(dc, notice_card(self._ui(state)("thanks_helpful" if value == "helpful" else "thanks_not_helpful")))
        return Dialog.end_of_turn

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _next_card(state: dict[str, Any], *, answer: str | None = None, offers: list[str] | None = None, follow_ups: list[str] | None = None) -> None:
        """A new card: a new token, so every button of the previous one becomes stale."""
        state["seq"] = int(state.get("seq", 0)) + 1
        state["answer"] = answer
        state["offers"] = offers or []
        state["follow_ups"] = follow_ups or []
        state["feedback"] = False

    def _ui(self, state: dict[str, Any]) -> QnaUi:
        # The question's language: a worker who asks in Swedish reads the frame in Swedish,
        # whatever their client's locale.
        lang = state.get("lang", "fi")
        return QnaUi(self.owner.services.strings, lang if lang in LANGUAGES else "fi")

    async def _send(self, dc: DialogContext, card: dict[str, Any]) -> None:
        await send_screen(dc.context, Screen(card))

    async def _stale(self, dc: DialogContext, key: str) -> DialogTurnResult:
        await dc.context.send_activity(self.owner.text(dc.context, key))
        return Dialog.end_of_turn

    async def _remember(self, question: str, reason: Reason, lang: str, answer_id: str = "") -> None:
        """Store a question for the curators (redacted again: the store never trusts its
        caller); a database failure is logged, never shown."""
        if not question:
            return
        try:
            await self.owner.store.record_unanswered(question, reason, lang, answer_id=answer_id)
        except Exception as exc:
            log_event(log, "qna_store", level=logging.ERROR, outcome="failed", error=type(exc).__name__)
