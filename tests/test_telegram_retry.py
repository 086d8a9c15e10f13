"""Telegram answering 429 (retry_after) or 5xx: the reply is retried, never lost, never doubled."""

from __future__ import annotations

from typing import Any

import pytest
from botapi import FakeBotApi
from losen.bot.retry import RetryingRateLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram_harness import Instance, exactly, polling


async def test_flood_control_429_is_waited_out(api: FakeBotApi, database_url: str) -> None:
    instance = Instance.open(database_url)
    api.fail_next("sendMessage", 1, status=429, retry_after=1)
    try:
        async with polling(instance.application(api, rate_limit=True)):
            api.push_text(71, "trenger mat på Tøyen")
            api.push_text(72, "hei")
            assert "oslo-toyen-mat" in (await exactly(api, 71, 1))[0]
            await exactly(api, 72, 1)
    finally:
        instance.engine.dispose()
    assert api.failed == [("sendMessage", 429)]


async def test_server_errors_are_retried(api: FakeBotApi, database_url: str) -> None:
    instance = Instance.open(database_url)
    api.fail_next("sendMessage", 1, status=500)
    api.fail_next("sendMessage", 1, status=502)
    try:
        async with polling(instance.application(api, rate_limit=True)):
            api.push_text(73, "trenger mat")
            assert "Hvor bor du" in (await exactly(api, 73, 1))[0]
            api.push_text(73, "Tøyen")  # the conversation goes on as if nothing happened
            assert "oslo-toyen-mat" in (await exactly(api, 73, 2))[1]
    finally:
        instance.engine.dispose()
    assert api.failed == [("sendMessage", 500), ("sendMessage", 502)]


class Flaky:
    """A request that fails with the given errors first, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": 1}


async def _send(limiter: RetryingRateLimiter, request: Flaky) -> object:
    await limiter.initialize()
    try:
        return await limiter.process_request(request, (), {}, "sendMessage", {"chat_id": 1},
                                             None)
    finally:
        await limiter.shutdown()


async def test_what_is_retried_and_what_is_not() -> None:
    limiter = RetryingRateLimiter(max_retries=2, network_retries=2, backoff=0)
    request = Flaky(NetworkError("Bad Gateway"), RetryAfter(0), NetworkError("Internal"))
    assert await _send(limiter, request) == {"message_id": 1}
    assert request.calls == 4
    # A timeout may have reached Telegram: sending again could double the reply.
    for error in (TimedOut("read"), BadRequest("Message is too long")):
        request = Flaky(error)
        with pytest.raises(type(error)):
            await _send(limiter, request)
        assert request.calls == 1
    request = Flaky(*[NetworkError("Bad Gateway")] * 3)
    with pytest.raises(NetworkError):
        await _send(limiter, request)
    assert request.calls == 3
