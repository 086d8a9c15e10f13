"""Conversations live in the database: they survive a restart and move between instances.

Real python-telegram-bot against the Bot API server on 127.0.0.1, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from pathlib import Path

import pytest
from botapi import FakeBotApi
from losen.catalogue.models import ChatMessageId, ConversationStateRow
from sqlalchemy import select
from telegram_harness import Instance, exactly, polling, replies, webhook


def offer_ids(text: str) -> set[str]:
    return set(re.findall(r"^• (\S+) –", text, re.MULTILINE))


async def test_a_restart_in_the_middle_of_a_conversation_keeps_it(api: FakeBotApi,
                                                                  database_url: str) -> None:
    first = Instance.open(database_url)
    async with polling(first.application(api)):
        api.push_text(31, "trenger mat")
        assert "Hvor bor du" in (await replies(api, 31, 1))[0]
    first.engine.dispose()

    second = Instance.open(database_url)  # a new process: new engine, dialogue, application
    try:
        async with polling(second.application(api)):
            api.push_text(31, "Tøyen")
            texts = await exactly(api, 31, 2)
    finally:
        second.engine.dispose()
    assert "oslo-toyen-mat" in texts[1] and "22 99 99 01" in texts[1]


async def test_a_conversation_moves_between_two_instances(api: FakeBotApi,
                                                         database_url: str) -> None:
    a, b = Instance.open(database_url), Instance.open(database_url)
    try:
        async with webhook(a.application(api, polling=False), a.engine) as on_a, \
                webhook(b.application(api, polling=False), b.engine) as on_b:
            users = {41: ("Tøyen", "oslo-toyen-mat"), 42: ("Bodø", "bodo-mat"),
                     43: ("Sandnes", "sandnes-mat")}
            # Three people ask for food at once on instance A ...
            posted = await asyncio.gather(*(on_a.post(api.text_update(chat, "trenger mat"))
                                            for chat in users))
            assert all(r.status_code == 200 for r in posted)
            for chat in users:
                assert "Hvor bor du" in (await replies(api, chat, 1))[0]
            # ... and their places reach instance B.
            posted = await asyncio.gather(*(on_b.post(api.text_update(chat, place))
                                            for chat, (place, _) in users.items()))
            assert all(r.status_code == 200 for r in posted)
            for chat, (_, offer) in users.items():
                assert offer in (await replies(api, chat, 2))[1]
            # Back on A, "vis flere" continues after the offers B showed.
            first_page = api.texts_to(41)[1]
            await on_a.post(api.text_update(41, "vis flere"))
            more = (await replies(api, 41, 3))[2]
            assert offer_ids(more) and not offer_ids(more) & offer_ids(first_page)
            await asyncio.sleep(0.3)  # nothing more arrives: no reply lost or doubled
            for chat in users:
                await exactly(api, chat, 3 if chat == 41 else 2, settle=0)
    finally:
        a.engine.dispose()
        b.engine.dispose()


async def test_the_database_holds_no_message_text(api: FakeBotApi, database_url: str) -> None:
    sentinel = "Kvitrefjell"
    instance = Instance.open(database_url)
    try:
        async with polling(instance.application(api)):
            for text in (f"hei, jeg heter {sentinel} og trenger mat", "Tøyen", "vis flere",
                         f"{sentinel} {sentinel}", f"takk {sentinel}"):
                count = len(api.texts_to(51)) + 1
                api.push_text(51, text)
                await replies(api, 51, count)
        with instance.sessions() as session:
            states = session.scalars(select(ConversationStateRow)).all()
            ids = session.scalars(select(ChatMessageId)).all()
            dump = repr([(r.conversation, r.language, r.needs, r.place, r.pending, r.shown,
                          r.updated) for r in states])
            dump += repr([(r.chat_id, r.message_id, r.sent_at) for r in ids])
    finally:
        instance.engine.dispose()
    assert states and ids  # something was stored ...
    assert "food" in dump and "0301" in dump
    assert sentinel.lower() not in dump.lower()  # ... and none of it is what was written
    # Every message in the chat, the person's and the bot's, has its id kept for /slett.
    sent = {m["message_id"] for m in api.sent if int(m["chat_id"]) == 51}
    kept = {r.message_id for r in ids if r.chat_id == 51}
    assert sent <= kept and len(kept) == len(sent) + 5


async def test_when_the_database_goes_away_one_kind_reply_and_no_text_in_logs(
        api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    instance = Instance.open(f"sqlite:///{folder / 'losen.sqlite3'}")
    caplog.set_level(logging.DEBUG)
    try:
        async with polling(instance.application(api)):
            api.push_text(55, "trenger mat")
            await replies(api, 55, 1)
            instance.engine.dispose()
            shutil.rmtree(folder)
            api.push_text(55, "Kvitrefjell på Tøyen")
            texts = await exactly(api, 55, 2)
    finally:
        instance.engine.dispose()
    assert "Noe gikk galt" in texts[1]
    # Losen's own log says what failed, never what was written (``losen run`` also holds the
    # libraries that log whole updates at WARNING: see test_telegram_run).
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("losen"))
    assert "OperationalError" in ours and "kvitrefjell" not in ours.lower()
    assert not [r for r in caplog.records if r.name.startswith("losen") and r.exc_info]
