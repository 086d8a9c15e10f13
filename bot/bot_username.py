"""The bot's Telegram username, which an invite link needs: ``https://t.me/<bot>?start=inv_…``.

An operator who knows it says so (``--bot`` or ``LOSEN_TELEGRAM_BOT_USERNAME``); otherwise the
bot's token can ask Telegram (``getMe``). The token is a password: it goes only into the
request URL, which is never printed or logged. httpx logs request URLs at INFO, so its loggers
are held at WARNING first, and a failure is told by its kind, never by its message (an HTTP
error's message holds the URL).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

import httpx

log = logging.getLogger("losen.admin")

USERNAME_ENV = "LOSEN_TELEGRAM_BOT_USERNAME"
DEFAULT_API_URL = "https://api.telegram.org/bot"
"""Like python-telegram-bot's ``base_url``: the token is appended, or put where a
``{token}`` placeholder stands."""
TOKEN_PLACEHOLDERS = ("{token}", "{TOKEN}", "{bot_token}", "{BOT_TOKEN}", "{bot-token}",
                      "{BOT-TOKEN}")
GET_ME_TIMEOUT = 5.0
"""Seconds: an invite is still printed (without a link) when Telegram does not answer."""
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


class BadUsername(ValueError):
    """What was given cannot be a Telegram username (5–32 letters, digits and ``_``)."""


def configured_username(given: str | None, env: Mapping[str, str] = os.environ) -> str | None:
    """The username the operator gave (``--bot`` first, then the environment), without a
    leading ``@``; None when neither is set. Checked before anything is written, so that a
    typo does not leave an invite behind."""
    name = (given or env.get(USERNAME_ENV) or "").strip().removeprefix("@")
    if not name:
        return None
    if not _USERNAME.fullmatch(name):
        raise BadUsername(name)
    return name


def api_url(base_url: str, token: str, method: str) -> str:
    """A Bot API method's URL, built from ``base_url`` as python-telegram-bot builds it."""
    for placeholder in TOKEN_PLACEHOLDERS:
        if placeholder in base_url:
            return base_url.replace(placeholder, token) + "/" + method
    return f"{base_url}{token}/{method}"


def ask_telegram(env: Mapping[str, str] = os.environ, timeout: float = GET_ME_TIMEOUT
                 ) -> str | None:
    """The username Telegram gives for ``LOSEN_TELEGRAM_TOKEN`` (``getMe``), or None when there
    is no token or no usable answer in ``timeout`` seconds."""
    token = env.get("LOSEN_TELEGRAM_TOKEN")
    if not token:
        return None
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    url = api_url(env.get("LOSEN_TELEGRAM_API_URL") or DEFAULT_API_URL, token, "getMe")
    try:
        response = httpx.get(url, timeout=timeout)
        body = response.json()
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        log.info("getMe failed: %s", type(exc).__name__)
        return None
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    username = result.get("username") if isinstance(result, dict) else None
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        log.info("getMe gave no username (HTTP %s)", response.status_code)
        return None
    return username


def invite_link(username: str, payload: str) -> str:
    """The deep link that opens the bot and sends ``/start <payload>``."""
    return f"https://t.me/{username}?start={payload}"
