"""Cards of the feedback loop (Adaptive Cards 1.5, Universal Actions).

* `report_card`: the arranging team's card of one report in its channel: service, provider,
  period, ratings, concern, state, the questions asked and answers given; no client data.
  Its buttons are `Action.Execute` (Teams sends an `adaptiveCard/action` invoke and shows
  the card the bot answers with) with an `Action.Submit` fallback for clients without
  Universal Actions (a message whose `value` is the same data).
* `ask_card`: the 1:1 message to the reporter when the team asks for more, with an answer
  field and a send button (same two kinds of action).
* `cases_card`: `valvonta`, the open supervision cases with their state and age.
* `channel_post`: the message that carries the report card, mentioning the reporter (Teams
  mentions live in the activity's text and entities; the card schema has no place for them).

Every button carries `{"pvfb": {"verb": ..., "report": <id>}}` (`ACTION_KEY`); inputs on the
card (the question to the reporter, the outcome, the answer) arrive beside it.
`parse_card_action` reads either delivery and rejects anything malformed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from botbuilder.schema import Activity, ActivityTypes, Attachment, ChannelAccount, Mention

from bot.ui.cards.message import ADAPTIVE_CARD_CONTENT_TYPE, adaptive_card
from bot.ui.cards.text import render_card_text
from bot.ui.i18n import Strings
from domain.feedback import ANSWER_MAX, CASE_MOVES, CASE_OUTCOMES, CASE_STATUSES, RATING_ASPECTS, REPORT_OUTCOMES, age_days, finnish_date, finnish_time
from domain.feedback_records import CaseView, ReportView

ACTION_KEY: Final = "pvfb"
VERB_PREFIX: Final = "feedback."
REPORT_VERBS: Final = ("take", "ask", "supervise", "close")
ANSWER_VERB: Final = "answer"
REFRESH_VERB: Final = "refresh"
CASE_VERB: Final = "case"
VERBS: Final = (*REPORT_VERBS, ANSWER_VERB, REFRESH_VERB)
CASE_OUTCOME_INPUT: Final = "pvfb_case_outcome_"
QUESTION_INPUT: Final = "pvfb_question"
OUTCOME_INPUT: Final = "pvfb_outcome"
ANSWER_INPUT: Final = "pvfb_answer"
MAX_REFRESH_USERS: Final = 60
"""Teams refreshes a card automatically for at most 60 listed users."""

Card = dict[str, Any]


@dataclass(frozen=True)
class CardAction:
    verb: str
    report_id: int
    question: str = ""
    outcome: str | None = None
    answer: str = ""


def parse_card_action(value: object) -> CardAction | None:
    """The action of a card button, from an invoke's `value.action.data` or a Submit's
    `value`; None when it is not ours or is malformed (wrong types, unknown verb)."""
    if not isinstance(value, Mapping):
        return None
    inner = value.get(ACTION_KEY)
    if not isinstance(inner, Mapping):
        return None
    verb, report = inner.get("verb"), inner.get("report")
    if verb not in VERBS or isinstance(report, bool) or not isinstance(report, int) or report < 1:
        return None
    texts = {}
    for key, limit in ((QUESTION_INPUT, ANSWER_MAX * 2), (ANSWER_INPUT, ANSWER_MAX * 2), (OUTCOME_INPUT, 64)):
        item = value.get(key, "")
        if item is None:
            item = ""
        if not isinstance(item, str) or len(item) > limit:
            return None
        texts[key] = item.strip()
    outcome = texts[OUTCOME_INPUT] or None
    if outcome is not None and outcome not in REPORT_OUTCOMES:
        return None
    return CardAction(str(verb), report, texts[QUESTION_INPUT], outcome, texts[ANSWER_INPUT])


def invoke_action_data(value: object) -> tuple[str, object] | None:
    """(verb, data) of an `adaptiveCard/action` invoke's value; None when it is not one."""
    if not isinstance(value, Mapping):
        return None
    action = value.get("action")
    if not isinstance(action, Mapping) or action.get("type") != "Action.Execute":
        return None
    verb = action.get("verb")
    if not isinstance(verb, str):
        return None
    return verb, action.get("data")


def card_invoke_response(card: Card) -> dict[str, Any]:
    """The body Teams expects in answer to `adaptiveCard/action`: the card to show now."""
    return {"statusCode": 200, "type": ADAPTIVE_CARD_CONTENT_TYPE, "value": card}


