"""The Telegram adapter: python-telegram-bot over the same dialogue as every other channel.

One ``ApplicationBuilder`` and small handlers (``telegram_handlers``), as in
python-telegram-bot's own examples. The bot's text is the dialogue's reply, escaped for
Telegram's HTML mode and split at Telegram's 4,096-character limit, with the reply's next steps
as buttons. Nothing a person writes is logged.

Everything the bot needs between updates lives in the database (conversation state, message
ids), read per update, so any instance can answer any update; PTB's own ``chat_data``
persistence is not used. Every message in a chat, the person's and the bot's, has its id (never
its text) recorded for ``/slett``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from . import telegram_desk
from . import telegram_handlers as h
from .desk import Desk
from .dialogue import Dialogue
from .keyboards import MENU_LANGUAGES, command_menu
from .message_ids import MessageIds
from .refresh import INTERVAL as REFRESH_INTERVAL
from .refresh import CatalogueRefresher
from .retry import RetryingRateLimiter
from .telegram_send import split_message
from .updates import PerChatUpdateProcessor

__all__ = ["ALLOWED_UPDATES", "build_application", "split_message"]

log = logging.getLogger("losen.telegram")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
"""The update types Losen handles, asked for in polling and webhook mode alike."""


async def set_commands(application: Application) -> None:
    """The command menu in the person's app language: Norwegian bokmål by default, nynorsk
    and English where the app is set to them."""
    for code, lang in MENU_LANGUAGES.items():
        await application.bot.set_my_commands(command_menu(lang), language_code=code or None)


def build_application(token: str, dialogue: Dialogue, base_url: str | None = None,
                      rate_limit: bool = True, message_ids: MessageIds | None = None,
                      polling: bool = True, desk: Desk | None = None,
                      base_file_url: str | None = None,
                      refresher: CatalogueRefresher | None = None) -> Application:
    """The bot over ``dialogue``. ``rate_limit`` keeps Telegram's limits and retries 429 and
    5xx answers; ``message_ids`` records ids for ``/slett``; without ``polling`` there is no
    updater, because a webhook hands updates in itself; ``desk`` lets volunteers keep their
    offers (invites, ``/mine``, files)."""
    builder = (ApplicationBuilder().token(token).defaults(Defaults(parse_mode=ParseMode.HTML))
               .post_init(set_commands).concurrent_updates(PerChatUpdateProcessor()))
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if rate_limit:
        # PTB types the builder's rate limiter as BaseRateLimiter[None]; AIORateLimiter fits.
        builder = builder.rate_limiter(RetryingRateLimiter())  # type: ignore[arg-type]
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["dialogue"] = dialogue
    if message_ids is not None:
        application.bot_data["message_ids"] = message_ids
    application.add_handler(CommandHandler("start", h.on_start))
    application.add_handler(CommandHandler(["slett", "delete"], h.on_delete))
    application.add_handler(CommandHandler(["sted", "stad", "place"], h.on_place_command))
    if desk is not None:
        # The bot's username is known once it has started (getMe); links are made later.
        desk.invite_link = lambda payload: f"https://t.me/{application.bot.username}?start={payload}"
        application.bot_data["desk"] = desk
        application.add_handler(CommandHandler(["mine", "mitt"], telegram_desk.on_mine))
        application.add_handler(CommandHandler(["avbryt", "cancel"], telegram_desk.on_cancel))
        application.add_handler(MessageHandler(filters.Document.ALL, h.on_document))
    application.add_handler(CallbackQueryHandler(h.on_button))
    application.add_handler(MessageHandler(filters.LOCATION, h.on_location))
    application.add_handler(MessageHandler(filters.TEXT, h.on_text))
    application.add_handler(MessageHandler(~filters.TEXT, h.on_other))
    application.add_error_handler(h.on_error)
    if desk is not None and application.job_queue is not None:
        application.job_queue.run_repeating(forget_old_desk_work, interval=3600, first=60,
                                            data=desk, name="forget-desk-work")
    if refresher is not None and application.job_queue is not None:
        application.job_queue.run_repeating(refresh_catalogue, interval=REFRESH_INTERVAL,
                                            first=REFRESH_INTERVAL, data=refresher,
                                            name="refresh-catalogue")
    return application


async def forget_old_desk_work(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Volunteers' unfinished steps older than 30 minutes and buttons older than 30 days."""
    desk = context.job.data if context.job is not None else None
    if isinstance(desk, Desk):
        try:
            await asyncio.to_thread(desk.purge, datetime.now(UTC))
        except SQLAlchemyError as exc:
            log.warning("could not purge desk work: %s", type(exc).__name__)


async def refresh_catalogue(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another instance's volunteer changed the catalogue: reload it, off the event loop."""
    refresher = context.job.data if context.job is not None else None
    if isinstance(refresher, CatalogueRefresher):
        try:
            await asyncio.to_thread(refresher.refresh)
        except SQLAlchemyError as exc:
            log.warning("could not check the catalogue: %s", type(exc).__name__)
