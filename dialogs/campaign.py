"""Supervisors' feedback requests: `palautepyyntö` (ask workers for feedback on a service),
`palautepyynnöt` (my requests and their counts), `palauteyhteenveto` (the results).

Only supervisors (and admins) reach these dialogs: the service layer's gate refuses anyone
else before a dialog runs, and every step that writes checks again through the port.

`palautepyyntö` flow (the step table in `CampaignDialog.__init__`); nothing is stored until
the preview is confirmed:

1. `service`: which service (from the knowledge base), or every service of the line chosen in 3.
2. `provider`: the provider, typed and matched against the known ones, or "any provider".
3. `line`: family social work or child protection.
4. `recipients`: the workers known to the bot in that line, or `named` users (5.).
6. `due`: in one, two or four weeks, or a typed date.
7. `note`: an optional note, typed (redacted when stored), or none.
8. `when`: send now, or at a typed Finnish date and time.
9. `preview`: the recipient's card as it will look, the choices, and confirm or discard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from bot.ui.cards.campaign import FINNISH_TIME, PromptContent, finnish_date, prompt_card
from bot.ui.cards.campaign_admin import CampaignUi, ask_card, campaigns_card, preview_card, summary_card
from bot.ui.cards.guided_common import choice
from bot.ui.cards.guided_service import pick_service_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId
from dialogs.campaign_port import CampaignPort, CampaignRequest
from dialogs.engine import Dialog, End, Goto, Outcome, Replace, Screen, Stay, Step, Turn
from dialogs.records import chosen_service
from domain.campaign import CampaignState, CampaignView, Counts, MessageKind, ScheduleError, SummaryRow, check_schedule
from domain.feedback import RATING_ASPECTS, SERVICE_LINES, clean_provider_name, match_provider, provider_key
from domain.privacy import redact_and_cap

DUE_WEEKS: Final = (1, 2, 4)
_DATE: Final = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:(?:klo\s*)?(\d{1,2})[:.](\d{2}))?\s*$")
NOTE_MAX: Final = 300
SUMMARY_PERIODS: Final = (90, 365)
MAX_NAMED: Final = 200
WHOLE_LINE: Final = "*"
"""The service button's value for a request about every service of a service line (no
service id has this form)."""


def _cui(turn: Turn) -> CampaignUi:
    return CampaignUi(turn.strings, turn.lang)


def _port(turn: Turn) -> CampaignPort:
    port: CampaignPort = turn.ports.campaigns  # type: ignore[attr-defined]  # the service layer's ports carry it; `Ports` names only the sessionmaker
    return port


def _service_names(turn: Turn) -> dict[str, str]:
    return {s.id: s.name.get(turn.lang) for s in turn.kb.services}


def _requested_service(turn: Turn, service_id: str | None, line: str | None) -> str:
    """The service's name, or for a request about a whole line, the line's services."""
    if service_id:
        return _service_names(turn).get(service_id, service_id)
    return _cui(turn)("any_service", line=_cui(turn)(f"service_line.{line}") if line else "")


def parse_finnish_time(typed: str, default: time) -> datetime | None:
    """`d.m.yyyy` or `d.m.yyyy hh:mm` in Finnish time, as UTC; None when it is not one."""
    match = _DATE.match(typed)
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        at = time(int(hour), int(minute)) if hour is not None else default
        local = datetime.combine(date(int(year), int(month), int(day)), at, tzinfo=FINNISH_TIME)
    except ValueError:
        return None
    return local.astimezone(UTC)


class CampaignDialog(Dialog):
    free_text = frozenset({"note", "provider_name"})
    checked = frozenset({"due", "line", "recipients"})
    ID = DialogId.CAMPAIGN
    help_keys = ("campaigns.dialog.help", "dialogs.help.general")

    def __init__(self) -> None:
        self.steps = {
            "service": Step(show=self.show_service, act=self.pick_service, back=lambda turn: End()),
            "provider": Step(show=self.show_provider, act=self.any_provider, typed=self.read_provider, back=lambda turn: Goto("service")),
            "provider_choice": Step(show=self.show_provider_choice, act=self.choose_provider, back=lambda turn: Goto("provider")),
            "line": Step(show=self.show_line, act=self.pick_line, back=lambda turn: Goto("provider")),
            "recipients": Step(show=self.show_recipients, act=self.pick_recipients, back=lambda turn: Goto("line")),
            "named": Step(show=self.show_named, typed=self.read_named, back=lambda turn: Goto("recipients")),
            "due": Step(show=self.show_due, act=self.pick_due, typed=self.read_due, back=lambda turn: Goto("recipients")),
            "note": Step(show=self.show_note, act=self.skip_note, typed=self.read_note, back=lambda turn: Goto("due")),
            "when": Step(show=self.show_when, act=self.send_now, typed=self.read_when, back=lambda turn: Goto("note")),
            "preview": Step(show=self.show_preview, act=self.confirm, back=lambda turn: Goto("when"), display=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "service", {}

    # 1. service -----------------------------------------------------------------------------

    def show_service(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        whole_line = choice(turn.origin.button(cui("dialog.whole_line"), Action.PICK, WHOLE_LINE), cui("dialog.whole_line_note"))
        return Screen(pick_service_card(turn.kb, turn.ui, turn.origin, title=cui("dialog.service"), prompt=cui("dialog.intro"), first=[whole_line]))

    def pick_service(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.PICK and submit.value == WHOLE_LINE:
            turn.data["service"] = None
            return Goto("provider")
        service = chosen_service(turn, submit, Action.PICK)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        turn.data["service"] = service
        return Goto("provider")

    # 2. provider ----------------------------------------------------------------------------

    def show_provider(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        return Screen(
            ask_card(
                turn.ui,
                turn.origin,
                cui("dialog.provider"),
                cui("dialog.provider_prompt"),
                [turn.origin.button(cui("dialog.any_provider"), Action.PICK, "any")],
            )
        )

    def any_provider(self, turn: Turn, submit: Submit) -> Outcome:
        turn.data.update(provider_id=None, provider_name=None)
        return Goto("line")

    async def read_provider(self, turn: Turn, typed: str) -> Outcome | None:
        name = clean_provider_name(typed)[:200]
        if not name:
            return Stay(_cui(turn)("dialog.provider_prompt"), show=False)
        known = await _port(turn).known_providers()
        same = next((k for k in known if provider_key(k.name) == provider_key(name)), None)
        if same is not None:
            turn.data.update(provider_id=same.provider_id, provider_name=same.display)
            return Goto("line")
        match = match_provider(name, known)
        turn.data["candidates"] = [[c.provider_id, c.display] for c in match.suggestions]
        return Goto("provider_choice")

    def show_provider_choice(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        buttons = [turn.origin.button(str(name), Action.PICK, str(pid)) for pid, name in turn.data.get("candidates", [])]
        buttons.append(turn.origin.button(cui("dialog.any_provider"), Action.PICK, "any"))
        prompt = cui("dialog.provider_candidates") if len(buttons) > 1 else cui("dialog.provider_unknown")
        return Screen(ask_card(turn.ui, turn.origin, cui("dialog.provider"), prompt, buttons))

    def choose_provider(self, turn: Turn, submit: Submit) -> Outcome:
        offered = {str(pid): str(name) for pid, name in turn.data.get("candidates", [])}
        if submit.value == "any":
            turn.data.update(provider_id=None, provider_name=None)
        elif submit.value in offered:
            turn.data.update(provider_id=int(submit.value), provider_name=offered[submit.value])
        else:
            return Stay(turn.ui("common.not_understood"))
        return Goto("line")

    # 3-5. line and recipients -----------------------------------------------------------------

    def show_line(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        buttons = [turn.origin.button(turn.text(f"feedback.line.{line}"), Action.ANSWER, line) for line in SERVICE_LINES]
        return Screen(ask_card(turn.ui, turn.origin, cui("dialog.line"), None, buttons))

    async def pick_line(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.value not in SERVICE_LINES:
            return Stay(turn.ui("common.not_understood"))
        turn.data["line"] = submit.value
        turn.data["line_workers"] = await _port(turn).count_recipients(submit.value)
        turn.data["has_team"] = await _port(turn).has_team(submit.value)
        return Goto("recipients")

    def show_recipients(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        line_name = turn.text(f"feedback.line.{turn.data.get('line')}")
        buttons = [
            turn.origin.button(cui("dialog.recipients_line", line=line_name, n=turn.data.get("line_workers", 0)), Action.ANSWER, "line"),
            turn.origin.button(cui("dialog.recipients_named"), Action.ANSWER, "named"),
        ]
        if turn.data.get("has_team"):
            buttons.insert(1, turn.origin.button(cui("dialog.recipients_team", line=line_name), Action.ANSWER, "team"))
        return Screen(ask_card(turn.ui, turn.origin, cui("dialog.recipients"), cui("dialog.recipients_note"), buttons))

    def pick_recipients(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.value == "named":
            return Goto("named")
        if submit.value == "team" and turn.data.get("has_team"):
            turn.data.update(recipients="team", named=[])
            return Goto("due")
        if submit.value != "line":
            return Stay(turn.ui("common.not_understood"))
        if not turn.data.get("line_workers"):
            return Stay(_cui(turn)("dialog.nobody"))
        turn.data.update(recipients="line", named=[])
        return Goto("due")

    def show_named(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        return Screen(ask_card(turn.ui, turn.origin, cui("dialog.recipients_named"), cui("dialog.named_prompt")))

    def read_named(self, turn: Turn, typed: str) -> Outcome:
        ids = [part for part in re.split(r"[\s,;]+", typed) if part][:MAX_NAMED]
        valid = [part[:200] for part in ids if part.startswith("29:") or re.fullmatch(r"[0-9a-fA-F-]{36}", part)]
        if not valid:
            return Stay(_cui(turn)("dialog.named_prompt"), show=False)
        turn.data.update(recipients="named", named=valid)
        return Goto("due")

    # 6-8. due, note, when ---------------------------------------------------------------------

    def show_due(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        buttons = [turn.origin.button(cui("dialog.due_week" if weeks == 1 else "dialog.due_weeks", n=weeks), Action.ANSWER, str(weeks)) for weeks in DUE_WEEKS]
        return Screen(ask_card(turn.ui, turn.origin, cui("dialog.due"), cui("dialog.due_prompt"), buttons))

    def pick_due(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.value not in {str(w) for w in DUE_WEEKS}:
            return Stay(turn.ui("common.not_understood"))
        today = _now(turn).astimezone(FINNISH_TIME).date() + timedelta(weeks=int(submit.value))
        turn.data["due"] = datetime.combine(today, time(16, 0), tzinfo=FINNISH_TIME).astimezone(UTC).isoformat()
        return Goto("note")

    def read_due(self, turn: Turn, typed: str) -> Outcome | None:
        due = parse_finnish_time(typed, time(16, 0))
        if due is None:
            return None
        if due < _now(turn) + timedelta(days=1):
            return Stay(_cui(turn)("dialog.due_too_soon"), show=False)
        turn.data["due"] = due.isoformat()
        return Goto("note")

    def show_note(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        return Screen(
            ask_card(
                turn.ui,
                turn.origin,
                cui("dialog.note"),
                cui("dialog.note_prompt", max=NOTE_MAX),
                [turn.origin.button(cui("dialog.no_note"), Action.ANSWER, "none")],
            )
        )

    def skip_note(self, turn: Turn, submit: Submit) -> Outcome:
        turn.data["note"] = None
        return Goto("when")

    def read_note(self, turn: Turn, typed: str) -> Outcome:
        if len(typed) > NOTE_MAX:
            return Stay(_cui(turn)("dialog.note_prompt", max=NOTE_MAX), show=False)
        turn.data["note"] = redact_and_cap(typed.strip(), NOTE_MAX) or None
        return Goto("when")

    def show_when(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        return Screen(
            ask_card(
                turn.ui,
                turn.origin,
                cui("dialog.when"),
                cui("dialog.when_prompt"),
                [turn.origin.button(cui("dialog.send_now"), Action.ANSWER, "now", primary=True)],
            )
        )

    def send_now(self, turn: Turn, submit: Submit) -> Outcome:
        turn.data["send_at"] = None
        return Goto("preview")

    def read_when(self, turn: Turn, typed: str) -> Outcome | None:
        at = parse_finnish_time(typed, time(9, 0))
        if at is None:
            return None
        due = datetime.fromisoformat(turn.data["due"])
        if at < _now(turn) or at > due - timedelta(hours=1):
            return Stay(_cui(turn)("dialog.when_invalid"), show=False)
        turn.data["send_at"] = at.isoformat()
        return Goto("preview")

    # 9. preview and confirm -------------------------------------------------------------------

    def show_preview(self, turn: Turn) -> Screen:
        cui, data = _cui(turn), turn.data
        due = datetime.fromisoformat(data["due"])
        content = PromptContent(
            0,
            MessageKind.PROMPT,
            data["service"],
            _requested_service(turn, data["service"], data["line"]),
            data.get("provider_name"),
            data.get("provider_id"),
            data["line"],
            data.get("note"),
            due,
        )
        send_at = data.get("send_at")
        line_name = turn.text(f"feedback.line.{data['line']}")
        recipients = {
            "line": cui("dialog.recipients_line", line=line_name, n=data.get("line_workers", 0)),
            "team": cui("dialog.recipients_team", line=line_name),
        }.get(data.get("recipients", ""), cui("dialog.named_count", n=len(data.get("named", []))))
        details = [
            (cui("dialog.recipients"), recipients),
            (cui("dialog.due"), finnish_date(due)),
            (cui("dialog.when"), cui("dialog.send_now") if not send_at else _finnish_datetime(datetime.fromisoformat(send_at))),
        ]
        return Screen(preview_card(turn.ui, cui, turn.origin, prompt_card(turn.strings, turn.lang, content), details))

    async def confirm(self, turn: Turn, submit: Submit) -> Outcome:
        cui, data, port = _cui(turn), turn.data, _port(turn)
        if submit.action == Action.CANCEL:
            return End()
        if submit.action != Action.CONFIRM:
            return Stay(turn.ui("common.not_understood"))
        send_at = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else _now(turn)
        try:  # the preview may have waited long enough for the times to have passed
            check_schedule(_now(turn), send_at, datetime.fromisoformat(data["due"]))
        except ScheduleError:
            return Stay(cui("dialog.when_invalid"))
        request = CampaignRequest(
            supervisor=turn.user,
            conversation_id=turn.where.id,
            service_url=turn.where.service_url or "",
            tenant_id=turn.where.tenant_id or "",
            locale=turn.lang,
            service_id=data["service"],
            provider_id=data.get("provider_id"),
            provider_name=data.get("provider_name"),
            service_line=data["line"],
            recipients=data.get("recipients", "line"),
            named=tuple(data.get("named", [])),
            send_at=send_at,
            due_at=datetime.fromisoformat(data["due"]),
            note=data.get("note"),
        )
        campaign_id, count = await port.create(request)
        if not campaign_id:
            return Stay(cui("dialog.nobody"))
        turn.say(cui("dialog.created", n=count) if not data.get("send_at") else cui("dialog.scheduled", n=count, at=_finnish_datetime(send_at)))
        return End()


class CampaignsDialog(Dialog):
    checked = frozenset({"views"})
    """`palautepyynnöt`: my campaigns with their counts; every press reloads them and a
    Universal Action's answer replaces the card in place."""

    ID = DialogId.CAMPAIGNS
    help_keys = ("campaigns.status.help", "dialogs.help.general")

    def __init__(self) -> None:
        self.steps = {"list": Step(show=self.show, act=self.act, typed=self.load, display=True)}

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "list", {}

    def show(self, turn: Turn) -> Screen:
        views = [_view_from(raw) for raw in turn.data.get("views", [])]
        return Screen(campaigns_card(_cui(turn), turn.origin, views, _service_names(turn)))

    async def load(self, turn: Turn, typed: str) -> Outcome | None:
        """The command that started the dialog (forwarded here): read the campaigns."""
        if turn.data.get("views") is not None:
            return None
        await self._reload(turn)
        return Goto("list")

    async def _reload(self, turn: Turn) -> None:
        turn.data["views"] = [_view_to(v) for v in await _port(turn).campaigns_of(turn.user)]

    async def act(self, turn: Turn, submit: Submit) -> Outcome:
        cui, port = _cui(turn), _port(turn)
        campaign_id = int(submit.value) if submit.value and submit.value.isdigit() else 0
        if submit.action == Action.CANCEL_CAMPAIGN:
            turn.say(cui("status.cancelled") if await port.cancel(turn.user, campaign_id) else cui("status.not_cancelled"))
        elif submit.action == Action.REMIND:
            queued = await port.remind(turn.user, campaign_id)
            turn.say(cui("status.reminded", n=queued) if queued is not None else cui("status.not_reminded"))
        elif submit.action == Action.EXPORT:
            turn.say(await _export_link(turn, "xlsx", campaign_id=campaign_id))
        await self._reload(turn)
        press = turn.press
        if press is not None and press.invoke:
            turn.say(Replace(self.show(turn)))
            return Stay(show=False)
        return Goto("list")


