"""Feedback on a purchased service: the worker reports, the arranging team gets a card.

Flow (the step table in `__init__`); nothing is stored as a report until `summary`'s send:

1. `service`: which service, from the knowledge base (skipped when begun with one: from a
   service card, a process step, or `palaute perhetyö`).
2. `provider`: the provider's name, typed. It is matched against the providers already
   known (`domain.feedback.match_provider`): the same comparable name is taken as it is;
   a near one, a few candidates or a new name go to
3. `provider_choice`: "did you mean ...?" / one of these / add as new / type again.
4. `line`: family social work or child protection (whose arranging team gets it).
5. `period`: first and last day (date fields, or typed `1.9.2026–30.11.2026`).
6. `ratings`: 1–5 on the aspects a worker can judge, each may be left empty.
7. `concern` (none / quality / safety / contract) and 8. `concern_kind`.
9. `free_text`: details, typed, or none. Redacted (identity codes, phone numbers, e-mail)
   before it is kept even in the conversation state; the worker is told when something was.
10. `summary`: everything to confirm (`Lähetä`) or `edit` (11.), which goes to one step and
    back to the summary. The send button carries the draft's submit token: a double click
    writes one report (the store's unique token), the second click is told it was sent.

Sending is a side effect through `turn.ports.desk` (`FeedbackPort`): the report is written,
posted to the team's channel, and a safety concern opens a supervision case.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Final, cast

from bot.store.people import Identity
from bot.ui.cards.feedback_dialog import (
    END_INPUT,
    RATING_INPUT,
    START_INPUT,
    FeedbackUi,
    concern_card,
    concern_kind_card,
    edit_card,
    free_text_card,
    line_card,
    period_card,
    provider_choice_card,
    ratings_card,
    summary_card,
)
from bot.ui.cards.guided_common import card, heading, nav_actions, text
from bot.ui.cards.guided_service import pick_service_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId, Result
from dialogs.engine import Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from dialogs.feedback_port import FeedbackPort, SubmitRequest
from dialogs.records import chosen_service, option_service
from domain.feedback import (
    CONCERN_AREAS,
    CONCERN_KINDS,
    FINNISH_TIME,
    FREE_TEXT_MAX,
    PERIOD_MAX_YEARS,
    PROVIDER_NAME_MAX,
    RATING_ASPECTS,
    SERVICE_LINES,
    ReportDraft,
    clean_provider_name,
    finnish_date,
    match_provider,
    period_problems,
    provider_key,
    provider_name_problems,
    utc_now,
    validate_report,
)
from domain.privacy import redact_and_cap

PROBLEM_STEPS: Final = {
    "service_unknown": "service",
    "provider_empty": "provider",
    "provider_long": "provider",
    "service_line": "line",
    "period_missing": "period",
    "period_order": "period",
    "period_future": "period",
    "period_old": "period",
    "rating": "ratings",
    "concern": "concern",
    "free_text_long": "free_text",
}
_DATE: Final = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _today() -> date:
    return utc_now().astimezone(FINNISH_TIME).date()


def _ui(turn: Turn) -> FeedbackUi:
    return FeedbackUi(turn.strings, turn.lang)


def _problem(turn: Turn, code: str) -> str:
    return _ui(turn)(f"problem.{code}", max=PROVIDER_NAME_MAX if code.startswith("provider") else FREE_TEXT_MAX, years=PERIOD_MAX_YEARS)


def _desk(turn: Turn) -> FeedbackPort:
    # The service layer's ports carry the desk; the engine's `Ports` protocol names only
    # what every dialog needs.
    desk: FeedbackPort = cast(Any, turn.ports).desk
    return desk


class FeedbackDialog(Dialog):
    free_text = frozenset({"typed_provider", "provider_name", "free_text"})
    checked = frozenset({"concern", "kind", "line", "ratings", "start", "end", "token", "exact"})
    ID = DialogId.FEEDBACK
    help_keys = ("feedback.dialog.intro", "dialogs.help.general")

    def __init__(self) -> None:
        self.steps = {
            "service": Step(show=self.show_service, act=self.pick_service, back=lambda turn: End()),
            "provider": Step(show=self.show_provider, typed=self.read_provider, back=self.back_from_provider),
            "provider_choice": Step(show=self.show_provider_choice, act=self.choose_provider, back=lambda turn: Goto("provider")),
            "line": Step(show=lambda turn: Screen(line_card(_ui(turn), turn.origin)), act=self.pick_line, back=self._back("provider")),
            "period": Step(show=self.show_period, act=self.pick_period, typed=self.read_period, back=self._back("line")),
            "ratings": Step(show=self.show_ratings, act=self.pick_ratings, typed=self.read_ratings, back=self._back("period")),
            "concern": Step(show=lambda turn: Screen(concern_card(_ui(turn), turn.origin)), act=self.pick_concern, back=self._back("ratings")),
            "concern_kind": Step(show=self.show_concern_kind, act=self.pick_concern_kind, back=lambda turn: Goto("concern")),
            "free_text": Step(
                show=lambda turn: Screen(free_text_card(_ui(turn), turn.origin, FREE_TEXT_MAX)),
                act=self.skip_free_text,
                typed=self.read_free_text,
                back=self._back("concern"),
            ),
            "summary": Step(show=self.show_summary, act=self.send, back=lambda turn: Goto("free_text"), display=True),
            "edit": Step(show=lambda turn: Screen(edit_card(_ui(turn), turn.origin)), act=self.pick_edit, back=lambda turn: Goto("summary")),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        service = option_service(turn.kb, options)
        data: dict[str, Any] = {"service": service, "given": service is not None, "ratings": {}}
        # A supervisor's feedback request (its prompt card's button) fills in what it names,
        # and the report is linked to it when sent.
        campaign = options.get("campaign")
        if isinstance(campaign, str) and campaign.isdigit():
            data["campaign"] = int(campaign)
        provider, provider_name = options.get("provider"), options.get("provider_name")
        if service and isinstance(provider, str) and provider.isdigit() and isinstance(provider_name, str) and provider_name:
            data.update(provider_id=int(provider), provider_name=provider_name[:PROVIDER_NAME_MAX])
            line = options.get("line")
            if line in SERVICE_LINES:
                data["line"] = line
                return "period", data
            return "line", data
        return ("provider" if service else "service"), data

    # Moving on: after an edit, straight back to the summary ---------------------------------

    def _next(self, turn: Turn, step: str) -> Outcome:
        if turn.data.pop("editing", False):
            return Goto("summary")
        return Goto(step)

    def _back(self, step: str) -> Any:
        def back(turn: Turn) -> Outcome:
            return Goto("summary") if turn.data.pop("editing", False) else Goto(step)

        return back

    # 1. service -------------------------------------------------------------------------------

    def show_service(self, turn: Turn) -> Screen:
        ui = _ui(turn)
        return Screen(pick_service_card(turn.kb, turn.ui, turn.origin, title=ui("dialog.service"), prompt=ui("dialog.intro")))

    def pick_service(self, turn: Turn, submit: Submit) -> Outcome:
        service = chosen_service(turn, submit, Action.PICK)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        turn.data["service"] = service
        return self._next(turn, "provider")

    # 2-3. provider ----------------------------------------------------------------------------

    def show_provider(self, turn: Turn) -> Screen:
        ui = _ui(turn)
        body = [heading(ui("dialog.provider"), size="Medium"), text(ui("dialog.intro"), subtle=True)]
        return Screen(card(body, nav_actions(turn.ui, turn.origin)))

    def back_from_provider(self, turn: Turn) -> Outcome:
        if turn.data.pop("editing", False):
            return Goto("summary")
        return End() if turn.data.get("given") else Goto("service")

    async def read_provider(self, turn: Turn, typed: str) -> Outcome | None:
        problems = provider_name_problems(typed)
        if problems:
            # Never echo what was typed: the name field is not for a client's name either.
            return Stay(_problem(turn, problems[0]), show=False)
        name = clean_provider_name(typed)
        known = await _desk(turn).known_providers()
        same_key = next((k for k in known if provider_key(k.name) == provider_key(name)), None)
        if same_key is not None:
            turn.data.update(provider_id=same_key.provider_id, provider_name=same_key.display)
            return self._next(turn, "line")
        match = match_provider(name, known)
        turn.data["typed_provider"] = name
        turn.data["exact"] = [match.exact.provider_id, match.exact.display] if match.exact else None
        turn.data["candidates"] = [[c.provider_id, c.display] for c in match.suggestions]
        return Goto("provider_choice")

    def show_provider_choice(self, turn: Turn) -> Screen | Outcome:
        typed = turn.data.get("typed_provider")
        if not isinstance(typed, str):
            return Goto("provider")
        exact = turn.data.get("exact")
        candidates = [(int(pid), str(name)) for pid, name in turn.data.get("candidates", [])]
        return Screen(provider_choice_card(_ui(turn), turn.origin, typed, (int(exact[0]), str(exact[1])) if exact else None, candidates))

    def choose_provider(self, turn: Turn, submit: Submit) -> Outcome:
        offered = {str(pid): str(name) for pid, name in [*([turn.data["exact"]] if turn.data.get("exact") else []), *turn.data.get("candidates", [])]}
        if submit.action == Action.EDIT:
            return Goto("provider")
        if submit.action == Action.PICK and submit.value in offered:
            turn.data.update(provider_id=int(submit.value), provider_name=offered[submit.value])
        elif submit.action == Action.CONFIRM and submit.value == "new":
            # Confirmed as new: added to the known providers only when the report is sent.
            turn.data.update(provider_id=None, provider_name=turn.data.get("typed_provider"))
        else:
            return Stay(turn.ui("common.stale"))
        for key in ("typed_provider", "exact", "candidates"):
            turn.data.pop(key, None)
        return self._next(turn, "line")

    # 4. line, 5. period, 6. ratings ---------------------------------------------------------------

    def pick_line(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action != Action.ANSWER or submit.value not in SERVICE_LINES:
            return Stay(turn.ui("common.stale"))
        turn.data["line"] = submit.value
        return self._next(turn, "period")

    def show_period(self, turn: Turn) -> Screen:
        return Screen(period_card(_ui(turn), turn.origin, turn.data.get("start"), turn.data.get("end")))

    def pick_period(self, turn: Turn, submit: Submit) -> Outcome:
        press = turn.press
        options = press.options if press else {}
        return self._period(turn, _iso_date(options.get(START_INPUT)), _iso_date(options.get(END_INPUT)))

    def read_period(self, turn: Turn, typed: str) -> Outcome | None:
        days = [_finnish_day(m) for m in _DATE.finditer(typed)]
        if not days:
            return None  # not dates: perhaps the label of a button
        if len(days) != 2:
            return Stay(_problem(turn, "period_missing"), show=False)
        return self._period(turn, days[0], days[1])

    def _period(self, turn: Turn, start: date | None, end: date | None) -> Outcome:
        problems = period_problems(start, end, _today())
        if problems:
            return Stay(_problem(turn, problems[0]))
        assert start is not None and end is not None
        turn.data.update(start=start.isoformat(), end=end.isoformat())
        return self._next(turn, "ratings")

    def show_ratings(self, turn: Turn) -> Screen:
        return Screen(ratings_card(_ui(turn), turn.origin, turn.data.get("ratings", {})))

    def pick_ratings(self, turn: Turn, submit: Submit) -> Outcome:
        press = turn.press
        options = press.options if press else {}
        ratings: dict[str, int] = {}
        for aspect in RATING_ASPECTS:
            raw = options.get(RATING_INPUT + aspect, "")
            if raw:
                if raw not in ("1", "2", "3", "4", "5"):
                    return Stay(_problem(turn, "rating"))
                ratings[aspect] = int(raw)
        turn.data["ratings"] = ratings
        return self._next(turn, "concern")

    def read_ratings(self, turn: Turn, typed: str) -> Outcome | None:
        """Typed ratings in aspect order, `-` for one not judged: `4 3 - 5 2`."""
        tokens = typed.replace(",", " ").split()
        if len(tokens) != len(RATING_ASPECTS):
            return None
        if any(t not in ("1", "2", "3", "4", "5", "-") for t in tokens):
            return Stay(_problem(turn, "rating"), show=False)
        turn.data["ratings"] = {a: int(t) for a, t in zip(RATING_ASPECTS, tokens, strict=True) if t != "-"}
        return self._next(turn, "concern")

    # 7-8. concern -------------------------------------------------------------------------------

    def pick_concern(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action != Action.ANSWER or submit.value not in ("none", *CONCERN_AREAS):
            return Stay(turn.ui("common.stale"))
        if submit.value == "none":
            turn.data.update(concern=None, kind=None)
            return self._next(turn, "free_text")
        turn.data.update(concern=submit.value, kind=None)
        return Goto("concern_kind")

    def show_concern_kind(self, turn: Turn) -> Screen | Outcome:
        area = turn.data.get("concern")
        if area not in CONCERN_KINDS:
            return Goto("concern")
        return Screen(concern_kind_card(_ui(turn), turn.origin, str(area)))

    def pick_concern_kind(self, turn: Turn, submit: Submit) -> Outcome:
        area = str(turn.data.get("concern"))
        if submit.action != Action.ANSWER or submit.value not in CONCERN_KINDS.get(area, ()):
            return Stay(turn.ui("common.stale"))
        turn.data["kind"] = submit.value
        return self._next(turn, "free_text")

    # 9. details ---------------------------------------------------------------------------------

    def read_free_text(self, turn: Turn, typed: str) -> Outcome | None:
        if not typed:
            return None
        if len(typed) > FREE_TEXT_MAX:
            return Stay(_problem(turn, "free_text_long"), show=False)
        stored = redact_and_cap(typed.strip(), FREE_TEXT_MAX)
        if stored != typed.strip():
            turn.say(_ui(turn)("dialog.redacted"))
        turn.data["free_text"] = stored
        return self._next(turn, "summary")

    def skip_free_text(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action != Action.ANSWER or submit.value != "none":
            return Stay(turn.ui("common.stale"))
        turn.data["free_text"] = ""
        return self._next(turn, "summary")

    # 10. summary and sending ---------------------------------------------------------------------

    def show_summary(self, turn: Turn) -> Screen | Outcome:
        ui = _ui(turn)
        service = turn.kb.service(str(turn.data.get("service")))
        if service is None:
            turn.data["editing"] = True
            turn.say(_problem(turn, "service_unknown"))
            return Goto("service")
        data = turn.data
        # A fresh token per summary shown: a click on an older summary's Lähetä is stale.
        data["token"] = uuid.uuid4().hex
        start, end = _iso_date(data.get("start")), _iso_date(data.get("end"))
        area, kind = data.get("concern"), data.get("kind")
        pairs = [
            (ui("card.service"), service.name.get(turn.lang)),
            (ui("card.provider"), str(data.get("provider_name") or "")),
            (ui("card.line"), ui(f"line.{data.get('line')}")),
            (ui("card.period"), f"{finnish_date(start)}–{finnish_date(end)}" if start and end else ""),
            (ui("card.concern"), ui("concern.none") if area is None else f"{ui(f'concern.{area}')}: {ui(f'kind.{area}.{kind}')}"),
        ]
        ratings = [(ui(f"aspect.{a}"), ui("rating.value", score=data["ratings"][a])) for a in RATING_ASPECTS if a in data.get("ratings", {})]
        return Screen(summary_card(ui, turn.origin, pairs, ratings, str(data.get("free_text") or ""), data["token"]))

    async def send(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.EDIT:
            return Goto("edit")
        if submit.action != Action.CONFIRM or not submit.value or submit.value != turn.data.get("token"):
            return Stay(turn.ui("common.stale"))
        draft = _draft(turn.data)
        problems = validate_report(draft, [s.id for s in turn.kb.services], _today())
        if problems:
            # E.g. the service was removed from the knowledge base meanwhile: fix, then back here.
            turn.data["editing"] = True
            return _to_problem(turn, problems[0])
        service = turn.kb.service(draft.service_id)
        assert service is not None and draft.period_start is not None and draft.period_end is not None
        result = await _desk(turn).submit(
            SubmitRequest(
                token=submit.value,
                reporter=Identity(channel_user_id=turn.user.id, aad_object_id=turn.user.aad_object_id),
                reporter_name=turn.user.name or "",
                locale=turn.lang,
                service_id=service.id,
                service_name=service.name.fi,
                provider_id=turn.data.get("provider_id"),
                new_provider=draft.provider_name,
                service_line=draft.service_line,
                period_start=draft.period_start,
                period_end=draft.period_end,
                ratings=dict(draft.ratings),
                concern_area=draft.concern_area,
                concern_kind=draft.concern_kind,
                free_text=draft.free_text,
                campaign_id=turn.data.get("campaign"),
            )
        )
        ui = _ui(turn)
        line = ui(f"line.{draft.service_line}")
        turn.count("feedback_reported", "saved" if result.created else "duplicate")
        if not result.created:
            turn.say(ui("dialog.already_sent", id=result.report_id))
            return End(Result.DONE)
        # Where the team never got it, the thanks says so instead of "sent to the team".
        if result.delivery == "no_team":
            turn.say(ui("dialog.no_team", id=result.report_id, line=line))
        elif result.delivery == "failed":
            turn.say(ui("dialog.delivery_failed", id=result.report_id))
        else:
            turn.say(ui("dialog.sent", id=result.report_id, line=line))
        if result.case_id is not None:
            turn.say(ui("dialog.sent_case", case_id=result.case_id))
        return End(Result.DONE)

    def pick_edit(self, turn: Turn, submit: Submit) -> Outcome:
        steps = {
            "service": "service",
            "provider": "provider",
            "line": "line",
            "period": "period",
            "ratings": "ratings",
            "concern": "concern",
            "free_text": "free_text",
        }
        if submit.action != Action.EDIT or submit.value not in steps:
            return Stay(turn.ui("common.stale"))
        turn.data["editing"] = True
        return Goto(steps[submit.value])


def _to_problem(turn: Turn, code: str) -> Outcome:
    turn.say(_problem(turn, code))
    return Goto(PROBLEM_STEPS[code])


def _draft(data: Mapping[str, Any]) -> ReportDraft:
    ratings = data.get("ratings")
    return ReportDraft(
        service_id=str(data.get("service") or ""),
        provider_name=str(data.get("provider_name") or ""),
        service_line=str(data.get("line") or ""),
        period_start=_iso_date(data.get("start")),
        period_end=_iso_date(data.get("end")),
        ratings={str(k): v for k, v in ratings.items()} if isinstance(ratings, Mapping) else {},
        concern_area=data.get("concern"),
        concern_kind=data.get("kind"),
        free_text=str(data.get("free_text") or ""),
    )


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _finnish_day(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
