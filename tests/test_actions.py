"""Buttons, shared locations and /sted: the steps a reply offers, checked on the server."""

from __future__ import annotations

from datetime import datetime

import pytest
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.locate import place_at
from losen.bot.state import MemoryStateStore
from losen.catalogue.opening import OSLO

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)


@pytest.fixture
def reports() -> list[str]:
    return []


@pytest.fixture
def dialogue(reports: list[str]) -> Dialogue:
    return Dialogue(index(), MemoryStateStore(),
                    record_report=lambda offer_id, what, _now: reports.append(f"{offer_id}:{what}"))


def test_offers_come_with_call_and_not_right_buttons_numbered_in_order(dialogue: Dialogue) -> None:
    answer = dialogue.answer("a", "matutdeling på Tøyen", NOW)
    assert answer.reply.kind == "offers"
    data = [a.data for a in answer.actions]
    for n, m in enumerate(answer.reply.matches):
        assert f"wrong:{n}" in data
        assert (f"call:{n}" in data) == bool(m.offer.phone)
    call = dialogue.act("a", "call:0", NOW)
    assert call.reply.kind == "call"
    assert call.reply.offer is not None and call.reply.offer.id == answer.reply.matches[0].offer.id
    assert "22 99 99 01" in call.text


def test_not_right_reports_the_offer_and_nothing_about_the_person(
        dialogue: Dialogue, reports: list[str]) -> None:
    answer = dialogue.answer("a", "matutdeling på Tøyen", NOW)
    ask = dialogue.act("a", "wrong:1", NOW)
    offer = answer.reply.matches[1].offer
    assert ask.reply.kind == "report_what" and ask.reply.offer == offer
    assert offer.name in ask.text
    assert [a.data for a in ask.actions] == [f"wrong:1:{w}" for w in
                                             ("phone", "hours", "place", "closed", "other")]
    assert reports == []  # nothing counted before they say what
    reply = dialogue.act("a", "wrong:1:hours", NOW)
    assert reply.reply.kind == "reported"
    assert reports == [f"{offer.id}:hours"]


@pytest.mark.parametrize("data", ["call:7", "wrong:-1", "call:x", "need:pizza", "drop table",
                                  "call:0:1", "", "more", "wrong:0:phone", "wrong:5:hours"])
def test_forged_or_stale_buttons_change_nothing(dialogue: Dialogue, reports: list[str],
                                                data: str) -> None:
    # A conversation with no offers shown: every button but a valid need is stale.
    dialogue.answer("a", "hei", NOW)
    reply = dialogue.act("a", data, NOW)
    assert reply.reply.kind == "expired"
    assert reports == []


@pytest.mark.parametrize("data", ["wrong:0:pizza", "wrong:0:", "call:0:phone", "wrong:0:phone:x"])
def test_a_report_with_a_made_up_kind_counts_nothing(dialogue: Dialogue, reports: list[str],
                                                     data: str) -> None:
    dialogue.answer("a", "matutdeling på Tøyen", NOW)
    reply = dialogue.act("a", data, NOW)
    assert reply.reply.kind in ("expired", "report_what")
    assert reports == []


def test_a_need_button_answers_the_follow_up_question(dialogue: Dialogue) -> None:
    ask = dialogue.answer("a", "jeg bor i Trondheim", NOW)
    assert ask.reply.kind == "ask_need"
    assert "need:homework" in [a.data for a in ask.actions]
    offers = dialogue.act("a", "need:homework", NOW)
    assert offers.reply.kind == "offers"
    assert offers.reply.matches[0].offer.id == "trd-tirsdag"


def test_show_more_numbers_continue_where_the_first_page_stopped(dialogue: Dialogue) -> None:
    first = dialogue.answer("a", "trenger mat i Oslo", NOW)
    assert first.reply.more_available  # the fixture catalogue has more than a page of food
    more = dialogue.act("a", "more", NOW)
    assert more.reply.first_index == len(first.reply.matches)
    assert f"wrong:{len(first.reply.matches)}" in [a.data for a in more.actions]


def test_delete_button_under_crisis_forgets_the_conversation(dialogue: Dialogue) -> None:
    dialogue.answer("a", "trenger mat", NOW)
    crisis = dialogue.answer("a", "jeg vil ikke leve lenger", NOW)
    assert [a.data for a in crisis.actions] == ["del"]
    assert dialogue.act("a", "del", NOW).reply.kind == "deleted"
    assert dialogue.answer("a", "Tøyen", NOW).reply.kind == "ask_need"  # the need is gone


def test_asking_for_a_place_offers_the_location_button(dialogue: Dialogue) -> None:
    ask = dialogue.answer("a", "trenger mat", NOW)
    assert [(a.data, a.kind) for a in ask.actions] == [("location", "location")]


@pytest.mark.parametrize(("lat", "lon", "kommune", "bydel"), [
    (59.9146, 10.7700, "0301", "Gamle Oslo"),    # Tøyen
    (60.3913, 5.3221, "4601", "Bergenhus"),      # Bergen centre
    (69.6492, 18.9553, "5501", None),            # Tromsø
    (69.0, 23.04, "5612", None),                 # Kautokeino (Guovdageaidnu)
])
def test_a_shared_location_is_the_nearest_kommune(lat: float, lon: float, kommune: str,
                                                  bydel: str | None) -> None:
    place = place_at(lat, lon)
    assert place is not None and place.kommunenummer == kommune and place.kind == "location"
    assert place.bydel == bydel


@pytest.mark.parametrize(("lat", "lon"), [(52.52, 13.40), (59.0, 2.0), (78.2, 15.6)])
def test_a_location_outside_norway_is_said_plainly(dialogue: Dialogue, lat: float,
                                                   lon: float) -> None:
    assert place_at(lat, lon) is None
    assert dialogue.locate("a", lat, lon, NOW).reply.kind == "outside"


def test_a_location_completes_a_need(dialogue: Dialogue) -> None:
    dialogue.answer("a", "trenger mat", NOW)
    offers = dialogue.locate("a", 59.9146, 10.7700, NOW)
    assert offers.reply.kind == "offers"
    assert offers.reply.matches[0].offer.id == "oslo-toyen-mat"


def test_sted_sets_and_forgets_the_place(dialogue: Dialogue) -> None:
    dialogue.answer("a", "trenger leksehjelp", NOW)
    offers = dialogue.set_place("a", "Trondheim", NOW)
    assert offers.reply.kind == "offers" and offers.reply.place is not None
    forgotten = dialogue.set_place("a", "", NOW)
    assert forgotten.reply.kind == "place_forgotten"
    again = dialogue.answer("a", "Tøyen", NOW)  # the need is kept, the place is new
    assert again.reply.kind in ("offers", "nothing") and again.reply.need == "homework"
    assert again.reply.place is not None and again.reply.place.kommunenummer == "0301"
