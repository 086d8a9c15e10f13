"""Webhook mode: Telegram posts updates to an ASGI app (Starlette on uvicorn).

Used when ``LOSEN_WEBHOOK_URL`` is set, so that several instances can run behind a load
balancer: any instance can take any update because the conversation lives in the database.
The shape follows python-telegram-bot's custom-webhook example: the route puts the update on
the application's queue and answers 200 at once, so Telegram never waits for a reply to be
written (and never re-sends an update because it waited too long).

Every POST must carry ``X-Telegram-Bot-Api-Secret-Token`` equal to ``LOSEN_WEBHOOK_SECRET``;
anything else gets 403 before its body is read. ``GET /healthz`` says whether the database
answers, for the load balancer.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import uvicorn
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from .telegram import ALLOWED_UPDATES

log = logging.getLogger("losen.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_LISTEN = "0.0.0.0:8080"
HEALTH_TIMEOUT = 5.0
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


class WebhookSettingError(ValueError):
    """A webhook setting that cannot work; ``setting`` names the variable to fix."""

    def __init__(self, setting: str) -> None:
        super().__init__(setting)
        self.setting = setting


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    host: str
    port: int

    @property
    def path(self) -> str:
        """The route: the path of the public URL (a proxy in front may rewrite the host)."""
        return urlsplit(self.url).path or "/"


def webhook_settings(environ: Mapping[str, str]) -> WebhookSettings | None:
    """The webhook settings from the environment, or ``None`` to poll instead."""
    url = environ.get("LOSEN_WEBHOOK_URL", "").strip()
    if not url:
        return None
    secret = environ.get("LOSEN_WEBHOOK_SECRET", "")
    if not _SECRET.fullmatch(secret):
        raise WebhookSettingError("LOSEN_WEBHOOK_SECRET")
    host, _, port = (environ.get("LOSEN_WEBHOOK_LISTEN") or DEFAULT_LISTEN).rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise WebhookSettingError("LOSEN_WEBHOOK_LISTEN")
    return WebhookSettings(url, secret, host.strip("[]"), int(port))


def database_answers(engine: Engine) -> None:
    """Raise unless the database answers ``SELECT 1``."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def webhook_app(application: Application, path: str, secret: str, engine: Engine) -> Starlette:
    """The ASGI app: ``POST path`` for updates, ``GET /healthz`` for the load balancer."""
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = json.loads(await request.body())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # anything malformed: refuse it, never a traceback
            log.warning("refused a malformed update: %s", type(exc).__name__)
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    async def healthz(_: Request) -> Response:
        try:
            await asyncio.wait_for(asyncio.to_thread(database_answers, engine), HEALTH_TIMEOUT)
        except Exception as exc:
            log.warning("health check: the database did not answer (%s)", type(exc).__name__)
            return PlainTextResponse("database unavailable", status_code=503)
        return PlainTextResponse("ok")

    return Starlette(routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route(path, receive_update, methods=["POST"]),
    ])


class GracefulServer(uvicorn.Server):
    """uvicorn that stops serving on SIGINT/SIGTERM and then lets the caller finish.

    Plain uvicorn re-raises the signal once it has stopped serving, which would end the
    process before the application has answered the updates it already accepted (and
    answered 200 for). Here the signal only ends serving; ``serve_webhook`` then stops the
    application cleanly.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def webhook_server(application: Application, settings: WebhookSettings, engine: Engine
                   ) -> uvicorn.Server:
    app = webhook_app(application, settings.path, settings.secret, engine)
    return GracefulServer(uvicorn.Config(app, host=settings.host, port=settings.port,
                                         log_level="warning", access_log=False,
                                         lifespan="off"))


async def serve_webhook(application: Application, settings: WebhookSettings,
                        server: uvicorn.Server) -> None:
    """Start the bot, register the webhook with its secret, serve until stopped, stop cleanly
    (updates already accepted are answered before the application stops)."""
    async with application:
        if application.post_init is not None:  # what run_polling does: the command menus
            await application.post_init(application)
        await application.start()
        try:
            await application.bot.set_webhook(settings.url, secret_token=settings.secret,
                                              allowed_updates=ALLOWED_UPDATES)
            await server.serve()
        finally:
            await application.stop()