class CampaignSummaryDialog(Dialog):
    checked = frozenset({"line", "rows"})
    """`palauteyhteenveto`: per provider and service, for a service line and a period."""

    ID = DialogId.CAMPAIGN_SUMMARY
    help_keys = ("campaigns.summary.help", "dialogs.help.general")

    def __init__(self) -> None:
        self.steps = {
            "line": Step(show=self.show_line, act=self.pick_line, back=lambda turn: End()),
            "period": Step(show=self.show_period, act=self.pick_period, back=lambda turn: Goto("line")),
            "table": Step(show=self.show_table, act=self.export, back=lambda turn: Goto("period"), display=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "line", {}

    def show_line(self, turn: Turn) -> Screen:
        buttons = [turn.origin.button(turn.text(f"feedback.line.{line}"), Action.ANSWER, line) for line in SERVICE_LINES]
        return Screen(ask_card(turn.ui, turn.origin, _cui(turn)("summary.line"), None, buttons))

    def pick_line(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.value not in SERVICE_LINES:
            return Stay(turn.ui("common.not_understood"))
        turn.data["line"] = submit.value
        return Goto("period")

    def show_period(self, turn: Turn) -> Screen:
        cui = _cui(turn)
        buttons = [turn.origin.button(cui("summary.days", n=days), Action.ANSWER, str(days)) for days in SUMMARY_PERIODS]
        return Screen(ask_card(turn.ui, turn.origin, cui("summary.period"), None, buttons))

    async def pick_period(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.value not in {str(d) for d in SUMMARY_PERIODS}:
            return Stay(turn.ui("common.not_understood"))
        days = int(submit.value)
        end = _now(turn)
        rows = await _port(turn).summary(turn.data["line"], end - timedelta(days=days), end)
        # Provider names and numbers only: no person, no free text in the stored state.
        turn.data.update(days=days, rows=[[r.provider, r.service_id, r.reports, dict(r.averages), r.concerns, r.open_cases] for r in rows])
        return Goto("table")

    def show_table(self, turn: Turn) -> Screen:
        cui, line = _cui(turn), turn.data["line"]
        rows = [SummaryRow(str(p), str(s), int(n), dict(avg), int(c), int(o)) for p, s, n, avg, c, o in turn.data.get("rows", [])]
        aspects = [(a, turn.text(f"feedback.aspect.{a}")) for a in RATING_ASPECTS]
        title = cui("summary.title", line=turn.text(f"feedback.line.{line}"), n=turn.data.get("days", 0))
        return Screen(summary_card(turn.ui, cui, turn.origin, title, rows, aspects, _service_names(turn)))

    async def export(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action != Action.EXPORT or submit.value not in ("csv", "xlsx"):
            return Stay(turn.ui("common.not_understood"), show=False)
        start = _now(turn) - timedelta(days=int(turn.data.get("days", 365)))
        return Stay(await _export_link(turn, submit.value, service_line=turn.data.get("line"), start=start), show=False)


async def _export_link(turn: Turn, fmt: str, **query: Any) -> str:
    """The download link, said only in the supervisor's 1:1 chat: in a group chat or a
    channel everyone would see it, and whoever opens it first gets the file."""
    if turn.where.kind != "personal":
        return _cui(turn)("export.personal_only")
    url = await _port(turn).export_link(turn.user, fmt, turn.lang, **query)
    return _cui(turn)("export.link", url=url)


def _view_to(view: CampaignView) -> dict[str, Any]:
    c = view.counts
    return {
        "id": view.id, "state": view.state.value, "service_id": view.service_id, "provider": view.provider_name, "line": view.service_line,
        "send_at": view.send_at.isoformat(), "due_at": view.due_at.isoformat(), "extra": view.extra_reminder_sent,
        "counts": [c.recipients, c.sent, c.failed, c.unknown, c.answered, c.pending, c.cancelled], "reasons": dict(c.failure_reasons),
    }  # fmt: skip


def _view_from(raw: Mapping[str, Any]) -> CampaignView:
    recipients, sent, failed, unknown, answered, pending, cancelled = raw["counts"]
    counts = Counts(recipients, sent, failed, unknown, answered, pending, cancelled, dict(raw.get("reasons", {})))
    return CampaignView(
        id=raw["id"], state=CampaignState(raw["state"]), service_id=raw["service_id"], provider_name=raw["provider"], service_line=raw["line"],
        send_at=datetime.fromisoformat(raw["send_at"]), due_at=datetime.fromisoformat(raw["due_at"]), reminder_at=None, extra_reminder_sent=raw["extra"], counts=counts,
    )  # fmt: skip


def _now(turn: Turn) -> datetime:
    clock = getattr(turn.ports, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def _finnish_datetime(value: datetime) -> str:
    local = value.astimezone(FINNISH_TIME)
    return f"{finnish_date(value)} {local.hour}.{local.minute:02d}"
