"""The Telegram adapter: python-telegram-bot over the same dialogue as every other channel.

Small handlers and one ``ApplicationBuilder``, as in python-telegram-bot's own examples. The
bot's text is the dialogue's reply, escaped for Telegram's HTML mode and split at Telegram's
4,096-character limit. Nothing a person writes is logged.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from losen.catalogue.opening import OSLO
from losen.locales import gettext
from telegram import Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from .dialogue import Dialogue

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


def _conversation(update: Update) -> str:
    chat = update.effective_chat
    return f"telegram:{chat.id if chat else 0}"


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    dialogue: Dialogue = context.bot_data["dialogue"]
    answer = dialogue.answer(_conversation(update), message.text, datetime.now(OSLO))
    for piece in split_message(html.escape(answer.text)):
        await message.reply_text(piece)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    dialogue: Dialogue = context.bot_data["dialogue"]
    answer = dialogue.answer(_conversation(update), "hei", datetime.now(OSLO))
    await message.reply_text(html.escape(answer.text))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: a kind word and what Losen can read."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(html.escape(gettext(
            "nb", "I can only read text. Write what you need help with and where you live.")))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The error's type only: the update may hold what someone wrote.
    log.error("error while handling an update: %s", type(context.error).__name__)
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(html.escape(gettext(
            "nb", "Something went wrong on my side. Please try again in a little while.")))


def build_application(token: str, dialogue: Dialogue, base_url: str | None = None,
                      rate_limit: bool = True) -> Application:
    builder = ApplicationBuilder().token(token).defaults(Defaults(parse_mode=ParseMode.HTML))
    if base_url:
        builder = builder.base_url(base_url)
    if rate_limit:
        # PTB types the builder's rate limiter as BaseRateLimiter[None]; AIORateLimiter fits.
        builder = builder.rate_limiter(AIORateLimiter())  # type: ignore[arg-type]
    application = builder.build()
    application.bot_data["dialogue"] = dialogue
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(filters.COMMAND, on_text))
    application.add_handler(MessageHandler(~filters.TEXT, on_other))
    application.add_error_handler(on_error)
    return application
