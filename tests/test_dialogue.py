"""The dialogue: one path for every channel, from a message to the reply a person reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.state import TTL, MemoryStateStore
from losen.catalogue.db import open_database
from losen.catalogue.opening import OSLO
from losen.catalogue.stats import UnmetNeeds
from sqlalchemy import inspect, text

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)


@pytest.fixture
def dialogue() -> Dialogue:
    return Dialogue(index(), MemoryStateStore())


def test_a_need_without_a_place_asks_one_question_and_the_place_completes_it(
        dialogue: Dialogue) -> None:
    first = dialogue.answer("a", "trenger mat", NOW)
    assert first.reply.kind == "ask_place"
    assert first.text == "Hvor bor du, eller hvilket postnummer har du?"
    second = dialogue.answer("a", "Tøyen", NOW)
    assert second.reply.kind == "offers"
    assert second.reply.matches[0].offer.id == "oslo-toyen-mat"
    assert "Åpent nå, til 15:00" in second.text and "Telefon: 22 99 99 01" in second.text


def test_a_place_without_a_need_asks_what_kind_of_help(dialogue: Dialogue) -> None:
    first = dialogue.answer("b", "jeg bor i Trondheim", NOW)
    assert first.reply.kind == "ask_need" and "Trondheim" in first.text
    second = dialogue.answer("b", "leksehjelp", NOW)
    assert second.reply.kind == "offers"
    assert second.reply.matches[0].offer.id == "trd-tirsdag"


def test_context_expires(dialogue: Dialogue) -> None:
    dialogue.answer("c", "trenger mat", NOW)
    later = dialogue.answer("c", "Tøyen", NOW + TTL + timedelta(minutes=1))
    assert later.reply.kind == "ask_need"


def test_conversations_do_not_mix(dialogue: Dialogue) -> None:
    dialogue.answer("d1", "trenger mat", NOW)
    assert dialogue.answer("d2", "Tøyen", NOW).reply.kind == "ask_need"


def test_at_most_three_offers_and_vis_flere_shows_the_next(dialogue: Dialogue) -> None:
    first = dialogue.answer("e", "mat på Tøyen", NOW)
    assert len(first.reply.matches) == 3 and first.reply.more_available
    assert "vis flere" in first.text
    more = dialogue.answer("e", "vis flere", NOW)
    shown = {m.offer.id for m in first.reply.matches}
    assert more.reply.matches and not shown & {m.offer.id for m in more.reply.matches}


def test_crisis_comes_first_and_alone_with_the_lines(dialogue: Dialogue) -> None:
    answer = dialogue.answer("f", "vil dø, har ikke mat i Oslo", NOW)
    assert answer.reply.kind == "crisis"
    assert not answer.reply.matches
    assert answer.text.index("113") < answer.text.index("116 123")
    assert "22 40 00 40" in answer.text and "Er du trygg" in answer.text
    assert "Matutdeling" not in answer.text


def test_violence_gets_the_violence_lines(dialogue: Dialogue) -> None:
    answer = dialogue.answer("g", "samboeren min slår meg", NOW)
    assert "112" in answer.text and "116 006" in answer.text
    assert "ikke din skyld" in answer.text


def test_nav_question_gets_an_honest_answer_and_offers_without_nav(dialogue: Dialogue) -> None:
    dialogue.answer("h", "bor på Tøyen", NOW)
    answer = dialogue.answer("h", "ser NAV det jeg skriver her?", NOW)
    assert answer.reply.kind == "nav"
    assert "Losen er ikke NAV" in answer.text and "55 55 33 33" in answer.text
    assert "55 55 33 39" in answer.text


def test_human_gets_lines_where_a_person_answers(dialogue: Dialogue) -> None:
    answer = dialogue.answer("i", "kan jeg snakke med et menneske?", NOW)
    assert answer.reply.kind == "human" and "116 123" in answer.text


@pytest.mark.parametrize(
    ("message", "fragment"),
    [
        ("trenger mat", "Hvor bor du"),
        ("eg treng mat", "Kvar bur du"),
        ("I need food", "Where do you live"),
    ],
)
def test_the_reply_follows_the_language(dialogue: Dialogue, message: str, fragment: str) -> None:
    assert fragment in dialogue.answer("j" + message, message, NOW).text


@pytest.mark.parametrize("intent_text", ["hei", "takk", "ha det", "hva kan du", "hvordan blir været"])
def test_small_talk_steers_back_to_what_losen_does(dialogue: Dialogue, intent_text: str) -> None:
    answer = dialogue.answer("k", intent_text, NOW)
    assert answer.text and answer.reply.kind in {"greeting", "thanks", "goodbye", "help",
                                                 "out_of_scope"}


def test_slett_forgets_at_once(dialogue: Dialogue) -> None:
    store = dialogue.states
    assert isinstance(store, MemoryStateStore)
    dialogue.answer("l", "trenger mat", NOW)
    assert "l" in store.states
    answer = dialogue.answer("l", "slett alt om meg", NOW)
    assert answer.reply.kind == "deleted" and "l" not in store.states
    assert dialogue.answer("l", "Tøyen", NOW).reply.kind == "ask_need"


def test_state_holds_no_message_text(dialogue: Dialogue) -> None:
    dialogue.answer("m", "trenger mat, hemmelig-sentinel-1234", NOW)
    state = dialogue.states.load("m", NOW)  # type: ignore[attr-defined]
    assert "sentinel" not in repr(state)


def test_nothing_fits_is_said_honestly_and_counted_without_user_id(tmp_path: Path) -> None:
    _, sessions = open_database(f"sqlite:///{tmp_path / 'u.sqlite3'}")
    unmet = UnmetNeeds(sessions)
    dialogue = Dialogue(index(), MemoryStateStore(), record_unmet=unmet.record)
    answer = dialogue.answer("user-42", "trenger mat i Tromsø", NOW)
    assert answer.reply.kind == "nothing"
    assert "fant ikke noe" in answer.text and "Tromsø" in answer.text
    assert "bodo-mat" not in {m.offer.id for m in answer.reply.matches}
    dialogue.answer("user-43", "matutdeling Tromsø", NOW)
    assert unmet.report() == [("2026-W48", "5501", "food", 2)]
    columns = {c["name"] for c in inspect(sessions.kw["bind"]).get_columns("unmet_need")}
    assert columns == {"id", "need", "kommunenummer", "week", "count"}
    with sessions() as session:
        dump = " ".join(str(r) for r in session.execute(text("SELECT * FROM unmet_need")))
    assert "user-42" not in dump and "matutdeling" not in dump


def test_every_channel_gets_the_same_answer(dialogue: Dialogue) -> None:
    a = Dialogue(index(), MemoryStateStore()).answer("x", "leksehjelp i Trondheim", NOW)
    b = dialogue.answer("y", "leksehjelp i Trondheim", NOW)
    assert a.text == b.text


@pytest.mark.parametrize(("question", "lang", "minutes", "hours"), [
    ("/personvern", "nb", "30 minutter", "48 timer"),
    ("blir det eg skriv lagra nokon stad?", "nn", "30 minutt", "48 timar"),
    ("is this chat stored anywhere?", "en", "30 minutes", "48 hours"),
])
def test_the_privacy_statement_says_what_is_kept_and_how_long(
        dialogue: Dialogue, question: str, lang: str, minutes: str, hours: str) -> None:
    answer = dialogue.answer("p", question, NOW)
    assert answer.reply.kind == "privacy" and answer.reply.lang == lang
    assert minutes in answer.text and hours in answer.text and "/slett" in answer.text
