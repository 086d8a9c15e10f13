"""``losen chat``: the dialogue in a terminal, on the embedded database with the demo catalogue."""

from __future__ import annotations

from losen.locales import gettext

from .context import cli_language, open_app, parse_now


def run_chat(database: str | None, now: str | None) -> int:
    lang = cli_language()
    app = open_app(database, demo=True)
    dialogue = app.dialogue()
    print(gettext(lang, "Hi, I am Losen. Tell me what you need help with and where you live. "
                        "Write “slutt” to finish."))
    while True:
        try:
            text = input("\n> ")
        except EOFError:
            print()
            return 0
        if text.strip().lower() in {"slutt", "avslutt", "quit", "exit"}:
            return 0
        if not text.strip():
            continue
        answer = dialogue.answer("terminal", text, parse_now(now))
        print(answer.text, flush=True)
