"""Retry delays: exponential with jitter, never shorter than Retry-After."""

from __future__ import annotations

from domain.delivery import RetryPolicy


def test_the_delay_doubles_per_attempt_within_its_jitter_band() -> None:
    policy = RetryPolicy(base_seconds=1.0, cap_seconds=60.0)

    lowest = [policy.delay(n, None, uniform=lambda a, b: a) for n in (1, 2, 3)]
    highest = [policy.delay(n, None, uniform=lambda a, b: b) for n in (1, 2, 3)]

    assert lowest == [0.5, 1.0, 2.0]
    assert highest == [1.0, 2.0, 4.0]


def test_retry_after_is_a_floor_and_the_cap_holds() -> None:
    policy = RetryPolicy(base_seconds=1.0, cap_seconds=8.0)

    assert policy.delay(1, 30.0, uniform=lambda a, b: b) == 30.0
    assert policy.delay(10, None, uniform=lambda a, b: b) == 8.0


def test_attempts_run_out() -> None:
    policy = RetryPolicy(max_attempts=3)

    assert [policy.exhausted(n) for n in (1, 2, 3)] == [False, False, True]
