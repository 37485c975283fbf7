"""Property-based fuzzing of /api/messages over HTTP: whatever arrives, the answer is 2xx or
4xx, never 5xx, and the bot keeps answering.

The activities come from `tests.support.fuzz` (the Bot Framework activity schema, with wrong
types, hostile text and card submits built from the bot's own buttons). The default suite
runs a short version; the long one (`slow`, at least 10,000 activities) runs in CI
(`.ci/run`). `FUZZ_EXAMPLES` overrides the count of either.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.crawl import harvest_buttons
from tests.support.fuzz import activities
from tests.support.http import activity
from tests.support.live import LiveBot
from tests.support.replies import texts

SHORT_RUN = 300
LONG_RUN = 10_000


@pytest.fixture
def live_bot(settings: Settings, knowledge: KnowledgeProvider) -> Iterator[LiveBot]:
    with LiveBot(settings, knowledge) as bot:
        yield bot


def _fuzz(bot: LiveBot, examples: int) -> Counter[int]:
    buttons = harvest_buttons(bot)
    assert len(buttons) >= 5, "the harvest found too few buttons to fuzz card submits with"
    statuses: Counter[int] = Counter()

    @hypothesis_settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    @given(activities(buttons))
    def answers_without_5xx(body: dict[str, Any]) -> None:
        status, _ = bot.post(body)
        statuses[status] += 1
        assert status < 500, f"{status} for {body!r}"[:2000]

    started = time.perf_counter()
    answers_without_5xx()
    elapsed = time.perf_counter() - started

    status, body = bot.post(activity(text="apu", conversation_id="after-the-fuzz"))
    assert status == 200 and texts(body["activities"]), "the bot no longer answers"
    total = sum(statuses.values())
    print(f"\nfuzz: {total} activities in {elapsed:.1f} s ({total / elapsed:.0f}/s), statuses {dict(sorted(statuses.items()))}")
    assert total >= examples * 0.95, f"only {total} activities were sent"
    return statuses


def _examples(default: int) -> int:
    return int(os.environ.get("FUZZ_EXAMPLES", default))


def test_fuzzed_activities_get_no_5xx_and_the_bot_keeps_answering(live_bot: LiveBot) -> None:
    statuses = _fuzz(live_bot, _examples(SHORT_RUN))

    assert statuses[200] > 0 and sum(n for s, n in statuses.items() if 400 <= s < 500) > 0, "the fuzz should reach both turns and rejections"


@pytest.mark.slow
def test_ten_thousand_fuzzed_activities_get_no_5xx(live_bot: LiveBot) -> None:
    _fuzz(live_bot, _examples(LONG_RUN))
