"""The dialogue's next steps as Telegram keyboards, and the command menus per language.

Buttons under a message are inline buttons whose callback data the dialogue checks against the
conversation's state. "Share my location" can only be a reply-keyboard button (Telegram asks
the person before it sends anything), shown once and then removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from losen.locales import gettext as _
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from .actions import Action

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def markup_for(actions: Sequence[Action]) -> Markup | None:
    if not actions:
        return None
    location = [a for a in actions if a.kind == "location"]
    if location:
        return ReplyKeyboardMarkup([[KeyboardButton(location[0].label, request_location=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    rows: dict[int, list[InlineKeyboardButton]] = {}
    for a in actions:
        rows.setdefault(a.row, []).append(InlineKeyboardButton(a.label, callback_data=a.data))
    return InlineKeyboardMarkup([rows[r] for r in sorted(rows)])


COMMANDS = ("start", "hjelp", "sted", "slett", "personvern")
"""The commands in the menu; the words are Norwegian in every language, as people share them."""


def command_menu(lang: str) -> list[BotCommand]:
    descriptions = {
        "start": _(lang, "Start over"),
        "hjelp": _(lang, "What Losen can do"),
        "sted": _(lang, "Set or forget my place"),
        "slett": _(lang, "Delete this conversation"),
        "personvern": _(lang, "What is stored, and for how long"),
    }
    return [BotCommand(c, descriptions[c]) for c in COMMANDS]


MENU_LANGUAGES = {"": "nb", "nb": "nb", "no": "nb", "nn": "nn", "en": "en"}
"""Telegram's language code of the person's app → the language of the command menu. The empty
code is the default for every other language."""
