"""What Losen does with each kind of Telegram update; the dialogue decides what to say.

Small handlers, as in python-telegram-bot's examples: text (also edited), commands, button
presses, shared locations, and everything else (stickers, photos, voice) with a kind word.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from losen.catalogue.db import DATABASE_ERRORS
from losen.catalogue.opening import OSLO
from losen.intents import Understanding, understand
from losen.locales import gettext
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from . import telegram_desk
from .dialogue import Dialogue
from .message_ids import MessageIds
from .telegram_send import conversation_of, send_answer, send_text, user_language

log = logging.getLogger("losen.telegram")
DELETE_BATCH = 100
"""Telegram's most message ids per ``deleteMessages`` call."""
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _dialogue(context: ContextTypes.DEFAULT_TYPE) -> Dialogue:
    dialogue: Dialogue = context.bot_data["dialogue"]
    return dialogue


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message, or an edited one: an edit is answered as what the person now means."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.text is None or chat is None:
        return
    if await telegram_desk.answer_text(update, context, message.text):
        return
    answer = _dialogue(context).answer(conversation_of(update), message.text, datetime.now(OSLO))
    await send_answer(context, chat.id, answer, incoming=message)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/start``, also from a link: ``t.me/<bot>?start=Bergen`` or ``?start=0301`` sets the
    place (an organisation can share a link for its kommune); ``?start=inv_…`` is a
    volunteer's invite."""
    chat = update.effective_chat
    if chat is None:
        return
    dialogue, now = _dialogue(context), datetime.now(OSLO)
    payload = context.args[0] if context.args else ""
    desk = telegram_desk.desk_of(context)
    if (payload.startswith("inv_") and desk is not None and _PAYLOAD.match(payload)
            and telegram_desk.private(update)):
        await telegram_desk.join(update, context, desk, payload)
        return
    if payload and _PAYLOAD.match(payload) and not payload.startswith("inv_"):
        answer = dialogue.set_place(conversation_of(update), payload.replace("_", " "), now)
        if answer.reply.kind != "place_forgotten":
            await send_answer(context, chat.id, answer, incoming=update.effective_message)
            return
    await send_answer(context, chat.id, dialogue.answer(conversation_of(update), "hei", now),
                      incoming=update.effective_message)


async def on_place_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/sted Bergen`` sets the place; ``/sted`` alone forgets it and offers the location
    button."""
    chat = update.effective_chat
    if chat is None:
        return
    text = " ".join(context.args or [])
    answer = _dialogue(context).set_place(conversation_of(update), text, datetime.now(OSLO))
    await send_answer(context, chat.id, answer, incoming=update.effective_message)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.location is None or chat is None:
        return
    location = message.location
    answer = _dialogue(context).locate(conversation_of(update), location.latitude,
                                       location.longitude, datetime.now(OSLO))
    await send_answer(context, chat.id, answer, incoming=message)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    await query.answer()
    if (query.data or "").startswith("v:"):
        await telegram_desk.press(update, context, query.data or "")
        return
    if query.data == "del":
        await delete_conversation(update, context)
        return
    answer = _dialogue(context).act(conversation_of(update), query.data or "", datetime.now(OSLO))
    await send_answer(context, chat.id, answer)


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await delete_conversation(update, context)


async def delete_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The safe exit: forget the conversation's state, and remove the person's and the bot's
    messages of the last 48 hours from the chat, so a checked phone shows nothing of it."""
    chat = update.effective_chat
    if chat is None:
        return
    now = datetime.now(OSLO)
    dialogue = _dialogue(context)
    answer = dialogue.act(conversation_of(update), "del", now)
    ids: MessageIds | None = context.bot_data.get("message_ids")
    if ids is not None and answer.reply.kind != "database_down":
        try:
            found = ids.for_chat(chat.id, now)
        except DATABASE_ERRORS as exc:
            # Without the ids nothing can be deleted: say so ("try again") rather than "done".
            log.warning("could not read message ids: %s", type(exc).__name__)
            answer = dialogue.without_store(None, answer.reply.lang)
            found = None
        if found is not None:
            if update.message is not None:  # "/slett" itself
                found.append(update.message.message_id)
            for start in range(0, len(found), DELETE_BATCH):
                try:
                    await context.bot.delete_messages(chat.id,
                                                      found[start:start + DELETE_BATCH])
                except TelegramError as exc:
                    log.warning("could not delete messages: %s", type(exc).__name__)
            try:
                ids.forget_chat(chat.id)
            except DATABASE_ERRORS as exc:  # the messages are gone; their ids expire in 48 h
                log.warning("could not forget message ids: %s", type(exc).__name__)
    await send_answer(context, chat.id, answer)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An organisation admin's spreadsheet goes to the desk; any other file is an attachment."""
    if not await telegram_desk.on_document(update, context):
        await on_other(update, context)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: a kind word and what Losen can read."""
    chat = update.effective_chat
    if chat is not None:
        await send_text(context, chat.id, gettext(
            user_language(update),
            "I can only read text. Write what you need help with and where you live."),
            incoming=update.effective_message)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The last word when a handler failed: a crisis is still answered in full (from
    understanding alone, which needs no database); when the database failed, "try again
    soon"; anything else, an apology. Never a traceback in the chat."""
    error = context.error
    # The error's type only: the update may hold what someone wrote.
    log.error("error while handling an update: %s", type(error).__name__)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    u = _understood(update)
    try:
        if (u is not None and u.crisis) or isinstance(error, DATABASE_ERRORS):
            lang = u.language if u is not None else user_language(update)
            answer = _dialogue(context).without_store(u, lang)
            await send_answer(context, chat_id, answer, incoming=update.effective_message)
            return
        await send_text(context, chat_id, gettext(
            user_language(update),
            "Something went wrong on my side. Please try again in a little while."),
            incoming=update.effective_message)
    except TelegramError as exc:
        log.error("could not apologise: %s", type(exc).__name__)


def _understood(update: Update) -> Understanding | None:
    """What the person wrote, understood, if they wrote anything (also as a command's
    argument: ``/sted …``); never the bot's own message under a pressed button."""
    message = update.message or update.edited_message
    if message is None or not message.text:
        return None
    try:
        return understand(message.text)
    except Exception as exc:  # the error handler must answer, whatever failed before it
        log.error("could not understand a message: %s", type(exc).__name__)
        return None
