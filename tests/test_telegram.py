"""The Telegram adapter: real python-telegram-bot against a Bot API server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from botapi import FakeBotApi
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.state import MemoryStateStore
from losen.bot.telegram import build_application, split_message
from telegram.ext import Application
from telegram_harness import replies


@pytest.fixture
async def running(api: FakeBotApi) -> AsyncIterator[Application]:
    application = build_application("123:TEST", Dialogue(index(), MemoryStateStore()),
                                    base_url=api.base_url, rate_limit=False)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_a_need_then_its_place_over_telegram(api: FakeBotApi, running: Application) -> None:
    api.push_text(7, "trenger mat")
    first = await replies(api, 7, 1)
    assert "Hvor bor du" in first[0]
    api.push_text(7, "Tøyen")
    second = await replies(api, 7, 2)
    assert "oslo-toyen-mat" in second[1] and "22 99 99 01" in second[1]
    assert all(m.get("parse_mode") == "HTML" for m in api.sent)


async def test_crisis_first_and_several_users_at_once(api: FakeBotApi,
                                                      running: Application) -> None:
    api.push_text(8, "jeg vil ikke leve lenger")
    api.push_text(9, "hei")
    crisis = await replies(api, 8, 1)
    assert "113" in crisis[0] and "116 123" in crisis[0]
    greeting = await replies(api, 9, 1)
    assert "Losen" in greeting[0]


async def test_markup_in_a_message_is_escaped(api: FakeBotApi, running: Application) -> None:
    api.push_text(10, "<b>mat</b> på <i>Tøyen</i>")
    reply = (await replies(api, 10, 1))[0]
    assert "<b>" not in reply and "<i>" not in reply


async def test_start_command_greets(api: FakeBotApi, running: Application) -> None:
    api.push_text(11, "/start")
    assert "Losen" in (await replies(api, 11, 1))[0]


def test_long_answers_are_split_at_the_limit() -> None:
    text = "\n".join(f"linje {i} " + "x" * 60 for i in range(200))
    pieces = split_message(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert "".join(p.replace("\n", "") for p in pieces) == text.replace("\n", "")
