"""`palveluopas qna eval`: every evaluation question as the first message of a new conversation.

The real app (`create_app`) runs in this process on a loopback aiohttp server with a fresh,
migrated SQLite database in a temporary folder; each question is POSTed to /api/messages with
`deliveryMode: expectReplies` under a new conversation id, as in a new Teams chat or channel
thread. What the worker would see is read back from the replies:

- the answer shown: the record of the answer card's feedback button (its value is the record);
- the offers: "did you mean", choice or nearest-topic buttons (their values are records); a
  choice has "none of these", the nearest topics under "no answer" do not (band `nearest`);
- a case description: the service finder button and the finder answers its payload carries;
- the text: activity text and every card text, title and button title, for the item's regexes.

Top-1 counts a question whose *shown answer* is right; top-3 one whose right record is shown or
offered; confident-and-wrong an answer shown alone (no offers) that is wrong, out-of-scope
questions included.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from aiohttp.test_utils import TestClient, TestServer

from bot.service.app import create_app
from bot.service.settings import Settings
from bot.store.migrations import upgrade
from bot.ui.cards.payload import PAYLOAD_KEY
from bot.ui.protocol import Action, DialogId
from domain.qna.evaluate import DEV, HELD_OUT, EvalQuestion

LOCALES: Final = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-US"}


@dataclass
class Seen:
    """What one reply showed."""

    shown: str | None = None
    offers: list[str] = field(default_factory=list)
    finder: dict[str, str] | None = None
    text: str = ""
    none_of_these: bool = False
    """The offers are a choice (with "none of these"), not the nearest topics under "no answer"."""

    @property
    def band(self) -> str:
        if self.finder is not None:
            return "case"
        if self.shown and self.offers:
            return "likely"
        if self.shown:
            return "confident"
        if self.offers:
            return "unsure" if self.none_of_these else "nearest"
        return "none"


@dataclass
class HttpOutcome:
    question: EvalQuestion
    seen: Seen

    def _right(self, ref: str | None) -> bool:
        return ref is not None and ref in self.question.expected

    @property
    def top1(self) -> bool:
        if self.question.kind == "case":
            return self.case_ok
        return self._right(self.seen.shown)

    @property
    def top3(self) -> bool:
        if self.question.kind == "case":
            return self.case_ok
        return self.top1 or any(self._right(r) for r in self.seen.offers[:3])

    @property
    def confident_wrong(self) -> bool:
        return self.seen.band == "confident" and not self._right(self.seen.shown)

    @property
    def case_ok(self) -> bool:
        """The prefilled finder offered, with the right age band: one of the bands the item
        lists, when it lists several for one question (two children, "6v ja 8v": either
        child's band is right)."""
        finder = self.seen.finder
        if finder is None:
            return False
        wanted: dict[str, set[str]] = {}
        for item in self.question.finder:
            if item.startswith("ika."):
                question, option = item.split(".", 1)
                wanted.setdefault(question, set()).add(option)
        return all(finder.get(q) in options for q, options in wanted.items())

    @property
    def facts_ok(self) -> bool:
        return all(re.search(rx, self.seen.text, re.IGNORECASE) for rx in self.question.expect)


def _walk(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for key in ("text", "title"):
            if isinstance(node.get(key), str):
                out.append(node[key])
        for value in node.values():
            if isinstance(value, dict | list):
                _walk(value, out)
    elif isinstance(node, list):
        for value in node:
            _walk(value, out)


def _actions(node: Any) -> Iterable[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit" and isinstance(node.get("data"), dict):
            yield node["data"]
        for value in node.values():
            yield from _actions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _actions(value)


def read_replies(activities: Sequence[dict[str, Any]]) -> Seen:
    seen = Seen()
    texts: list[str] = []
    for act in activities:
        if isinstance(act.get("text"), str):
            texts.append(act["text"])
        for attachment in act.get("attachments") or ():
            content = attachment.get("content")
            _walk(content, texts)
            for data in _actions(content):
                pv = data.get(PAYLOAD_KEY) or {}
                if pv.get("action") == Action.HELPFUL and seen.shown is None:
                    seen.shown = str(pv.get("value"))
                elif pv.get("action") == Action.NONE_OF_THESE:
                    seen.none_of_these = True
                elif pv.get("action") == Action.PICK and pv.get("value"):
                    seen.offers.append(str(pv["value"]))
                elif pv.get("action") == Action.START and pv.get("value") == DialogId.FINDER and isinstance(data.get("finder"), str):
                    seen.finder = dict(pair.split("=", 1) for pair in data["finder"].split(";") if pair.count("=") == 1)
        for action in (act.get("suggestedActions") or {}).get("actions") or ():
            if isinstance(action.get("title"), str):
                texts.append(action["title"])
    seen.text = "\n".join(texts)
    return seen


async def ask_all(questions: Sequence[EvalQuestion], knowledge_root: Path | None = None) -> list[HttpOutcome]:
    """Every question as the first message of its own conversation, through the real app."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'eval.db'}"
        await upgrade(url)
        settings = Settings(database_url=url, knowledge_root=knowledge_root) if knowledge_root else Settings(database_url=url)
        async with TestClient(TestServer(create_app(settings))) as client:
            out: list[HttpOutcome] = []
            for q in questions:
                body = {
                    "type": "message",
                    "id": f"eval-{uuid.uuid4().hex[:8]}",
                    "channelId": "emulator",
                    "serviceUrl": "http://127.0.0.1:9/unused",
                    "conversation": {"id": f"eval-{uuid.uuid4().hex}"},
                    "from": {"id": "eval-user", "name": "Arvioija"},
                    "recipient": {"id": "palveluopas", "name": "Palveluopas"},
                    "locale": LOCALES.get(q.lang, "fi-FI"),
                    "text": q.text,
                    "deliveryMode": "expectReplies",
                }
                response = await client.post("/api/messages", json=body)
                activities = (await response.json()).get("activities", []) if response.status == 200 else []
                out.append(HttpOutcome(q, read_replies(activities)))
            return out


def _line(name: str, group: Sequence[HttpOutcome]) -> str:
    scoped = [o for o in group if o.question.kind != "out"]
    n = max(len(scoped), 1)
    shown_alone = [o for o in group if o.seen.band == "confident"]
    wrong = sum(o.confident_wrong for o in shown_alone)
    return (
        f"  {name}: n={len(scoped)} top-1 {sum(o.top1 for o in scoped) / n:.1%} top-3 {sum(o.top3 for o in scoped) / n:.1%} "
        f"facts {sum(o.facts_ok for o in scoped) / n:.1%} confident-wrong {wrong}/{len(shown_alone)}"
        + (f" ({wrong / len(shown_alone):.1%})" if shown_alone else "")
    )


def format_http_report(outcomes: Sequence[HttpOutcome], misses: bool = False) -> str:
    lines = ["first message of a new conversation, through the app (top-1 = the answer shown is right):"]
    for part in (DEV, HELD_OUT):
        group = [o for o in outcomes if o.question.part == part]
        if not group:
            continue
        lines.append(f"{part}:")
        lines.append(_line("all", group))
        for key, label in (("lang", "by language"), ("doc", "by document"), ("kind", "by kind")):
            buckets: dict[str, list[HttpOutcome]] = defaultdict(list)
            for o in group:
                buckets[str(getattr(o.question, key))].append(o)
            lines.append(f" {label}:")
            lines += [_line(k, v) for k, v in sorted(buckets.items())]
        bands: dict[str, int] = defaultdict(int)
        for o in group:
            bands[o.seen.band] += 1
        lines.append(" shown: " + ", ".join(f"{k} {v}" for k, v in sorted(bands.items())))
    if misses:
        lines.append("misses on the tuning part (held-out misses are not printed: nobody tunes on them):")
        lines += [
            f"  {o.question.id} [{o.question.kind}] {o.question.text[:70]} -> {o.seen.band} {o.seen.shown} {o.seen.offers[:2]}"
            for o in outcomes
            if o.question.part == DEV and o.question.kind != "out" and not o.top1
        ]
    return "\n".join(lines)
