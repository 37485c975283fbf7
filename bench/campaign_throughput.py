"""Campaign throughput: 2,000 prompts through the app's own outbox worker to a loopback
stand-in for the Bot Connector that throttles a tenth of requests and times out on a hundredth.

Run: `.venv/bin/python bench/campaign_throughput.py` (about 100 s at the default 20 messages/s;
`--recipients`, `--rate`, `--database-url postgresql+asyncpg://...` to vary it).

What it does:

- migrates a fresh database (a temporary SQLite file unless `--database-url` is given);
- starts the real app (`create_app`, the worker starts with it) with `CAMPAIGN_RATE` = `--rate`
  and a 2 s connector timeout, and a `ScriptedChannel` on loopback that answers request number
  n with 429 + `Retry-After: 1` when n % 10 == 0, holds the answer for 2.5 s (the bot times
  out: the message *was* received, the outcome is unknown) when n % 100 == 55, else 201;
- creates one campaign to N recipients and measures from then until every prompt is final;
- prints the time against the ideal (N / rate) and checks, per recipient, that the stand-in
  accepted exactly one prompt (sent or unknown) or the failure is recorded, never two.

Target: time <= 1.1 x ideal. Exit status 1 when a recipient got two prompts or none without
a recorded outcome; the time is reported, not asserted (machines vary).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web
from sqlalchemy import func, select

from bot.service.app import create_app
from bot.service.campaign_keys import OUTBOX
from bot.service.outbox import SystemClock
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore, NewCampaign, NewRecipient
from bot.store.campaigns import OutboxMessage
from bot.store.db import create_engine, create_sessionmaker
from bot.store.migrations import upgrade
from domain.campaign import PENDING_STATES
from tests.support.scripted_channel import Reply, ScriptedChannel

KB_ROOT = Path(__file__).resolve().parents[1] / "tests" / "support" / "kb"
THROTTLED = Reply(429, "Throttled", retry_after="1")
TIMEOUT = Reply(delay=2.5)


class Tally:
    """What the stand-in answered, per conversation: the ground truth of what arrived."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()
        self.throttled = 0
        self.timed_out = 0

    def decide(self, number: int, key: str) -> Reply | None:
        if number % 10 == 0:
            self.throttled += 1
            return THROTTLED
        self.accepted[key] += 1
        if number % 100 == 55:
            self.timed_out += 1
            return TIMEOUT
        return None


async def run(recipients: int, rate: float, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade(url)
        tally = Tally()
        channel = await ScriptedChannel(decide=tally.decide).start()
        settings = Settings(database_url=url, knowledge_root=KB_ROOT, campaign_rate=rate, connector_timeout=2.0, campaign_in_flight=64, log_level="WARNING")
        runner = web.AppRunner(create_app(settings))
        await runner.setup()
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        try:
            people = [NewRecipient(user_id=f"29:worker-{n}", conversation_id=f"personal:29:worker-{n}", locale="fi-FI") for n in range(recipients)]
            now = SystemClock().now()
            spec = NewCampaign(
                created_by="29:supervisor", tenant_id="tenant", service_url=channel.service_url, bot_id="palveluopas", locale="fi-FI",
                send_at=now, due_at=now.replace(year=now.year + 1), reminder_at=None, service_id="testipalvelu", provider_name="Perhepalvelu Oy",
            )  # fmt: skip
            started = time.monotonic()
            campaign_id = await CampaignStore(sessionmaker).create(spec, people, now)
            runner.app[OUTBOX].wake()
            while await _pending(sessionmaker, campaign_id):  # noqa: ASYNC110 (polls the database)
                await asyncio.sleep(0.2)
            taken = time.monotonic() - started
            states = await _states(sessionmaker, campaign_id)
        finally:
            await runner.cleanup()
            await channel.close()
            await engine.dispose()
    ideal = recipients / rate
    duplicates = [key for key, count in tally.accepted.items() if count > 1]
    missing = recipients - sum(states.values())
    print(f"recipients            {recipients}")
    print(f"rate                  {rate:g} messages/s (ceiling {rate * 1.5:g} requests/s)")
    print(f"requests              {channel.requests} ({tally.throttled} answered 429, {tally.timed_out} timed out)")
    print("outcomes              " + ", ".join(f"{state} {count}" for state, count in sorted(states.items())))
    print(f"time                  {taken:.1f} s")
    print(f"ideal                 {ideal:.1f} s")
    print(f"ratio                 {taken / ideal:.3f} (target <= 1.1)")
    print(f"recipients with two   {len(duplicates)}")
    print(f"without an outcome    {missing}")
    ok = not duplicates and missing == 0 and len(tally.accepted) + states.get("failed", 0) == recipients
    print("exactly one prompt or a recorded failure each: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


async def _pending(sessionmaker, campaign_id: int) -> int:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        query = select(func.count()).where(OutboxMessage.campaign_id == campaign_id, OutboxMessage.state.in_([s.value for s in PENDING_STATES]))
        return int((await session.execute(query)).scalar_one())


async def _states(sessionmaker, campaign_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        rows = (
            await session.execute(select(OutboxMessage.state, func.count()).where(OutboxMessage.campaign_id == campaign_id).group_by(OutboxMessage.state))
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    return asyncio.run(run(args.recipients, args.rate, args.database_url))


if __name__ == "__main__":
    sys.exit(main())
