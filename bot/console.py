"""``losen chat``: the dialogue in a terminal, on the embedded database with the demo catalogue."""

from __future__ import annotations

import sys

from losen.locales import gettext

from .context import cli_language, open_app, parse_now
from .dialogue import Dialogue


def run_chat(database: str | None, now: str | None) -> int:
    lang = cli_language()
    app = open_app(database, demo=True)
    dialogue = Dialogue(app.offers(), now=parse_now(now) if now else None)
    print(gettext(lang, "Hi, I am Losen. Tell me what you need help with and where you live. "
                        "Write “slutt” to finish."))
    while True:
        try:
            text = input("> ")
        except EOFError:
            print()
            return 0
        if text.strip().lower() in {"slutt", "avslutt", "quit", "exit"}:
            return 0
        if not text.strip():
            continue
        if now is None:
            dialogue.now = parse_now(None)
        print(dialogue.answer(text).text, flush=True)
        sys.stdout.flush()
