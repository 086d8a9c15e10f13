"""Running real python-telegram-bot applications against the Bot API server on 127.0.0.1.

An :class:`Instance` is what one process of the bot holds: its own engine, dialogue, state
store and message-id store over a shared database. Instances run polling (``polling``) or
behind the real webhook server on uvicorn (``webhook``), as ``losen run`` does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from botapi import FakeBotApi, _free_port
from catalogue_fixture import OFFERS, index
from losen.bot.dbstate import DatabaseStateStore
from losen.bot.desk import Desk
from losen.bot.dialogue import Dialogue
from losen.bot.message_ids import MessageIds
from losen.bot.refresh import CatalogueRefresher, live_dialogue
from losen.bot.telegram import build_application
from losen.bot.webhook import SECRET_HEADER, WebhookSettings, serve_webhook, webhook_server
from losen.catalogue.db import open_database, take_turns
from losen.catalogue.records import Offer
from losen.catalogue.reports import OfferReports
from losen.catalogue.store import bump_revision, count_offers, save_offers
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application

TOKEN = "123:TEST"
SECRET = "a-Secret_for-tests-only"


@dataclass
class Instance:
    engine: Engine
    sessions: sessionmaker[Session]
    dialogue: Dialogue
    message_ids: MessageIds
    desk: Desk | None = None
    refresher: CatalogueRefresher | None = None

    @classmethod
    def open(cls, url: str) -> Instance:
        """New process objects on ``url``: nothing shared with other instances but the data."""
        engine, sessions = open_database(url)
        return cls(engine, sessions, Dialogue(index(), DatabaseStateStore(sessions),
                                              record_report=OfferReports(sessions).record),
                   MessageIds(sessions))

    @classmethod
    def live(cls, url: str, offers: list[Offer] | None = None) -> Instance:
        """As ``losen run`` builds it: the catalogue read from the database (seeded with the
        fixture's offers when empty), reloaded after edits, and the volunteers' desk."""
        engine, sessions = open_database(url)
        with sessions.begin() as session:
            take_turns(session, 1)
            if not count_offers(session):
                save_offers(session, offers if offers is not None else OFFERS)
                bump_revision(session)
        dialogue, refresher = live_dialogue(sessions, DatabaseStateStore(sessions))
        return cls(engine, sessions, dialogue, MessageIds(sessions),
                   Desk(sessions, on_change=refresher.refresh), refresher)

    def application(self, api: FakeBotApi, rate_limit: bool = False, polling: bool = True
                    ) -> Application:
        return build_application(TOKEN, self.dialogue, base_url=api.base_url,
                                 rate_limit=rate_limit, message_ids=self.message_ids,
                                 polling=polling, desk=self.desk, refresher=self.refresher,
                                 base_file_url=getattr(api, "base_file_url", None))


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:
    """As ``run_polling`` does: initialise, ``post_init`` (the command menus), start."""
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


@dataclass
class Webhook:
    url: str
    settings: WebhookSettings
    client: httpx.AsyncClient

    async def post(self, update: dict[str, Any] | bytes, secret: str | bytes | None = SECRET
                   ) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if isinstance(update, bytes):
            return await self.client.post(self.url, content=update,
                                          headers={**headers, "content-type": "application/json"})
        return await self.client.post(self.url, json=update, headers=headers)

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(f"http://127.0.0.1:{self.settings.port}{path}")


@asynccontextmanager
async def webhook(application: Application, engine: Engine, path: str = "/telegram/hook"
                  ) -> AsyncIterator[Webhook]:
    """``application`` served as ``losen run`` does with LOSEN_WEBHOOK_URL, on a free port."""
    port = _free_port()
    settings = WebhookSettings(f"http://127.0.0.1:{port}{path}", SECRET, "127.0.0.1", port)
    server = webhook_server(application, settings, engine)
    task = asyncio.create_task(serve_webhook(application, settings, server))
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, "webhook server did not start"
        await asyncio.sleep(0.01)
    try:
        # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so a request is
        # never sent on a connection the server is closing.
        limits = httpx.Limits(max_connections=100, keepalive_expiry=2.0)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            yield Webhook(settings.url, settings, client)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def replies(api: FakeBotApi, chat_id: int, count: int, seconds: float = 10) -> list[str]:
    """The texts sent to ``chat_id`` once there are at least ``count``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        texts = api.texts_to(chat_id)
        if len(texts) >= count:
            return texts
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} replies to chat {chat_id}, got {api.sent}")


async def exactly(api: FakeBotApi, chat_id: int, count: int, settle: float = 0.3) -> list[str]:
    """The texts sent to ``chat_id``, asserting that no more than ``count`` arrive."""
    texts = await replies(api, chat_id, count)
    await asyncio.sleep(settle)
    texts = api.texts_to(chat_id)
    assert len(texts) == count, texts
    return texts


def markup(api: FakeBotApi, chat_id: int, index: int = -1) -> dict[str, Any]:
    sent = [m for m in api.sent if int(m["chat_id"]) == chat_id][index]
    raw = sent.get("reply_markup")
    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def buttons(api: FakeBotApi, chat_id: int, index: int = -1) -> dict[str, str]:
    """callback data → label of the inline buttons under a sent message."""
    rows = markup(api, chat_id, index).get("inline_keyboard", [])
    return {b["callback_data"]: b["text"] for row in rows for b in row}
