"""The volunteers' desk on Telegram: invites, ``/mine``, ``/avbryt``, buttons, typed answers and
spreadsheet files, each handed to :class:`~.desk.Desk` with the sender's account.

The account is the Telegram user (``telegram:<user id>``), not the chat: roles belong to a
person. The desk works in private chats only (an invite link must never land in a group), and
its database work runs in a worker thread, so a large upload never holds up the answers to
everyone else, crisis answers included. Replies go through the same sending path as every other
message (escaped, split, ids kept for ``/slett``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from losen.catalogue.db import DATABASE_ERRORS
from losen.catalogue.opening import OSLO
from losen.intents import understand
from losen.locales import gettext
from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from .desk import FREE_TEXT, Desk
from .desk_views import Reply
from .keyboards import markup_for
from .telegram_send import send_text, user_language

log = logging.getLogger("losen.telegram")
MAX_UPLOAD = 2 * 1024 * 1024
"""Bytes: a spreadsheet of a few thousand offers; anything larger is not a catalogue file."""
MINE = ("mine tilbud", "mine tilbod", "my offers")


def desk_of(context: ContextTypes.DEFAULT_TYPE) -> Desk | None:
    desk: Desk | None = context.bot_data.get("desk")
    return desk


def private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def account_of(update: Update) -> str:
    user = update.effective_user
    return f"telegram:{user.id if user else 0}"


async def send_desk(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send_text(context, chat.id, reply.text, markup_for(reply.actions),
                        incoming=update.message)


async def join(update: Update, context: ContextTypes.DEFAULT_TYPE, desk: Desk, payload: str
               ) -> None:
    user = update.effective_user
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else ""
    await send_desk(update, context, await asyncio.to_thread(
        desk.join, account_of(update), name, payload, user_language(update), datetime.now(OSLO)))


async def on_mine(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk = desk_of(context)
    if desk is not None and private(update):
        await send_desk(update, context, await asyncio.to_thread(
            desk.mine, account_of(update), user_language(update), datetime.now(OSLO)))


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk = desk_of(context)
    if desk is not None and private(update):
        await send_desk(update, context, await asyncio.to_thread(
            desk.cancel, account_of(update), user_language(update), datetime.now(OSLO)))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE, data: str) -> None:
    desk = desk_of(context)
    if desk is not None and private(update):
        await send_desk(update, context, await asyncio.to_thread(
            desk.press, account_of(update), data, user_language(update), datetime.now(OSLO)))


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Give the text to the desk when the sender is in the middle of a desk task, or asks for
    "mine tilbud"; False when it is for the help dialogue. An edited message is never an
    answer (it may be an old one). Crisis comes first here too, except in answers that
    describe an offer, where such words are expected."""
    desk = desk_of(context)
    if desk is None or not private(update) or update.edited_message is not None:
        return False
    now, account = datetime.now(OSLO), account_of(update)
    if text.strip().casefold() in MINE:
        await send_desk(update, context, await asyncio.to_thread(
            desk.mine, account, user_language(update), now))
        return True
    try:
        step = desk.waiting(account, now)  # one primary-key read: cheaper than a thread hop
    except DATABASE_ERRORS as exc:
        # The help dialogue answers: a crisis in full, anything else "try again soon".
        log.warning("could not read a volunteer's step: %s", type(exc).__name__)
        return False
    if step is None:
        return False
    if step.name.split(":")[-1] not in FREE_TEXT and understand(text).crisis:
        return False
    await send_desk(update, context, await asyncio.to_thread(
        desk.text, account, text, user_language(update), now))
    return True


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A file: from an organisation's admin, the spreadsheet, checked whole and shown as
    changes first. From anyone else it is not fetched at all; False lets the caller answer it
    as any other attachment."""
    desk, message = desk_of(context), update.effective_message
    if desk is None or message is None or message.document is None or not private(update):
        return False
    account = account_of(update)
    lang = user_language(update)
    try:
        may = await asyncio.to_thread(desk.may_upload, account)
    except DATABASE_ERRORS as exc:
        log.warning("could not read roles: %s", type(exc).__name__)
        await send_desk(update, context, desk.unavailable(lang))
        return True
    if may is None:
        return False
    if not may:
        await send_desk(update, context, Reply(gettext(
            lang, "Only an administrator of your organisation can send the spreadsheet. Ask "
                  "them, or change the offers one at a time with /mine.")))
        return True
    document = message.document
    if document.file_size is not None and document.file_size > MAX_UPLOAD:
        await send_desk(update, context, Reply(gettext(
            lang, "The file is too large (at most 2 MB). Send the spreadsheet as CSV.")))
        return True
    try:
        file = await context.bot.get_file(document.file_id)
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not fetch a document: %s", type(exc).__name__)
        await send_desk(update, context, Reply(gettext(
            lang, "I could not fetch the file. Please send it again.")))
        return True
    await send_desk(update, context, await asyncio.to_thread(
        desk.document, account, data[:MAX_UPLOAD + 1], lang, datetime.now(OSLO)))
    return True
