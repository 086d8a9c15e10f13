"""Sending on Telegram: every message the bot sends goes through here, escaped for HTML mode,
split at Telegram's limit, with the reply's buttons, and with its id (never its text) kept for
``/slett``."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from telegram import Message, ReplyKeyboardRemove, Update
from telegram.constants import MessageLimit
from telegram.ext import ContextTypes

from .dialogue import Answer
from .keyboards import MENU_LANGUAGES, Markup, markup_for
from .message_ids import MessageIds

log = logging.getLogger("losen.telegram")


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line ends where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        pieces.append(text)
    return pieces


def message_pieces(text: str) -> list[str]:
    """Plain ``text`` as the HTML-escaped messages to send, in order. Split first, then
    escaped: Telegram counts its limit after reading the entities, and a cut through "&amp;"
    would leave a message it refuses to parse."""
    return [html.escape(piece) for piece in split_message(text)]


def conversation_of(update: Update) -> str:
    chat = update.effective_chat
    return f"telegram:{chat.id if chat else 0}"


def user_language(update: Update) -> str:
    """The person's app language, for what Losen says before it has read anything."""
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    return MENU_LANGUAGES.get(code.split("-")[0], "nb")


def remember(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message_ids: list[int],
             at: datetime) -> None:
    """Record message ids. Best effort: when the database fails, the answer (or the reply
    already sent) matters more, and the error handler must not apologise twice."""
    ids: MessageIds | None = context.bot_data.get("message_ids")
    if ids is None or not message_ids:
        return
    try:
        ids.record(chat_id, message_ids, at)
    except SQLAlchemyError as exc:
        log.warning("could not record a message id: %s", type(exc).__name__)


async def send_text(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
                    markup: Markup | ReplyKeyboardRemove | None = None,
                    incoming: Message | None = None) -> None:
    """Send plain ``text`` (escaped here), in pieces; the buttons go under the last piece.
    The ids of the person's ``incoming`` message and of the pieces are kept together, in one
    write, also when sending fails half-way."""
    pieces = message_pieces(text)
    ids = [incoming.message_id] if incoming is not None else []
    try:
        for n, piece in enumerate(pieces):
            sent = await context.bot.send_message(
                chat_id, piece, reply_markup=markup if n == len(pieces) - 1 else None)
            ids.append(sent.message_id)
    finally:
        remember(context, chat_id, ids, datetime.now(UTC))


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer,
                      incoming: Message | None = None) -> None:
    await send_text(context, chat_id, answer.text, markup_for(answer.actions), incoming)
