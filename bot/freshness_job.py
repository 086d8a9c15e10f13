"""Reminding editors, on python-telegram-bot's JobQueue: offers unconfirmed for 90 and 120
days, and new "not right" reports.

Every instance of the bot runs the job; :func:`losen.catalogue.freshness.claim` lets exactly
one of them send each notice. A notice is claimed, its buttons minted and the transaction
committed before anything is sent, so it goes out at most once (why that is right for a
reminder: see ``claim``). Each editor gets their own message with their own buttons
(:mod:`.desk_buttons`), in a private chat whose id is their Telegram user id.

The database work runs in a thread, so that an hourly pass over the catalogue does not hold
up people's answers. Nothing from an offer or an account is logged: error types only.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from losen.catalogue.freshness import Notice, claim, due, oslo_date
from losen.catalogue.opening import OSLO
from losen.catalogue.people import editors_of
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from .desk_buttons import mint
from .notice_text import button_labels, notice_text
from .telegram_send import send_text

log = logging.getLogger("losen.telegram")
ACCOUNT_PREFIX = "telegram:"
JOB_NAME = "editor-notices"


@dataclass(frozen=True)
class Outgoing:
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup


def telegram_chat(account: str) -> int | None:
    """The private chat of a ``telegram:<user id>`` account (the same id); None for others."""
    if not account.startswith(ACCOUNT_PREFIX):
        return None
    try:
        return int(account.removeprefix(ACCOUNT_PREFIX))
    except ValueError:
        return None


def claim_and_compose(sessions: sessionmaker[Session], notice: Notice, now: datetime
                      ) -> list[Outgoing]:
    """Claim ``notice`` and mint each editor's buttons in one transaction; the messages to
    send, or none when another instance claimed it first."""
    confirm_label, change_label = button_labels()
    text = notice_text(notice, oslo_date(now))
    with sessions.begin() as session:
        if not claim(session, notice.offer_id, notice.kind, notice.key, now):
            return []
        out = []
        for account in editors_of(session, notice.organization_id):
            chat = telegram_chat(account)
            if chat is None:
                continue
            buttons = [
                InlineKeyboardButton(confirm_label, callback_data=mint(
                    session, account, "confirm", now, offer_id=notice.offer_id)),
                InlineKeyboardButton(change_label, callback_data=mint(
                    session, account, "open", now, offer_id=notice.offer_id)),
            ]
            out.append(Outgoing(chat, text, InlineKeyboardMarkup([buttons])))
        return out


def _due(sessions: sessionmaker[Session], now: datetime) -> list[Notice]:
    with sessions() as session:
        return due(session, now)


async def send_notices(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One pass: every due notice claimed, then sent to each of its editors. A message that
    cannot be delivered (the bot blocked, the chat gone) does not stop the others."""
    assert context.job is not None
    sessions = cast("sessionmaker[Session]", context.job.data)
    now = datetime.now(OSLO)
    try:
        notices = await asyncio.to_thread(_due, sessions, now)
        for notice in notices:
            outgoing = await asyncio.to_thread(claim_and_compose, sessions, notice, now)
            for message in outgoing:
                try:
                    await send_text(context, message.chat_id, message.text, message.markup)
                except TelegramError as exc:
                    log.warning("an editor notice was not delivered: %s", type(exc).__name__)
    except SQLAlchemyError as exc:
        # Unclaimed notices stay due: the next pass tries them again.
        log.error("editor notices stopped: %s", type(exc).__name__)


def schedule_notices(application: Application, sessions: sessionmaker[Session],
                     interval: float = 3600, first: float = 60) -> None:
    """Run :func:`send_notices` every ``interval`` seconds, the first time after ``first``;
    the session factory travels in the job's data."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    queue.run_repeating(send_notices, interval=interval, first=first, data=sessions,
                        name=JOB_NAME)
