"""What Telegram users expect, end to end: buttons, a shared location, commands in their
language, the safe exit that removes the conversation from the phone, stickers and edits.
Real python-telegram-bot against the Bot API server on 127.0.0.1, state in a real database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from botapi import FakeBotApi
from losen.catalogue.reports import OfferReports
from telegram.ext import Application
from telegram_harness import Instance, buttons, exactly, markup, polling, replies


@pytest.fixture
def instance(database_url: str) -> Instance:
    return Instance.open(database_url)


@pytest.fixture
async def bot(api: FakeBotApi, instance: Instance) -> AsyncIterator[Application]:
    async with polling(instance.application(api)) as application:
        yield application


async def test_offers_have_buttons_and_a_call_button_gives_the_number(
        api: FakeBotApi, bot: Application) -> None:
    api.push_text(21, "matutdeling på Tøyen")
    await replies(api, 21, 1)
    under = buttons(api, 21)
    assert under["call:0"].startswith("📞 Ring") and under["wrong:0"] == "Stemmer ikke"
    api.push_update(21, "callback_query", data="call:0")
    texts = await replies(api, 21, 2)
    assert "22 99 99 01" in texts[1]
    assert len(api.calls_of("answerCallbackQuery")) == 1


async def test_not_right_is_counted_for_the_offer(api: FakeBotApi, bot: Application,
                                                 instance: Instance) -> None:
    api.push_text(32, "matutdeling på Tøyen")
    await replies(api, 32, 1)
    api.push_update(32, "callback_query", data="wrong:0")
    await replies(api, 32, 2)
    assert "Telefonnummer" in buttons(api, 32).values()
    api.push_update(32, "callback_query", data="wrong:0:phone")
    assert "Takk" in (await replies(api, 32, 3))[2]
    assert OfferReports(instance.sessions).count("oslo-toyen-mat") == 1


async def test_a_forged_button_is_refused_kindly(api: FakeBotApi, bot: Application) -> None:
    api.push_update(22, "callback_query", data="wrong:99")
    assert "virker ikke lenger" in (await replies(api, 22, 1))[0]


async def test_asking_for_the_place_offers_location_sharing_and_a_location_answers(
        api: FakeBotApi, bot: Application) -> None:
    api.push_text(23, "trenger mat")
    await replies(api, 23, 1)
    keyboard = markup(api, 23)["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    api.push_update(23, "message", location={"latitude": 59.9146, "longitude": 10.7700})
    texts = await replies(api, 23, 2)
    assert "Tøyen" in texts[1] or "oslo-toyen-mat" in texts[1]
    assert "22 99 99 01" in texts[1]


async def test_the_follow_up_question_offers_its_likely_answers(api: FakeBotApi,
                                                               bot: Application) -> None:
    api.push_text(24, "jeg bor i Trondheim")
    await replies(api, 24, 1)
    assert "need:homework" in buttons(api, 24)
    api.push_update(24, "callback_query", data="need:homework")
    texts = await replies(api, 24, 2)
    assert "trd-tirsdag" in texts[1]


async def test_slett_removes_both_sides_of_the_conversation_and_the_state(
        api: FakeBotApi, bot: Application) -> None:
    asked = api.push_text(25, "trenger mat")
    await replies(api, 25, 1)
    answered = api.push_text(25, "Tøyen")
    await replies(api, 25, 2)
    ours = [m["message_id"] for m in api.sent if int(m["chat_id"]) == 25]
    api.push_text(25, "/slett")
    texts = await replies(api, 25, 3)
    assert "glemt" in texts[2]
    deleted = set(api.deleted[25])
    assert {asked["message"]["message_id"], answered["message"]["message_id"]} <= deleted
    assert set(ours) <= deleted
    api.push_text(25, "Tøyen")  # the need was forgotten with the rest
    assert "Hva slags hjelp" in (await replies(api, 25, 4))[3]


async def test_crisis_answer_has_a_delete_button_that_deletes(api: FakeBotApi,
                                                              bot: Application) -> None:
    first = api.push_text(26, "jeg vil ikke leve lenger")
    await replies(api, 26, 1)
    assert buttons(api, 26) == {"del": "Slett samtalen"}
    api.push_update(26, "callback_query", data="del")
    await replies(api, 26, 2)
    assert first["message"]["message_id"] in api.deleted[26]


async def test_sted_sets_and_forgets_the_place(api: FakeBotApi, bot: Application) -> None:
    api.push_text(27, "/sted Bergen")
    assert "Bergen" in (await replies(api, 27, 1))[0]
    api.push_text(27, "/sted")
    texts = await replies(api, 27, 2)
    assert "glemt stedet" in texts[1]
    assert markup(api, 27)["keyboard"][0][0]["request_location"] is True


async def test_start_with_a_place_from_a_link(api: FakeBotApi, bot: Application) -> None:
    api.push_text(28, "/start Tromso")
    assert "Tromsø" in (await replies(api, 28, 1))[0]


async def test_stickers_and_photos_get_a_kind_word(api: FakeBotApi, bot: Application) -> None:
    api.push_update(29, "message", sticker={
        "file_id": "x", "file_unique_id": "x", "type": "regular", "width": 1, "height": 1,
        "is_animated": False, "is_video": False})
    assert "kan bare lese tekst" in (await exactly(api, 29, 1))[0]


async def test_an_edited_message_is_answered_as_meant(api: FakeBotApi, bot: Application) -> None:
    api.push_update(30, "edited_message", text="trenger leksehjelp i Trondheim")
    assert "trd-tirsdag" in (await exactly(api, 30, 1))[0]


async def test_a_4000_character_message_is_read_and_answered(api: FakeBotApi,
                                                             bot: Application) -> None:
    long = ("Jeg har det vanskelig og trenger mat. " * 120)[:4000]
    api.push_text(31, long)
    texts = await exactly(api, 31, 1)
    assert all(len(t) <= 4096 for t in texts)


async def test_the_command_menu_is_set_in_each_language(api: FakeBotApi,
                                                        bot: Application) -> None:
    menus = {c.get("language_code"): json.loads(c["commands"]) if isinstance(c["commands"], str)
             else c["commands"] for c in api.calls_of("setMyCommands")}
    assert {None, "nb", "nn", "en"} <= set(menus)
    assert [c["command"] for c in menus["nb"]] == ["start", "hjelp", "sted", "slett", "personvern"]
    assert menus["nn"][2]["description"] == "Set eller gløym staden min"
    assert menus["en"][3]["description"] == "Delete this conversation"


async def test_each_chat_in_order_while_chats_run_side_by_side(api: FakeBotApi,
                                                              bot: Application) -> None:
    # A need, then its place, then "show more", pushed at once for five people: every
    # person's answers must come in the order they wrote, whatever the others do.
    for chat in range(40, 45):
        api.push_text(chat, "trenger mat")
        api.push_text(chat, "Tøyen")
        api.push_text(chat, "hei")
    for chat in range(40, 45):
        texts = await exactly(api, chat, 3, settle=0.5)
        assert "Hvor bor du" in texts[0]
        assert "22 99 99 01" in texts[1]
        assert "Losen" in texts[2]
