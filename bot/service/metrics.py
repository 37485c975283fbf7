"""Every Prometheus metric of the bot, in one place, with a small API to count with.

`create_app` makes one `Metrics` per app, on a registry of its own (tests build many apps
in one process; the global registry would refuse the second). `GET /metrics` renders it in
the Prometheus text format. Labels carry kinds and outcomes, never ids or text: a label
value per conversation would grow without bound, and what a worker typed never leaves the
turn.

Who counts what:

* turns: `TurnLogMiddleware`, one per activity, with its outcome and latency;
* dialog starts and completions: the dialog engine (`dialogs/engine.py`) reports them in
  `TurnResult.events` (a dialog called; a step marked `completes` reached), and steps add
  their own with `turn.count(event, label)`, e.g. the Q&A its confidence band; the handler
  passes each to `observe` once the turn's state is saved;
* feedback reports: a dialog step calls `turn.count("feedback_reported", outcome)`; the report
  is written by then, so it is counted even when the turn's own state then fails to save
  (`DONE_ALREADY`);
* campaign sends and the send queue's depth happen outside turns: the sender calls
  `campaign_sent(outcome)` and `set_campaign_queue_depth(n)` on the app's `Metrics`
  (`app[METRICS]`).

Counters are per process; with several replicas Prometheus sums them over the instances it
scrapes (`sum by (outcome) (rate(palveluopas_turns_total[5m]))`).
"""

from __future__ import annotations

import logging
from typing import Final

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain.logs import log_event

log = logging.getLogger(__name__)

DONE_ALREADY: Final = frozenset({"feedback_reported"})
"""Events that record something a step already did to the world (a report written and
posted): true whether or not the turn's state is saved afterwards."""

CONTENT_TYPE: Final = CONTENT_TYPE_LATEST
TURN_SECONDS_BUCKETS: Final = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Teams shows a turn as slow past about a second and gives up at 15 s."""
ACTIVITY_KINDS: Final = frozenset({"message", "card_submit", "conversation_update", "installation_update", "invoke", "other"})


def activity_kind(activity_type: str | None, has_value: bool, has_text: bool) -> str:
    """A bounded label for an activity: a card button press is told apart from typed text."""
    if activity_type == "message":
        return "card_submit" if has_value and not has_text else "message"
    kind = {"conversationUpdate": "conversation_update", "installationUpdate": "installation_update", "invoke": "invoke"}.get(activity_type or "")
    return kind or "other"


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self._turns = Counter("palveluopas_turns", "Turns by outcome (ok, error) and activity kind.", ["outcome", "kind"], registry=r)
        self._turn_seconds = Histogram(
            "palveluopas_turn_duration_seconds", "Time to handle one turn, replies included.", ["kind"], buckets=TURN_SECONDS_BUCKETS, registry=r
        )
        self._dialog_starts = Counter("palveluopas_dialog_starts", "Guided dialogs begun, by dialog.", ["dialog"], registry=r)
        self._dialog_completions = Counter(
            "palveluopas_dialog_completions",
            "Guided dialogs that ended by their own step (not cancelled, not left for a new message), by dialog.",
            ["dialog"],
            registry=r,
        )
        self._qna_answers = Counter(
            "palveluopas_qna_answers", "Q&A questions by the matcher's confidence band (confident, likely, unsure, nearest, none).", ["band"], registry=r
        )
        self._feedback_reports = Counter("palveluopas_feedback_reports", "Service feedback reports saved, by outcome.", ["outcome"], registry=r)
        self._campaign_sends = Counter(
            "palveluopas_campaign_sends", "Campaign messages sent, by outcome (sent, failed, retried, ...).", ["outcome"], registry=r
        )
        self._campaign_queue_depth = Gauge(
            "palveluopas_campaign_queue_depth", "Campaign messages waiting to be sent, as last seen by this process.", registry=r
        )

    # --- what features call --------------------------------------------------------------

    def turn(self, kind: str, outcome: str, seconds: float) -> None:
        self._turns.labels(outcome=outcome, kind=kind).inc()
        self._turn_seconds.labels(kind=kind).observe(seconds)

    def dialog_started(self, dialog: str) -> None:
        self._dialog_starts.labels(dialog=dialog).inc()

    def dialog_completed(self, dialog: str) -> None:
        self._dialog_completions.labels(dialog=dialog).inc()

    def qna_answered(self, band: str) -> None:
        self._qna_answers.labels(band=band).inc()

    def feedback_reported(self, outcome: str = "saved") -> None:
        self._feedback_reports.labels(outcome=outcome).inc()

    def campaign_sent(self, outcome: str) -> None:
        self._campaign_sends.labels(outcome=outcome).inc()

    def set_campaign_queue_depth(self, depth: int) -> None:
        self._campaign_queue_depth.set(depth)

    def observe(self, event: str, label: str) -> None:
        """An event a turn reported (`TurnResult.events`), by name."""
        counted = {
            "dialog_started": self.dialog_started,
            "dialog_completed": self.dialog_completed,
            "qna_answered": self.qna_answered,
            "feedback_reported": self.feedback_reported,
        }.get(event)
        if counted is None:
            # A misspelt event name must not fail the worker's turn; the log says which.
            log_event(log, "metrics_unknown_event", level=logging.WARNING, metric_event=event)
            return
        counted(label)

    # --- exposition ------------------------------------------------------------------------

    def render(self) -> bytes:
        return generate_latest(self.registry)