def message_invoke_response(text: str) -> dict[str, Any]:
    """An answer to `adaptiveCard/action` that shows a message and keeps the card."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


class _Ui:
    def __init__(self, strings: Strings, lang: str) -> None:
        self.strings, self.lang = strings, lang

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"feedback.{key}", self.lang, **params)


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def _facts(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def _button(title: str, verb: str, report_id: int, *, primary: bool = False) -> dict[str, Any]:
    """An Action.Execute with the same button as an Action.Submit for older clients."""
    data = {ACTION_KEY: {"verb": verb, "report": report_id}}
    submit: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": VERB_PREFIX + verb, "data": data, "fallback": submit}
    if primary:
        action["style"] = submit["style"] = "positive"
    return action


def concern_label(ui: _Ui, area: str | None, kind: str | None) -> str:
    if area is None:
        return ui("concern.none")
    return f"{ui(f'concern.{area}')}: {ui(f'kind.{area}.{kind}')}"


def report_card(
    report: ReportView,
    strings: Strings,
    lang: str,
    *,
    reporter_name: str,
    handler_name: str | None,
    refresh_user_ids: Sequence[str] = (),
) -> Card:
    ui = _Ui(strings, lang)
    status = ui(f"status.{report.status}")
    pairs = [
        (ui("card.service"), report.service_name),
        (ui("card.provider"), report.provider_name),
        (ui("card.line"), ui(f"line.{report.service_line}")),
        (ui("card.period"), f"{finnish_date(report.period_start)}–{finnish_date(report.period_end)}"),
        (ui("card.reporter"), reporter_name),
        (ui("card.sent"), finnish_time(report.created_at)),
        (ui("card.status"), status),
    ]
    if report.handler_id is not None:
        pairs.append((ui("card.handler"), handler_name or ui("card.unknown_person")))
    if report.outcome:
        pairs.append((ui("card.outcome"), ui(f"outcome.{report.outcome}")))
    pairs.append((ui("card.concern"), concern_label(ui, report.concern_area, report.concern_kind)))
    body: list[dict[str, Any]] = [
        _text(ui("card.title", id=report.id), size="Large", weight="Bolder"),
        _facts(pairs),
        _text(ui("card.ratings"), weight="Bolder", spacing="Medium"),
    ]
    rated = [(ui(f"aspect.{a}"), ui("rating.value", score=report.ratings[a])) for a in RATING_ASPECTS if a in report.ratings]
    body.append(_facts(rated) if rated else _text(ui("card.no_ratings"), isSubtle=True))
    if report.free_text:
        body += [_text(ui("card.free_text"), weight="Bolder", spacing="Medium"), _text(report.free_text)]
    for event in report.events:
        if event.action == "ask" and event.text:
            body += [_text(ui("card.question", at=finnish_time(event.at)), weight="Bolder", spacing="Medium"), _text(event.text)]
        elif event.action == "answer":
            body += [_text(ui("card.answer", at=finnish_time(event.at)), weight="Bolder", spacing="Medium"), _text(event.text)]
    for case_id in report.case_ids:
        body.append(_text(ui("card.supervision", case_id=case_id), color="Attention", spacing="Medium"))
    history = [ui("card.history", action=ui(f"event.{e.action}"), at=finnish_time(e.at)) for e in report.events]
    body.append(_text("\n".join(f"- {line}" for line in history), isSubtle=True, size="Small", spacing="Medium"))
    actions: list[dict[str, Any]] = []
    if report.status != "closed":
        body += [
            {"type": "Input.Text", "id": QUESTION_INPUT, "label": ui("card.question_input"), "isMultiline": True, "maxLength": ANSWER_MAX},
            {
                "type": "Input.ChoiceSet",
                "id": OUTCOME_INPUT,
                "label": ui("card.outcome_input"),
                "choices": [{"title": ui(f"outcome.{o}"), "value": o} for o in REPORT_OUTCOMES],
            },
        ]
        if report.status == "new":
            actions.append(_button(ui("card.take"), "take", report.id, primary=True))
        actions.append(_button(ui("card.ask"), "ask", report.id))
        if not report.case_ids:
            actions.append(_button(ui("card.supervise"), "supervise", report.id))
        actions.append(_button(ui("card.close"), "close", report.id))
    card = adaptive_card(body, actions)
    if refresh_user_ids and report.status != "closed":
        # Teams fetches the current card when one of these users opens the channel, so a card
        # changed while they were away is never shown stale.
        refresh = {"type": "Action.Execute", "verb": VERB_PREFIX + REFRESH_VERB, "data": {ACTION_KEY: {"verb": REFRESH_VERB, "report": report.id}}}
        card["refresh"] = {"action": refresh, "userIds": list(refresh_user_ids)[:MAX_REFRESH_USERS]}
    return card


def channel_post(card: Card, strings: Strings, lang: str, *, service_name: str, reporter_id: str | None, reporter_name: str) -> Activity:
    """The channel message of a new report: a line mentioning the reporter, and the card."""
    ui = _Ui(strings, lang)
    if reporter_id:
        tag = f"<at>{reporter_name}</at>"
        entities = [Mention(mentioned=ChannelAccount(id=reporter_id, name=reporter_name), text=tag, type="mention")]
    else:
        tag, entities = reporter_name, []
    return Activity(
        type=ActivityTypes.message,
        text=ui("card.new_post", service=service_name, mention=tag),
        entities=entities,
        summary=render_card_text(card),
        attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)],
    )


def card_update(card: Card, activity_id: str, text: str | None = None) -> Activity:
    """The PUT that replaces the channel's card for everyone (also those who did not click)."""
    return Activity(
        id=activity_id,
        type=ActivityTypes.message,
        text=text,
        summary=render_card_text(card),
        attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)],
    )


