"""Tasks given up on are cancelled until they have unwound, within a bound."""

from __future__ import annotations

import asyncio

from bot.service.unwinding import Unwinding


async def _cleans_up_then_waits_again() -> None:
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        await asyncio.sleep(30)
        raise


async def test_a_task_that_takes_one_cancellation_to_clean_up_is_ended_by_the_drain() -> None:
    unwinding = Unwinding()
    task = asyncio.ensure_future(_cleans_up_then_waits_again())
    await asyncio.sleep(0)
    unwinding.leave(task)

    left = await unwinding.drain(within=2)

    assert left == 0 and task.cancelled() and len(unwinding) == 0


async def test_the_drain_gives_up_after_its_bound_and_says_how_many_are_left() -> None:
    release = asyncio.Event()

    async def refuses_to_stop() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                continue

    unwinding = Unwinding()
    task = asyncio.ensure_future(refuses_to_stop())
    await asyncio.sleep(0)
    unwinding.leave(task)
    loop = asyncio.get_running_loop()
    started = loop.time()

    left = await unwinding.drain(within=0.5)

    assert left == 1 and 0.5 <= loop.time() - started < 1.5
    release.set()
    await asyncio.wait({task}, timeout=1)
    assert task.done() and len(unwinding) == 0


async def test_a_task_that_ends_on_its_own_is_no_longer_held() -> None:
    unwinding = Unwinding()
    finished: list[bool] = []
    task = asyncio.ensure_future(asyncio.sleep(0))
    unwinding.leave(task, lambda done: finished.append(done.cancelled()))

    assert await unwinding.drain(within=1) == 0
    assert finished == [True]
