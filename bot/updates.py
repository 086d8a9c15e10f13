"""Many conversations at once, each one in order.

python-telegram-bot handles updates one after another by default, so one slow send holds up
everyone; with plain ``concurrent_updates`` two messages from one person can be answered out of
order ("trenger mat" … "Tøyen" answered before the question). This processor runs different
chats side by side and the updates of one chat strictly in the order they came.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT_UPDATES = 64
"""Updates handled at once; one person sending many messages fast holds at most as many
slots as messages, each waiting its turn."""


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs inside python-telegram-bot's slot for concurrent updates (its
        ``process_update`` is final): wait for this chat's earlier updates, then handle."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, waiting = self._chats.get(chat.id, (asyncio.Lock(), 0))
        self._chats[chat.id] = (lock, waiting + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, waiting = self._chats[chat.id]
            if waiting <= 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made as chats arrive."""

    async def shutdown(self) -> None:
        """Nothing to release."""
