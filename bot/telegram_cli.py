"""``losen run``: the Telegram bot (polling). Without a token, say what to set."""

from __future__ import annotations

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
    from .telegram import build_application

    app = open_app(database, demo=True)
    application = build_application(token, app.dialogue(),
                                    base_url=os.environ.get("LOSEN_TELEGRAM_API_URL"))
    application.run_polling()
    return 0
