"""When to try a proactive message again: exponential backoff with jitter, never before
the server's `Retry-After`.

Plain Python; the delivery engine (`bot/service/outbox.py`) applies it to HTTP outcomes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

DEFAULT_BASE_SECONDS: Final = 1.0
DEFAULT_CAP_SECONDS: Final = 120.0
DEFAULT_MAX_ATTEMPTS: Final = 6


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = DEFAULT_BASE_SECONDS
    cap_seconds: float = DEFAULT_CAP_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    """Attempts in all, the first included; after the last a retryable outcome is a failure."""

    def delay(self, attempt: int, retry_after: float | None, uniform: Callable[[float, float], float] = random.uniform) -> float:
        """Seconds to wait after failed attempt number `attempt` (1 for the first).

        "Equal jitter": half the exponential step fixed, half random, so retries of many
        messages throttled at once spread out instead of coming back together. A
        `Retry-After` is a floor, never shortened by the jitter.
        """
        step = min(self.cap_seconds, self.base_seconds * float(2 ** max(0, attempt - 1)))
        backoff = step / 2 + uniform(0.0, step / 2)
        return max(backoff, retry_after or 0.0)

    def exhausted(self, attempt: int) -> bool:
        return attempt >= self.max_attempts
