"""Every call to Telegram is retried when Telegram asks to wait (429) or fails on its side (5xx).

What python-telegram-bot 22 does by itself: a 429 with ``retry_after`` becomes ``RetryAfter``,
which ``AIORateLimiter`` retries only when given ``max_retries`` (its default is 0, no retry).
A 5xx answer or a refused connection becomes a plain ``NetworkError`` that nothing retries for
``sendMessage`` and friends (only the polling loop retries ``getUpdates``). So without this a
reply is lost whenever Telegram hiccups.

Not retried: ``TimedOut`` (the request may have reached Telegram, and sending it again could
show the person the same reply twice) and ``BadRequest`` (sending it again cannot help).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger("losen.telegram")

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` (Telegram's flood limits, ``RetryAfter`` retried ``max_retries``
    times) that also retries server errors ``network_retries`` times with growing pauses."""

    def __init__(self, max_retries: int = 3, network_retries: int = 3, backoff: float = 0.5
                 ) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        async def patient(*a: Any, **kw: Any) -> Result:
            for attempt in range(self.network_retries + 1):
                try:
                    return await callback(*a, **kw)
                except (TimedOut, BadRequest):
                    raise
                except NetworkError as exc:
                    if attempt == self.network_retries:
                        raise
                    pause = self.backoff * 2**attempt
                    # The endpoint and error only: the request data holds what is sent.
                    log.warning("%s failed (%s); retrying in %.1f s", endpoint,
                                type(exc).__name__, pause)
                    await asyncio.sleep(pause)
            raise AssertionError("unreachable")

        return await super().process_request(patient, args, kwargs, endpoint, data,
                                             rate_limit_args)
