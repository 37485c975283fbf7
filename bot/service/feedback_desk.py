"""The feedback desk: what happens to a report after the worker sends it.

* `submit` (called by the feedback dialog through `TurnPorts.desk`): the report is written
  once per submit token and posted to the arranging team's channel as a card that mentions
  the reporter; a safety concern opens a supervision case.
* Card actions (`on_invoke` for `adaptiveCard/action`, `on_message` for the `Action.Submit`
  fallback): take into handling, ask the reporter for more, start reactive supervision,
  close with an outcome; the reporter's answer from their 1:1 chat. Only members of the
  report's service line's arranging team may act; anyone else is refused politely, nothing
  changes, and the attempt is logged with ids. The card is answered to the invoke and also
  replaced in the channel (PUT), so everyone sees the new state at once.
* Typed commands in any chat: `rekisteröi kanava <palvelulinja>` (an admin, in the channel),
  `lisää rooli` / `poista rooli` (an admin), `valvonta` (the open supervision cases of the
  user's teams).

These run before the dialog engine, with no dialog state: a team member clicking a card in
the channel must neither disturb nor be disturbed by a flow of their own there. The turn
comes already read (`bot.service.inputs.read_desk_input`): a card's payload, forged or not,
and a typed command are checked where every activity is read, and the desk decides only who
may do what.
Messages to other conversations (the channel, the reporter's 1:1 chat) go through the app's
`BotConnector`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Protocol

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse, ConversationAccount

from bot.service.connector import Delivered, Outcome
from bot.service.inputs import OBJECT_ID, DeskCommand, DeskInput, DeskPress
from bot.service.invoke_answers import answer_of
from bot.service.references import USER_ID_KEY, address_of, identity_of
from bot.store.feedback import Acted, FeedbackStore, NewReport, ReportNotFound
from bot.store.people import AAD_PLACEHOLDER, NO_LINE, ConversationAddress, Identity, PeopleStore
from bot.ui.cards.feedback import (
    ANSWER_VERB,
    REFRESH_VERB,
    CardAction,
    CaseAction,
    answered_card,
    ask_card,
    card_invoke_response,
    card_update,
    cases_card,
    channel_post,
    message_invoke_response,
    report_card,
)
from bot.ui.cards.message import card_activity
from bot.ui.i18n import Strings, language_of
from dialogs.choices import normalize
from dialogs.feedback_port import SubmitRequest, SubmitResult
from domain.feedback import SERVICE_LINES, KnownName, utc_now
from domain.feedback_records import ReportView
from domain.logs import log_event
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

LINE_WORDS: Final = {
    "perhesosiaalityo": ("perhesosiaalityo", "perhesosiaalityö", "familjesocialt arbete", "socialt arbete med familjer", "family social work"),
    "lastensuojelu": ("lastensuojelu", "barnskydd", "child protection"),
}
ROLE_WORDS: Final = {"member": ("jasen", "jäsen", "medlem", "member"), "supervisor": ("valvoja", "tillsyn", "tillsynsperson", "supervisor")}


class Outbound(Protocol):
    """What the desk needs of the Bot Connector (`bot.service.connector.BotConnector`)."""

    async def send_to_conversation(self, service_url: str, conversation_id: str, activity: Any, *, audience: str | None = None) -> Outcome: ...

    async def update_activity(self, service_url: str, conversation_id: str, activity_id: str, activity: Any, *, audience: str | None = None) -> Outcome: ...

    async def create_conversation(
        self, service_url: str, *, tenant_id: str, bot_id: str, user_id: str, activity: Any = None, audience: str | None = None
    ) -> Outcome: ...


CampaignAnswered = Callable[[int, str, int], Awaitable[object]]
"""(campaign id, the reporter's Teams id, report id): the report answers that campaign."""


class FeedbackDesk:
    def __init__(
        self,
        people: PeopleStore,
        store: FeedbackStore,
        connector: Outbound,
        strings: Strings,
        knowledge: Any,
        *,
        campaign_answered: CampaignAnswered | None = None,
    ) -> None:
        self.people = people
        self._campaign_answered = campaign_answered
        """Links a report to the supervisor's feedback request it answers (the campaigns)."""
        self.store = store
        self._connector = connector
        self._strings = strings
        self._knowledge = knowledge
        """Has `.snapshot.kb`: service names for `valvonta`."""

    # --- The dialog's side ------------------------------------------------------------------------

    async def known_providers(self) -> list[KnownName]:
        return await self.store.known_names()

    async def submit(self, request: SubmitRequest) -> SubmitResult:
        reporter_id = await self.people.ensure_user(request.reporter)
        # The name is kept only because the team's card mentions the reporter.
        await self.people.set_display_name(reporter_id, request.reporter_name)
        provider_id = request.provider_id
        if provider_id is None:
            provider_id = await self.store.add_provider(request.new_provider, by=reporter_id)
        submitted = await self.store.submit(
            NewReport(
                submit_token=request.token,
                reporter_id=reporter_id,
                reporter_locale=request.locale,
                service_id=request.service_id,
                service_name=request.service_name,
                provider_id=provider_id,
                service_line=request.service_line,
                period_start=request.period_start,
                period_end=request.period_end,
                ratings=dict(request.ratings),
                concern_area=request.concern_area,
                concern_kind=request.concern_kind,
                free_text=request.free_text,
            )
        )
        if not submitted.created:
            return SubmitResult(submitted.report.id, False, None, "none")
        if request.campaign_id is not None and self._campaign_answered is not None:
            await self._campaign_answered(request.campaign_id, request.reporter.channel_user_id, submitted.report.id)
        delivery = await self._post(submitted.report)
        log_event(log, "feedback_submitted", report_id=submitted.report.id, case_id=submitted.case_id, delivery=delivery)
        return SubmitResult(submitted.report.id, True, submitted.case_id, delivery)

    async def _post(self, report: ReportView) -> str:
        team = await self.people.team(report.service_line)
        if team is None:
            return "no_team"
        address, lang = team
        card = await self._card(report, language_of(lang))
        reporter = await self.people.user(report.reporter_id)
        name = (reporter.display_name if reporter else None) or self._strings.get("feedback.card.unknown_person", language_of(lang))
        post = channel_post(
            card,
            self._strings,
            language_of(lang),
            service_name=report.service_name,
            reporter_id=reporter.channel_user_id if reporter else None,
            reporter_name=name,
        )
        outcome = await self._connector.send_to_conversation(address.service_url, address.conversation_id, _addressed(post, address))
        if not isinstance(outcome, Delivered):
            log_event(
                log, "feedback_post_failed", level=logging.WARNING, report_id=report.id, outcome=type(outcome).__name__, reason=getattr(outcome, "reason", "")
            )
            return "failed"
        await self.store.set_card(report.id, address.conversation_id, outcome.activity_id)
        return "posted"

    async def _card(self, report: ReportView, lang: str, notice: str | None = None) -> dict[str, Any]:
        reporter = await self.people.user(report.reporter_id)
        handler = await self.people.user(report.handler_id) if report.handler_id is not None else None
        card = report_card(
            report,
            self._strings,
            lang,
            reporter_name=(reporter.display_name if reporter else None) or self._strings.get("feedback.card.unknown_person", lang),
            handler_name=handler.display_name if handler else None,
            refresh_user_ids=await self.people.member_channel_ids(report.service_line),
        )
        if notice:
            # Only the one who clicked sees this (the invoke's answer); the channel's copy has none.
            card["body"].insert(0, {"type": "TextBlock", "text": notice, "wrap": True, "color": "Attention", "weight": "Bolder"})
        return card

    # --- Card actions ------------------------------------------------------------------------------

    async def on_invoke(self, context: TurnContext, given: DeskInput | None) -> AdaptiveCardInvokeResponse | None:
        """The answer to an `adaptiveCard/action` of a feedback card; None when the invoke
        is not ours."""
        if not isinstance(given, DeskPress):
            return None
        lang = language_of(context.activity.locale)
        if isinstance(given.action, CaseAction):
            card, text = await self._case_act(context, given.action, lang)
            return answer_of(card_invoke_response(card) if card is not None else message_invoke_response(text))
        if given.action is None:
            return answer_of(message_invoke_response(self._strings.get("feedback.refusal.bad_action", lang)))
        card, text = await self._act(context, given.action, lang)
        return answer_of(card_invoke_response(card) if card is not None else message_invoke_response(text))

    async def on_message(self, context: TurnContext, given: DeskInput | None) -> bool:
        """A Submit of a feedback card, or a desk command; False leaves the turn to the dialogs."""
        if given is None:
            return False
        lang = language_of(context.activity.locale)
        if isinstance(given, DeskCommand):
            await {"register": self._register, "grant": self._grant, "revoke": self._revoke, "cases": self._cases}[given.name](context, given, lang)
            return True
        if isinstance(given.action, CaseAction):
            _, text = await self._case_act(context, given.action, lang)
            await context.send_activity(text)
            return True
        if given.action is None:
            await context.send_activity(self._strings.get("feedback.refusal.bad_action", lang))
            return True
        _card, text = await self._act(context, given.action, lang, submit=True)
        await context.send_activity(text)
        return True

    async def _act(self, context: TurnContext, action: CardAction, lang: str, *, submit: bool = False) -> tuple[dict[str, Any] | None, str]:
        """(the card to answer an invoke with, the text for a Submit or a message answer)."""
        user_id = await self._user_id(context)
        try:
            report = await self.store.report(action.report_id)
        except ReportNotFound:
            return None, self._strings.get("feedback.refusal.not_found", lang)
        if action.verb == ANSWER_VERB:
            return await self._answer(context, report, user_id, action, lang, submit=submit)
        team_lang = await self._team_lang(report.service_line)
        if action.verb == REFRESH_VERB:
            return await self._card(report, team_lang), ""
        if not await self.people.is_member(user_id, report.service_line):
            log_event(log, "feedback_refused", level=logging.WARNING, user_id=user_id, report_id=report.id, verb=action.verb, reason="not_member")
            text = self._strings.get("feedback.refusal.not_allowed", lang, line=self._strings.get(f"feedback.line.{report.service_line}", lang))
            return await self._card(report, team_lang, notice=text), text
        sender = context.activity.from_property
        if sender is not None and sender.name:
            # Shown on the card as the handler ("Käsittelijä").
            await self.people.set_display_name(user_id, sender.name)
        acted = await self.store.act(report.id, action.verb, user_id, outcome=action.outcome, text=action.question)
        if not acted.done:
            log_event(log, "feedback_refused", user_id=user_id, report_id=report.id, verb=action.verb, reason=acted.refusal)
            text = self._refusal(acted, lang)
            return await self._card(acted.report, team_lang, notice=text), text
        log_event(log, "feedback_action", user_id=user_id, report_id=report.id, verb=action.verb, case_id=acted.case_id)
        card = await self._card(acted.report, team_lang)
        # The invoke's answer changes the card for the one who clicked; this PUT, for everyone.
        await self._replace_channel_card(acted.report, card)
        await self._tell_reporter(acted, action, context)
        return card, self._strings.get(f"feedback.done.{action.verb}", lang, id=report.id, case_id=acted.case_id)

    def _refusal(self, acted: Acted, lang: str) -> str:
        report = acted.report
        outcome = self._strings.get(f"feedback.outcome.{report.outcome}", lang) if report.outcome else ""
        return self._strings.get(f"feedback.refusal.{acted.refusal}", lang, id=report.id, outcome=outcome)

    async def _answer(
        self, context: TurnContext, report: ReportView, user_id: int, action: CardAction, lang: str, *, submit: bool
    ) -> tuple[dict[str, Any] | None, str]:
        acted = await self.store.attach_answer(report.id, user_id, action.answer)
        if not acted.done:
            key = {"closed": "answer_closed", "not_reporter": "answer_not_reporter", "empty": "answer_empty"}[acted.refusal]
            log_event(log, "feedback_refused", user_id=user_id, report_id=report.id, verb="answer", reason=acted.refusal)
            return None, self._strings.get(f"feedback.notify.{key}", lang, id=report.id)
        log_event(log, "feedback_action", user_id=user_id, report_id=report.id, verb="answer")
        team_lang = await self._team_lang(report.service_line)
        await self._replace_channel_card(acted.report, await self._card(acted.report, team_lang))
        thanks = answered_card(acted.report, self._strings, lang)
        if submit and context.activity.reply_to_id:
            await context.update_activity(_with_id(card_activity(thanks), context.activity.reply_to_id))
        return thanks, self._strings.get("feedback.notify.answer_thanks", lang, id=report.id)

    async def _replace_channel_card(self, report: ReportView, card: dict[str, Any]) -> None:
        if not report.card_conversation_id or not report.card_activity_id:
            return
        address = await self.people.address(report.card_conversation_id)
        if address is None:
            return
        outcome = await self._connector.update_activity(
            address.service_url, address.conversation_id, report.card_activity_id, _addressed(card_update(card, report.card_activity_id), address)
        )
        if not isinstance(outcome, Delivered):
            log_event(log, "feedback_card_update_failed", level=logging.WARNING, report_id=report.id, outcome=type(outcome).__name__)

    async def _tell_reporter(self, acted: Acted, action: CardAction, context: TurnContext) -> None:
        report = acted.report
        lang = language_of(report.reporter_locale)
        params = {"id": report.id, "service": report.service_name, "provider": report.provider_name}
        if action.verb == "take":
            message: Activity = Activity(type=ActivityTypes.message, text=self._strings.get("feedback.notify.taken", lang, **params))
        elif action.verb == "close":
            outcome = self._strings.get(f"feedback.outcome.{report.outcome}", lang)
            message = Activity(type=ActivityTypes.message, text=self._strings.get("feedback.notify.closed", lang, outcome=outcome, **params))
        elif action.verb == "ask":
            message = card_activity(ask_card(report, action.question, self._strings, lang))
        else:
            return
        outcome_ = await self._reach(report.reporter_id, message, context)
        if not isinstance(outcome_, Delivered):
            log_event(log, "feedback_reporter_unreachable", level=logging.WARNING, report_id=report.id, outcome=type(outcome_).__name__)

    async def _reach(self, user_id: int, message: Activity, context: TurnContext) -> Outcome | None:
        """Send to the user's 1:1 chat; create it first when the bot has none with them."""
        address = await self.people.personal_address(user_id)
        if address is not None:
            return await self._connector.send_to_conversation(address.service_url, address.conversation_id, _addressed(message, address))
        user = await self.people.user(user_id)
        here = address_of(context.activity)
        if user is None or not user.channel_user_id or here is None or not here.tenant_id:
            return None
        created = await self._connector.create_conversation(here.service_url, tenant_id=here.tenant_id, bot_id=here.bot_id, user_id=user.channel_user_id)
        if not isinstance(created, Delivered) or not created.conversation_id:
            return created
        personal = ConversationAddress(created.conversation_id, "personal", here.channel_id, here.service_url, here.bot_id, here.tenant_id)
        await self.people.remember(Identity(user.channel_user_id, user.aad_object_id), personal)
        return await self._connector.send_to_conversation(personal.service_url, personal.conversation_id, _addressed(message, personal))

    async def _team_lang(self, service_line: str) -> str:
        team = await self.people.team(service_line)
        return language_of(team[1]) if team else "fi"

    async def _user_id(self, context: TurnContext) -> int:
        known = context.turn_state.get(USER_ID_KEY)
        if isinstance(known, int):
            return known
        who = identity_of(context.activity) or Identity("")
        return await self.people.ensure_user(who)

    # --- Commands ----------------------------------------------------------------------------------

    async def _register(self, context: TurnContext, command: DeskCommand, lang: str) -> None:
        who = identity_of(context.activity)
        if who is None or not self.people.is_admin(who):
            await self._refuse_admin(context, "register", lang)
            return
        line = _line_of(command.rest)
        if line is None:
            await context.send_activity(self._strings.get("feedback.admin.register_usage", lang))
            return
        address = _channel_address(context.activity)
        if address is None:
            await context.send_activity(self._strings.get("feedback.admin.register_not_channel", lang))
            return
        user_id = await self._user_id(context)
        await self.people.register_team(line, address, by=user_id, locale=lang)
        log_event(log, "team_registered", user_id=user_id, service_line=line, conversation_id=address.conversation_id)
        await context.send_activity(self._strings.get("feedback.admin.registered", lang, line=self._strings.get(f"feedback.line.{line}", lang)))

    async def _grant(self, context: TurnContext, command: DeskCommand, lang: str) -> None:
        await self._change_role(context, command, lang, grant=True)

    async def _revoke(self, context: TurnContext, command: DeskCommand, lang: str) -> None:
        await self._change_role(context, command, lang, grant=False)

    async def _change_role(self, context: TurnContext, command: DeskCommand, lang: str, *, grant: bool) -> None:
        who = identity_of(context.activity)
        if who is None or not self.people.is_admin(who):
            await self._refuse_admin(context, "grant" if grant else "revoke", lang)
            return
        role, line = _role_of(command.rest)
        target = _target_of(command)
        if role is None or target is None or (role == "member" and line is None):
            await context.send_activity(self._strings.get("feedback.admin.role_usage", lang))
            return
        user = await self.people.find_user(target)
        if user is None and OBJECT_ID.fullmatch(target):
            user_id: int | None = await self.people.ensure_user(Identity(channel_user_id=AAD_PLACEHOLDER + target, aad_object_id=target))
        else:
            user_id = user.id if user else None
        if user_id is None:
            await context.send_activity(self._strings.get("feedback.admin.role_unknown_user", lang))
            return
        by = await self._user_id(context)
        service_line = line if role == "member" and line else NO_LINE
        changed = await (
            self.people.grant(user_id, role, service_line, by=by, source="command") if grant else self.people.revoke(user_id, role, service_line, by=by)
        )
        log_event(
            log,
            "role_changed" if changed else "role_unchanged",
            user_id=user_id,
            by=by,
            role=role,
            service_line=service_line,
            change="grant" if grant else "revoke",
        )
        key = ("role_granted" if changed else "role_already") if grant else ("role_revoked" if changed else "role_missing")
        line_text = f" ({self._strings.get(f'feedback.line.{service_line}', lang)})" if service_line else ""
        await context.send_activity(self._strings.get(f"feedback.admin.{key}", lang, role=self._strings.get(f"feedback.role.{role}", lang), line=line_text))

    async def _refuse_admin(self, context: TurnContext, command: str, lang: str) -> None:
        user_id = await self._user_id(context)
        log_event(log, "admin_refused", level=logging.WARNING, user_id=user_id, command=command)
        await context.send_activity(self._strings.get("feedback.admin.not_admin", lang))

    async def _cases(self, context: TurnContext, command: DeskCommand, lang: str) -> None:
        user_id = await self._user_id(context)
        card = await self._cases_card(context, user_id, lang)
        if card is None:
            log_event(log, "feedback_refused", level=logging.WARNING, user_id=user_id, verb="cases", reason="no_role")
            await context.send_activity(self._strings.get("feedback.valvonta.not_allowed", lang))
            return
        await context.send_activity(card_activity(card))

    async def _case_lines(self, context: TurnContext, user_id: int) -> frozenset[str]:
        """The service lines whose cases the user sees and moves: every line for admins and
        supervisors, their teams' lines for team members."""
        who = identity_of(context.activity)
        if (who is not None and self.people.is_admin(who)) or await self.people.is_supervisor(user_id):
            return frozenset(SERVICE_LINES)
        return await self.people.member_lines(user_id)

    async def _cases_card(self, context: TurnContext, user_id: int, lang: str, notice: str | None = None) -> dict[str, Any] | None:
        lines = await self._case_lines(context, user_id)
        if not lines:
            return None
        cases = await self.store.open_cases(sorted(lines))
        kb: KnowledgeBase = self._knowledge.snapshot.kb
        names = {service.id: service.name.get(lang) for service in kb.services}
        card = cases_card(cases, self._strings, lang, utc_now(), names)
        if notice:
            card["body"].insert(1, {"type": "TextBlock", "text": notice, "wrap": True, "color": "Attention", "weight": "Bolder"})
        return card

    async def _case_act(self, context: TurnContext, action: CaseAction, lang: str) -> tuple[dict[str, Any] | None, str]:
        """Move a supervision case; (the `valvonta` card now, the message)."""
        user_id = await self._user_id(context)
        try:
            case = await self.store.case(action.case_id)
        except LookupError:
            return None, self._strings.get("feedback.refusal.not_found", lang)
        if case.service_line not in await self._case_lines(context, user_id):
            log_event(log, "feedback_refused", level=logging.WARNING, user_id=user_id, case_id=case.id, verb="case", reason="not_member")
            return None, self._strings.get(
                "feedback.valvonta.case_not_allowed", lang, id=case.id, line=self._strings.get(f"feedback.line.{case.service_line}", lang)
            )
        done, refusal, now = await self.store.move_case(case.id, action.to, by=user_id, outcome=action.outcome)
        status = self._strings.get(f"feedback.case_status.{now.status}", lang)
        if done:
            log_event(log, "case_moved", user_id=user_id, case_id=case.id, to=action.to)
            text = self._strings.get("feedback.valvonta.moved", lang, id=case.id, status=status)
        else:
            log_event(log, "feedback_refused", user_id=user_id, case_id=case.id, verb="case", reason=refusal)
            reason = self._strings.get(f"feedback.valvonta.case_reason.{refusal}", lang)
            text = self._strings.get("feedback.valvonta.case_refused", lang, id=case.id, reason=reason, status=status)
        return await self._cases_card(context, user_id, lang, notice=text), text


def _with_id(activity: Activity, activity_id: str) -> Activity:
    activity.id = activity_id
    return activity


def _addressed(activity: Activity, address: ConversationAddress) -> Activity:
    """Give a proactive activity its conversation, as the connector expects it in the body."""
    activity.conversation = ConversationAccount(id=address.conversation_id, conversation_type=address.conversation_type, tenant_id=address.tenant_id)
    activity.service_url = address.service_url
    activity.channel_id = address.channel_id
    return activity


def _channel_address(activity: Activity) -> ConversationAddress | None:
    """The channel itself (not the thread the command was typed in): where new cards go."""
    address = address_of(activity)
    if address is None or address.conversation_type != "channel":
        return None
    data: Any = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    channel = data.get("channel") if isinstance(data.get("channel"), Mapping) else {}
    given = channel.get("id")
    channel_id = given if isinstance(given, str) and given else address.conversation_id.split(";", 1)[0]
    return ConversationAddress(channel_id, "channel", address.channel_id, address.service_url, address.bot_id, address.tenant_id, address.team_id)


def _line_of(words: str) -> str | None:
    flat = f" {normalize(words)} "
    for line, names in LINE_WORDS.items():
        if any(f" {normalize(name)} " in flat for name in names):
            return line
    return None


def _role_of(words: str) -> tuple[str | None, str | None]:
    flat = f" {normalize(words)} "
    role = next((r for r, names in ROLE_WORDS.items() if any(f" {normalize(n)} " in flat for n in names)), None)
    return role, _line_of(words)


def _target_of(command: DeskCommand) -> str | None:
    """The user a role command names: a mention other than the bot's, or an Entra object id."""
    return command.mentioned[0] if command.mentioned else command.object_id
