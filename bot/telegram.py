"""The Telegram adapter: python-telegram-bot over the same dialogue as every other channel.

Small handlers and one ``ApplicationBuilder``, as in python-telegram-bot's own examples. The
bot's text is the dialogue's reply, escaped for Telegram's HTML mode and split at Telegram's
4,096-character limit. Nothing a person writes is logged.

Everything the bot needs between updates lives in the database (conversation state, message
ids), read per update, so any instance can answer any update; PTB's own ``chat_data``
persistence is not used. Every message in a chat, the person's and the bot's, has its id (never
its text) recorded for ``/slett``.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from losen.catalogue.opening import OSLO
from losen.locales import gettext
from sqlalchemy.exc import SQLAlchemyError
from telegram import Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from .dialogue import Dialogue
from .message_ids import MessageIds
from .retry import RetryingRateLimiter

log = logging.getLogger("losen.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
"""The update types Losen handles, asked for in polling and webhook mode alike."""


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


def _remember(context: ContextTypes.DEFAULT_TYPE, message: Message) -> None:
    """Record the message's id. Best effort: when the database fails, the answer (or the
    reply already sent) matters more, and the error handler must not apologise twice."""
    ids: MessageIds | None = context.bot_data.get("message_ids")
    if ids is None:
        return
    try:
        ids.record(message.chat_id, [message.message_id], message.date)
    except SQLAlchemyError as exc:
        log.warning("could not record a message id: %s", type(exc).__name__)


async def reply(context: ContextTypes.DEFAULT_TYPE, message: Message, text: str) -> Message:
    """Reply to ``message`` and remember the reply's id, so ``/slett`` can delete it later.
    Every message the bot sends goes through here (or records its id the same way)."""
    sent = await message.reply_text(text)
    _remember(context, sent)
    return sent


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: remember the id of the person's message (never its text)."""
    if update.effective_message is not None:
        _remember(context, update.effective_message)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    dialogue: Dialogue = context.bot_data["dialogue"]
    answer = dialogue.answer(_conversation(update), message.text, datetime.now(OSLO))
    for piece in split_message(html.escape(answer.text)):
        await reply(context, message, piece)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    dialogue: Dialogue = context.bot_data["dialogue"]
    answer = dialogue.answer(_conversation(update), "hei", datetime.now(OSLO))
    await reply(context, message, html.escape(answer.text))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: a kind word and what Losen can read."""
    message = update.effective_message
    if message is not None:
        await reply(context, message, html.escape(gettext(
            "nb", "I can only read text. Write what you need help with and where you live.")))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The error's type only: the update may hold what someone wrote.
    log.error("error while handling an update: %s", type(context.error).__name__)
    if isinstance(update, Update) and update.effective_message is not None:
        await reply(context, update.effective_message, html.escape(gettext(
            "nb", "Something went wrong on my side. Please try again in a little while.")))


def build_application(token: str, dialogue: Dialogue, base_url: str | None = None,
                      rate_limit: bool = True, message_ids: MessageIds | None = None,
                      polling: bool = True) -> Application:
    """The bot over ``dialogue``. ``rate_limit`` keeps Telegram's limits and retries 429 and
    5xx answers; ``message_ids`` records ids for ``/slett``; without ``polling`` there is no
    updater, because a webhook hands updates in itself."""
    builder = ApplicationBuilder().token(token).defaults(Defaults(parse_mode=ParseMode.HTML))
    if base_url:
        builder = builder.base_url(base_url)
    if rate_limit:
        # PTB types the builder's rate limiter as BaseRateLimiter[None]; AIORateLimiter fits.
        builder = builder.rate_limiter(RetryingRateLimiter())  # type: ignore[arg-type]
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["dialogue"] = dialogue
    if message_ids is not None:
        application.bot_data["message_ids"] = message_ids
    application.add_handler(TypeHandler(Update, on_any_update), group=-1)
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(filters.COMMAND, on_text))
    application.add_handler(MessageHandler(~filters.TEXT, on_other))
    application.add_error_handler(on_error)
    return application
