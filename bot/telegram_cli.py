"""``losen run``: the Telegram bot, polling or (with ``LOSEN_WEBHOOK_URL``) behind a webhook.

Without a token, or with webhook settings that cannot work, say what to set. Conversation
state and message ids go to the database, so a restart or another instance continues every
open conversation.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from losen.locales import gettext

from .context import cli_language, open_app


def run_telegram(database: str | None) -> int:
    lang = cli_language()
    token = os.environ.get("LOSEN_TELEGRAM_TOKEN")
    if not token:
        print(gettext(lang, "Set LOSEN_TELEGRAM_TOKEN to the token from @BotFather to run the "
                            "Telegram bot, or use “losen chat” to talk to Losen in the terminal."),
              file=sys.stderr)
        return 2
    from .dbstate import DatabaseStateStore
    from .desk import Desk
    from .freshness_job import schedule_notices
    from .message_ids import MessageIds
    from .telegram import ALLOWED_UPDATES, build_application
    from .webhook import WebhookSettingError, serve_webhook, webhook_server, webhook_settings

    try:
        webhook = webhook_settings(os.environ)
    except WebhookSettingError as exc:
        print(_setting_message(lang, exc.setting), file=sys.stderr)
        return 2
    keep_user_text_out_of_logs()
    app = open_app(database, demo=True)
    # Telegram's flood limits hold for the real service; a load test against a local Bot API
    # server turns them off to measure Losen itself (bench/telegram.py).
    flood_limits = os.environ.get("LOSEN_TELEGRAM_FLOOD_LIMITS", "on") != "off"
    dialogue, refresher = app.live(DatabaseStateStore(app.sessions))
    application = build_application(token, dialogue,
                                     base_url=os.environ.get("LOSEN_TELEGRAM_API_URL"),
                                     base_file_url=os.environ.get("LOSEN_TELEGRAM_FILE_URL"),
                                     rate_limit=flood_limits,
                                     message_ids=MessageIds(app.sessions),
                                     polling=webhook is None,
                                     desk=Desk(app.sessions, on_change=refresher.refresh),
                                     refresher=refresher)
    schedule_notices(application, app.sessions)
    if webhook is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    else:
        asyncio.run(serve_webhook(application, webhook,
                                  webhook_server(application, webhook, app.engine)))
    return 0


def keep_user_text_out_of_logs() -> None:
    """Hold the libraries under Losen at WARNING, whatever LOSEN_LOG_LEVEL says.

    At DEBUG python-telegram-bot logs every update whole (what people wrote), and at INFO httpx
    logs every request URL, which holds the bot token. Losen's own loggers stay as set.
    """
    for name in ("telegram", "httpx", "httpcore", "apscheduler"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)


def _setting_message(lang: str, setting: str) -> str:
    if setting == "LOSEN_WEBHOOK_SECRET":
        return gettext(lang, "Set LOSEN_WEBHOOK_SECRET (1 to 256 letters, digits, _ or -) to run "
                             "the Telegram bot with a webhook: Telegram sends it with every "
                             "update, and Losen refuses requests without it.")
    return gettext(lang, "LOSEN_WEBHOOK_LISTEN must be host:port, for example 0.0.0.0:8080.")
