"""Fixtures for the service layer's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.channel import LoopbackChannel


@pytest.fixture
async def channel() -> AsyncIterator[LoopbackChannel]:
    """A Bot Connector service on loopback, answering at once until told otherwise."""
    channel = await LoopbackChannel().start()
    yield channel
    await channel.close()
