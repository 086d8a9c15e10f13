"""Bad input that the properties of ``test_fuzz.py`` found to fail, pinned as examples."""

from __future__ import annotations

import html
import json
from datetime import datetime

import pytest
from catalogue_fixture import index
from conftest import TODAY
from losen.bot.desk import Desk
from losen.bot.dialogue import Dialogue
from losen.bot.telegram_send import message_pieces
from losen.catalogue.csvio import read_csv
from losen.catalogue.db import open_database
from losen.catalogue.errors import ImportRefused
from losen.catalogue.hsds import read_hsds, write_hsds
from losen.catalogue.opening import OSLO
from losen.catalogue.records import Offer

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)


@pytest.mark.parametrize("data", ["call:²", "wrong:³:phone", "call:" + "9" * 5000,
                                  "wrong:" + "0" * 5000 + ":phone"])
def test_a_forged_button_with_odd_digits_expires_instead_of_failing(data: str) -> None:
    """Found by the forged_button property: "²".isdigit() is true but int("²") fails, and
    int() refuses more than 4,300 digits."""
    dialogue = Dialogue(index())
    dialogue.answer("c", "trenger mat på Tøyen", NOW)
    assert dialogue.act("c", data, NOW).reply.kind == "expired"
    assert dialogue.act("c", "call:0", NOW).reply.kind == "call"


def test_a_long_message_is_never_cut_inside_an_escaped_character() -> None:
    """Found by the message_pieces property: the text was escaped before it was split, so a
    cut at 4,096 could fall inside "&amp;" and Telegram would refuse the piece as bad HTML
    (a volunteer's 4,000-character description with "&" in it, shown back to them)."""
    text = "a" * 4095 + "& prat" + "b" * 100
    pieces = message_pieces(text)
    assert [html.unescape(p) for p in pieces] == [text[:4096], text[4096:]]
    assert all(html.escape(html.unescape(p)) == p for p in pieces)


@pytest.mark.parametrize(("field", "value", "column"), [
    ("organization", 1, "organization"),
    ("service_areas", [None], "service_areas"),
    ("service_at_locations", [{"location": {"addresses": [1]}}], "service_at_locations"),
    ("attributes", [1], "attributes"),
    ("attributes", [{"link_type": "losen-needs", "taxonomy_term_id": "x:food",
                     "value": "first"}], "attributes"),
    ("attributes", [{"link_type": "losen-labels", "taxonomy_term_id": "x:1", "value": "true"}],
     "attributes"),
    ("schedules", [{"byday": "XX", "opens_at": "10:00", "closes_at": "12:00"}], "schedules"),
    ("schedules", [{"byday": "MO", "opens_at": "xx", "closes_at": "12:00"}], "schedules"),
    ("schedules", [{"byday": 3, "opens_at": 1, "closes_at": 2}], "schedules"),
    ("phones", [{"number": "abc"}], "phone"),
    ("name", {"nb": "Matutdeling"}, "name"),
])
def test_an_hsds_service_of_the_wrong_form_is_refused_by_its_number(
        small_csv: str, field: str, value: object, column: str) -> None:
    """Found by the hsds_field property: a value of the wrong form in one service raised
    AttributeError, ValueError, IndexError or NumberParseException, or (an unknown label code)
    was read and then broke the export."""
    page = json.loads(write_hsds(read_csv(small_csv, TODAY)))
    page["contents"][2][field] = value
    with pytest.raises(ImportRefused) as refused:
        read_hsds(json.dumps(page), TODAY)
    assert [(p.line, p.column, p.record) for p in refused.value.problems] == [(3, column, True)]
    assert refused.value.render("en")[0].startswith(f"Service no. 3, column {column}: ")


@pytest.mark.parametrize("text", ["[" * 100_000, "[" + "1" * 5000 + "]"])
def test_json_too_deep_or_with_too_long_a_number_is_refused(text: str) -> None:
    """Found by probing read_hsds: json.loads raises RecursionError or a plain ValueError
    here, not JSONDecodeError."""
    with pytest.raises(ImportRefused) as refused:
        read_hsds(text, TODAY)
    assert refused.value.problems[0].message == "The file is not valid JSON: {error}"


def test_hsds_still_reads_back_what_it_wrote(small_csv: str) -> None:
    offers: list[Offer] = read_csv(small_csv, TODAY)
    assert read_hsds(write_hsds(offers), TODAY) == sorted(offers, key=lambda o: o.id)


@pytest.mark.parametrize("data", ["v:\x00", "v:AAAA\x00AAAA"])
def test_a_forged_desk_button_holding_nul_no_longer_works(database_url: str, data: str) -> None:
    """Found by the desk_stranger property on PostgreSQL: the token was looked up as given,
    and PostgreSQL refuses text holding NUL (DataError) where SQLite finds nothing."""
    _, sessions = open_database(database_url)
    reply = Desk(sessions).press("telegram:1", data, "nb", NOW)
    assert "virker ikke lenger" in reply.text


def test_an_hsds_area_of_a_kind_losen_does_not_read_may_hold_anything(small_csv: str) -> None:
    """The form is checked only where Losen reads: a polygon area from another system stays
    harmless."""
    offers = read_csv(small_csv, TODAY)
    page = json.loads(write_hsds(offers))
    page["contents"][0]["service_areas"].append(
        {"extent_type": "geojson", "extent": {"type": "Polygon", "coordinates": [[[10, 59]]]}})
    assert read_hsds(json.dumps(page), TODAY) == sorted(offers, key=lambda o: o.id)
