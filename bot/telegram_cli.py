"""``losen run``: the Telegram bot. Without a token, say what to set."""

from __future__ import annotations

import os
import sys

from losen.locales import gettext

from .context import cli_language


def run_telegram(database: str | None) -> int:
    lang = cli_language()
    if not os.environ.get("LOSEN_TELEGRAM_TOKEN"):
        print(gettext(lang, "Set LOSEN_TELEGRAM_TOKEN to the token from @BotFather to run the "
                            "Telegram bot, or use “losen chat” to talk to Losen in the terminal."),
              file=sys.stderr)
        return 2
    print(gettext(lang, "The Telegram bot is not part of this version yet; use “losen chat”."),
          file=sys.stderr)
    return 2