def ask_card(report: ReportView, question: str, strings: Strings, lang: str) -> Card:
    ui = _Ui(strings, lang)
    body = [
        _text(ui("notify.ask_title", id=report.id), size="Medium", weight="Bolder"),
        _text(ui("notify.ask_intro", service=report.service_name, provider=report.provider_name)),
        _text(ui("notify.ask_question", question=question) if question else ui("notify.ask_no_question")),
        _text(ui("notify.answer_reminder"), isSubtle=True),
        {"type": "Input.Text", "id": ANSWER_INPUT, "label": ui("notify.answer_input"), "isMultiline": True, "maxLength": ANSWER_MAX},
    ]
    return adaptive_card(body, [_button(ui("notify.answer_send"), ANSWER_VERB, report.id, primary=True)])


def answered_card(report: ReportView, strings: Strings, lang: str) -> Card:
    """What the reporter's ask card turns into once answered: no second answer from it."""
    ui = _Ui(strings, lang)
    return adaptive_card([_text(ui("notify.ask_title", id=report.id), size="Medium", weight="Bolder"), _text(ui("notify.answer_thanks", id=report.id))])


def cases_card(cases: Sequence[CaseView], strings: Strings, lang: str, now: datetime, service_names: Mapping[str, str]) -> Card:
    ui = _Ui(strings, lang)
    body: list[dict[str, Any]] = [_text(ui("valvonta.title"), size="Large", weight="Bolder")]
    if not cases:
        body.append(_text(ui("valvonta.none")))
    for case in cases:
        service = service_names.get(case.service_id, case.service_id)
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _text(ui("valvonta.row", id=case.id, provider=case.provider_name, service=service), weight="Bolder"),
                    _text(
                        f"{ui(f'line.{case.service_line}')} · "
                        + ui(
                            "valvonta.state",
                            status=ui(f"case_status.{case.status}"),
                            opened=finnish_time(case.opened_at),
                            age=_age(ui, age_days(case.opened_at, now)),
                            reports=len(case.report_ids),
                        ),
                        isSubtle=True,
                    ),
                    *_case_controls(ui, case),
                ],
            }
        )
    return adaptive_card(body)


def _age(ui: _Ui, days: int) -> str:
    # "0 days ago" reads as a glitch to a busy reader; today and one day get their own words.
    if days <= 0:
        return ui("valvonta.age.today")
    if days == 1:
        return ui("valvonta.age.one_day")
    return ui("valvonta.age.days", days=days)


def _case_controls(ui: _Ui, case: CaseView) -> list[dict[str, Any]]:
    """The moves a case can make from its state, and the outcome to close it with."""
    moves = [to for to in CASE_MOVES.get(case.status, ()) if to != "closed"]
    buttons = [_case_button(ui(f"valvonta.to.{to}"), case.id, to) for to in moves]
    buttons.append(_case_button(ui("valvonta.to.closed"), case.id, "closed"))
    outcome = {
        "type": "Input.ChoiceSet",
        "id": CASE_OUTCOME_INPUT + str(case.id),
        "label": ui("valvonta.outcome_input"),
        "choices": [{"title": ui(f"case_outcome.{o}"), "value": o} for o in CASE_OUTCOMES],
    }
    return [outcome, {"type": "ActionSet", "actions": buttons}]


def _case_button(title: str, case_id: int, to: str) -> dict[str, Any]:
    data = {ACTION_KEY: {"verb": CASE_VERB, "case": case_id, "to": to}}
    submit = {"type": "Action.Submit", "title": title, "data": data}
    return {"type": "Action.Execute", "title": title, "verb": VERB_PREFIX + CASE_VERB, "data": data, "fallback": submit}


@dataclass(frozen=True)
class CaseAction:
    case_id: int
    to: str
    outcome: str | None


def parse_case_action(value: object) -> CaseAction | None:
    """A case button's action (invoke data or Submit value); None when malformed."""
    if not isinstance(value, Mapping):
        return None
    inner = value.get(ACTION_KEY)
    if not isinstance(inner, Mapping) or inner.get("verb") != CASE_VERB:
        return None
    case_id, to = inner.get("case"), inner.get("to")
    if isinstance(case_id, bool) or not isinstance(case_id, int) or case_id < 1 or to not in CASE_STATUSES:
        return None
    outcome = value.get(CASE_OUTCOME_INPUT + str(case_id)) or None
    if outcome is not None and outcome not in CASE_OUTCOMES:
        return None
    return CaseAction(case_id, str(to), outcome)
