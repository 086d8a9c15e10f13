"""Fuzzing and bad input (issue 8): properties that must hold for any input, with hypothesis.

Every property is a plain check over generated inputs, listed in :data:`PROPERTIES` with the
number of examples CI tries. ``bench/fuzz.py`` runs the same properties with many more
examples. Runs are derandomized, so CI tries the same inputs every time.
"""

from __future__ import annotations

import atexit
import csv
import html
import io
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from catalogue_fixture import index, offer
from conftest import POSTGRES_ENV, _postgres_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from losen.bot import desk_buttons
from losen.bot.desk import Desk
from losen.bot.desk_views import parse_day
from losen.bot.dialogue import Dialogue
from losen.bot.telegram_send import message_pieces, split_message
from losen.catalogue import audit, people
from losen.catalogue.csvio import HEADER, read_csv, write_csv
from losen.catalogue.db import open_database
from losen.catalogue.errors import ImportRefused
from losen.catalogue.hsds import read_hsds, write_hsds
from losen.catalogue.matching import CatalogueIndex
from losen.catalogue.opening import OSLO
from losen.catalogue.records import Offer
from losen.catalogue.schedule import ScheduleError, format_schedule, parse_schedule
from losen.catalogue.store import load_offers, save_offers
from losen.catalogue.taxonomy import NEED_CODES
from losen.intents import INTENTS, understand
from sqlalchemy.orm import Session, sessionmaker

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)

# ---------------------------------------------------------------------- strategies
FRAGMENTS = (
    # Norwegian, dialect and the words that steer the dialogue
    "trenger mat", "æ treng ikkje", "på Tøyen", "i Bergen", "0653", "9008", "Oslo", "Tromsø",
    "ÆØÅ æøå", "vis flere", "slett", "hei", "takk", "/start", "/sted", "/mine", "/slett",
    "selvmord", "vil dø", "NAV", "leksehjelp", "frivillig", "jeg vil snakke med et menneske",
    # other scripts, right to left, emoji, joiners and marks
    "أحتاج طعام في أوسلو", "אני צריך עזרה", "\u202eolso\u202c", "😀", "👨\u200d👩\u200d👧",
    "🏳️\u200d🌈", "a\u200bb", "\u200c", "\ufeff", "e\u0301", "a\u0308\u0308\u0308", "İ", "ß",
    "ﬀ", "Ⅻ", "²³", "١٢٣٤", "０６５３", "𝔪𝔞𝔱",
    # markup and control characters
    "<b>hei</b>", "<script>alert(1)</script>", "&amp;", "&lt;", "<", ">", "&", "\"'",
    "\x00", "\x1b[31m", "\r\n", "\t", "\u2028", "\x85", "\x7f",
    # punctuation the tokenizer and parsers split on
    "-", "–", "'", "’", ":", ";", ",", ".", "...", "!!!", "???", "heiiiiiiii", "nav-kontor",
)
messy_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=12)
    .map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    st.text(alphabet=st.characters(categories=["Zs", "Zl", "Zp", "Cc", "Cf"]), max_size=30),
)
huge_text = st.builds(lambda piece, n: (piece * n)[:50_000],
                      st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=20)),
                      st.integers(1, 50_000))
any_text = st.one_of(messy_text, huge_text, st.sampled_from((
    "", " \n\t ", "\u200b" * 50_000, "trenger mat i Oslo " * 2700, "a" * 50_000,
    "/start " + "<b>" * 16_000)))

FORGED_DATA = (
    "wrong:999999999999:phone", "call:-1", "need:../../etc", "more:x", "more", "del", "need:",
    "need:food", "need:FOOD", "call:0", "call:1", "call:2", "call:3", "wrong:0", "wrong:0:phone",
    "wrong:0:../../etc", "wrong:1:closed", "call:0:x", "call:²", "call:١", "call:０",
    "call:" + "9" * 5000, "wrong:" + "9" * 5000 + ":phone", "call: 1", "call:+1", "call:1_0",
    "location", "v:", ":", "::", "", "\x00", "need:food:extra",
)
callback_data = st.one_of(
    st.text(max_size=70),
    st.sampled_from(FORGED_DATA),
    st.builds(lambda verb, arg, what: f"{verb}:{arg}" + (f":{what}" if what else ""),
              st.sampled_from(("call", "wrong", "need", "more", "del", "x")),
              st.one_of(st.integers(-5, 10**15).map(str), st.sampled_from(NEED_CODES),
                        st.text(max_size=10)),
              st.one_of(st.just(""), st.sampled_from(("phone", "hours", "place", "closed",
                                                      "other")), st.text(max_size=10))),
)
any_float = st.floats(allow_nan=True, allow_infinity=True)
norway_float = st.one_of(st.floats(57.0, 72.0), st.floats(3.0, 32.0))
# The times a person writes in: datetime.now(OSLO), never an imaginary local time.
any_now = st.datetimes(datetime(2020, 1, 1), datetime(2040, 12, 31), timezones=st.just(OSLO),
                       allow_imaginary=False)
conversation_steps = st.lists(
    st.one_of(st.tuples(st.just("answer"), st.one_of(messy_text, st.sampled_from(FRAGMENTS))),
              st.tuples(st.just("act"), callback_data),
              st.tuples(st.just("set_place"), messy_text),
              st.tuples(st.just("locate"), st.tuples(st.one_of(any_float, norway_float),
                                                     st.one_of(any_float, norway_float)))),
    min_size=1, max_size=8)

DAY_WORDS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "man",
             "tirs", "tys", "ons", "tor", "fre", "lør", "laur", "søn", "sun", "Måndag",
             "hverdager", "kvardagar", "daglig", "dagleg", "alle dager", "helg", "Mandag",
             "TIRSDAG", "sondag", "lordag", "og", "etter avtale", "ring først")
schedule_item = st.builds(
    lambda days, oh, om, dash, ch, cm, kl: f"{days}{kl}{oh}{om}{dash}{ch}{cm}",
    st.lists(st.sampled_from(DAY_WORDS), min_size=1, max_size=3).flatmap(
        lambda ds: st.sampled_from((" ", "-", "–", ", ", " og ", "&")).map(
            lambda sep: sep.join(ds))),
    st.integers(0, 30).map(str), st.sampled_from(("", ":00", ":30", ".15", ":60", ":5")),
    st.sampled_from(("-", "–", " - ", "")),
    st.integers(0, 30).map(str), st.sampled_from(("", ":00", ":45", ".30", ":99")),
    st.sampled_from((" ", " kl ", " kl. ", "")),
)
schedule_text = st.one_of(
    st.text(),
    st.lists(st.one_of(schedule_item, st.sampled_from(DAY_WORDS), st.text(max_size=10)),
             max_size=5).map(";".join),
    st.lists(st.sampled_from(FRAGMENTS + DAY_WORDS + ("10", "12:00", "-", " ", ";")),
             max_size=10).map("".join),
)
day_text = st.one_of(
    st.text(max_size=30),
    st.builds(lambda d, sep, m, year: f"{d}{sep}{m}{year}",
              st.integers(-1, 40).map(str), st.sampled_from((".", "/", ". ", " ", "-")),
              st.one_of(st.integers(0, 14).map(str),
                        st.sampled_from(("januar", "feb", "mai", "des.", "oct", "Juni",
                                         "æøå"))),
              st.sampled_from(("", ".2027", "/27", ".0000", " 2027", ".99999", "."))),
    st.dates().map(date.isoformat),
)

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        st.text(max_size=20))
any_json = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)

# ---------------------------------------------------------------------- understanding

SPEAKING = ("nb", "nn", "en")


def check_understanding(text: str) -> None:
    u = understand(text)
    assert u.intent in INTENTS
    assert all(code in NEED_CODES for code in u.needs)
    assert u.need == (u.needs[0] if u.needs else None)
    assert u.language in SPEAKING
    assert u.crisis == (u.intent == "crisis")
    assert understand(text) == u, "the same text must be understood the same way"
    json.dumps(u.as_json())


# ---------------------------------------------------------------------- dialogue

REPLY_KINDS = frozenset({
    "crisis", "offers", "no_more", "nothing", "ask_place", "ask_need", "nav", "human",
    "volunteer", "deleted", "call", "report_what", "reported", "expired", "outside",
    "place_forgotten", "greeting", "thanks", "goodbye", "help", "privacy", "out_of_scope",
})


@cache
def _fixture_index() -> CatalogueIndex:
    return index()


def check_conversation(steps: list[tuple[str, Any]], now: datetime) -> None:
    """A conversation of messages, buttons (real or forged), /sted and shared locations: a
    known kind of reply every time, and a button names only an offer the person was shown."""
    reports: list[tuple[str, str]] = []
    dialogue = Dialogue(_fixture_index(), record_report=lambda i, w, _n: reports.append((i, w)),
                        record_unmet=lambda *_: None)
    shown: set[str] = set()
    for verb, arg in steps:
        if verb == "answer":
            answer = dialogue.answer("c", arg, now)
        elif verb == "act":
            answer = dialogue.act("c", arg, now)
        elif verb == "set_place":
            answer = dialogue.set_place("c", arg, now)
        else:
            answer = dialogue.locate("c", arg[0], arg[1], now)
        reply = answer.reply
        assert reply.kind in REPLY_KINDS, reply.kind
        assert reply.lang in SPEAKING
        assert isinstance(answer.text, str) and answer.text.strip()
        assert all(len(a.data.encode()) <= 64 for a in answer.actions)
        json.dumps(answer.as_json())
        assert reply.offer is None or reply.offer.id in shown
        shown |= {m.offer.id for m in reply.matches}
    assert all(offer_id in shown and what in ("phone", "hours", "place", "closed", "other")
               for offer_id, what in reports)


def check_forged_button(data: str) -> None:
    """Any callback data after offers were shown: a known kind, never an exception, and an
    offer only if it is one the conversation was shown."""
    dialogue = Dialogue(_fixture_index())
    shown = {m.offer.id for m in dialogue.answer("c", "trenger mat på Tøyen", NOW).reply.matches}
    answer = dialogue.act("c", data, NOW)
    assert answer.reply.kind in REPLY_KINDS
    assert answer.reply.offer is None or answer.reply.offer.id in shown


def check_locate(lat: float, lon: float) -> None:
    dialogue = Dialogue(_fixture_index())
    dialogue.answer("c", "trenger mat", NOW)
    answer = dialogue.locate("c", lat, lon, NOW)
    assert answer.reply.kind in REPLY_KINDS
    if not (math.isfinite(lat) and math.isfinite(lon)):
        assert answer.reply.kind == "outside"


# ---------------------------------------------------------------------- schedule

def check_schedule(text: str) -> None:
    try:
        items = parse_schedule(text)
    except ScheduleError:
        return
    again = parse_schedule(format_schedule(items))
    assert again == items, (format_schedule(items), again)


# ---------------------------------------------------------------------- CSV

@cache
def small_csv() -> str:
    return (DATA / "small.csv").read_text("utf-8")


def _row_starts(text: str) -> set[int]:
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, line = set(), 1
    try:
        for _ in reader:
            starts.add(line)
            line = reader.line_num + 1
    except csv.Error:
        starts.add(line)
    return starts


def check_csv_text(text: str) -> None:
    try:
        offers = read_csv(text, TODAY)
    except ImportRefused as refused:
        for p in refused.problems:
            assert p.line is not None or p.message == "The file is empty.", p
            assert p.line is None or 1 <= p.line <= text.count("\n") + text.count("\r") + 2, p
            assert p.column is None or p.column in HEADER, p
            p.render("nb")
        return
    check_csv_round_trip(offers)


def check_csv_round_trip(offers: list[Any]) -> None:
    written = write_csv(offers)
    again = read_csv(written, TODAY)
    assert sorted(again, key=lambda o: o.id) == sorted(offers, key=lambda o: o.id)
    assert write_csv(again) == written


def check_csv_cell(row: int, column: int, value: str, quoted: bool) -> None:
    """A valid file with one cell replaced: written by a spreadsheet (quoted) or pasted in raw."""
    rows = list(csv.reader(io.StringIO(small_csv(), newline="")))
    row = 1 + row % (len(rows) - 1)
    rows[row][column % len(HEADER)] = value if quoted else "CELL-MARK"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue() if quoted else buf.getvalue().replace("CELL-MARK", value)
    try:
        offers = read_csv(text, TODAY)
    except ImportRefused as refused:
        starts = _row_starts(text)
        for p in refused.problems:
            assert p.line is not None, p
            assert p.line in starts or p.line == 1, (p, starts)
            assert p.column is None or p.column in HEADER, p
            p.render("nn")
        return
    check_csv_round_trip(offers)


VALID_CELLS: dict[str, st.SearchStrategy[str]] = {
    "name": st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40)
    .filter(str.strip),
    "description": st.text(max_size=60),
    "needs": st.lists(st.sampled_from(NEED_CODES), min_size=1, max_size=4).map("|".join),
    "latitude": st.floats(57.0, 72.0).map(lambda f: repr(f).replace(".", ",")),
    "longitude": st.floats(4.0, 31.0).map(repr),
    "phone": st.sampled_from(("22 99 99 01", "+47 22 99 99 01", "004722999901", "915 55 555",
                              "+46 8 123 456 78", "116 123", "", "0047 915 55 555")),
    "schedule": schedule_text,
    "website": st.sampled_from(("example.org", "HTTP://example.org", "", "https://x.no/a?b=c")),
    "last_verified": st.dates(date(1900, 1, 1), TODAY).map(date.isoformat),
    "audience": st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1,
                                 max_size=8), max_size=3).map("|".join),
    "languages": st.lists(st.sampled_from(("nb", "NN", "en", "ar", "se")), max_size=3)
    .map("|".join),
    "free": st.sampled_from(("ja", "J", "yes", "nei", "N", "false", "", "TRUE")),
    "email": st.sampled_from(("a@b.no", "", "ola.nordmann+x@example.org")),
}
valid_cell = st.sampled_from(sorted(VALID_CELLS)).flatmap(
    lambda column: st.tuples(st.just(column), VALID_CELLS[column]))


def check_csv_valid_cell(row: int, cell: tuple[str, str]) -> None:
    """A value a volunteer could well mean; accepted or refused, written back it reads the same."""
    column, value = cell
    check_csv_cell(row, HEADER.index(column), value, quoted=True)


# ---------------------------------------------------------------------- HSDS

@cache
def hsds_export() -> str:
    return write_hsds(read_csv(small_csv(), TODAY))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += _paths(inner, (*path, i))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = value.copy()
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


def check_hsds_text(text: str) -> None:
    try:
        offers = read_hsds(text, TODAY)
    except ImportRefused as refused:
        for p in refused.problems:
            assert p.column is None or p.column.strip(), p
            p.render("en")
        return
    assert read_hsds(write_hsds(offers), TODAY) == sorted(offers, key=lambda o: o.id)


def check_hsds_json(value: Any) -> None:
    check_hsds_text(json.dumps(value))


def check_hsds_field(which: int, new: Any) -> None:
    """The valid export with one value (a field, a list item, a whole service) replaced:
    refused only with problems that name the service, or read back the same."""
    page = json.loads(hsds_export())
    paths = [p for p in _paths(page) if len(p) >= 3 and p[0] == "contents"]
    path = paths[which % len(paths)]
    changed = _replace(page, path, new)
    try:
        offers = read_hsds(json.dumps(changed), TODAY)
    except ImportRefused as refused:
        services = len(page["contents"])
        for p in refused.problems:
            assert p.record and p.line is not None and 1 <= p.line <= services, p
            p.render("nb")
        assert any(p.line == path[1] + 1 for p in refused.problems) or any(
            p.message.startswith("The id") for p in refused.problems), refused.problems
        return
    assert read_hsds(write_hsds(offers), TODAY) == sorted(offers, key=lambda o: o.id)


# ---------------------------------------------------------------------- the desk

ORG = "org-laget-a"
EDITOR = "telegram:101"
STRANGER = "telegram:666"


@dataclass
class DeskWorld:
    sessions: sessionmaker[Session]
    desk: Desk


DESK_DATABASE: str | None = None
"""Where the desk properties run: a SQLite file in a temporary folder unless a test sets it
(``test_desk_properties_on_postgresql``)."""


def desk_world() -> DeskWorld:
    return _desk_world(DESK_DATABASE)


@cache
def _desk_world(url: str | None) -> DeskWorld:
    if url is None:
        folder = tempfile.mkdtemp(prefix="losen-fuzz-")
        atexit.register(shutil.rmtree, folder, True)
        url = f"sqlite:///{folder}/fuzz.sqlite3"
    _, sessions = open_database(url)
    with sessions.begin() as session:
        save_offers(session, [
            offer("a-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget A"),
            offer("b-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget B"),
        ])
        token = people.create_invite(session, ORG, "editor", "cli", NOW)
        people.redeem_invite(session, token, EDITOR, "Kari", NOW)
    return DeskWorld(sessions, Desk(sessions))


def catalogue_snapshot(world: DeskWorld) -> tuple[tuple[Offer, ...], int]:
    with world.sessions() as session:
        return tuple(load_offers(session)), len(audit.events(session))


def check_desk_stranger(doings: list[tuple[str, str]]) -> None:
    """Someone with no role presses made-up buttons, types, sends a made-up invite, asks for
    /mine and cancels: a reply every time, never a change, never a role."""
    world = desk_world()
    before = catalogue_snapshot(world)
    for verb, data in doings:
        if verb == "press":
            reply = world.desk.press(STRANGER, data, "nb", NOW)
        elif verb == "text":
            reply = world.desk.text(STRANGER, data, "nb", NOW)
        elif verb == "join":
            reply = world.desk.join(STRANGER, data[:40], data, "nb", NOW)
        elif verb == "mine":
            reply = world.desk.mine(STRANGER, "nb", NOW)
        else:
            reply = world.desk.cancel(STRANGER, "nb", NOW)
        assert isinstance(reply.text, str) and reply.text
        assert not reply.actions, reply  # nothing to press either
    assert catalogue_snapshot(world) == before
    with world.sessions() as session:
        assert not people.roles_of(session, STRANGER).any


STEPS = (("field", "a-mat", "schedule"), ("field", "a-mat", "phone"),
         ("field", "a-mat", "address"), ("field", "a-mat", "description"),
         ("field", "a-mat", "name"),
         ("pause", "a-mat", None), ("new", None, ORG), ("open", "a-mat", None),
         ("field", "b-mat", "name"), ("new", None, "org-laget-b"))


def check_desk_editor(step: int, answers: list[str], button: str) -> None:
    """An editor in a step types anything: never an exception, and the other organisation's
    offer never changes; a made-up or altered button does nothing."""
    world = desk_world()
    action, offer_id, arg = STEPS[step % len(STEPS)]
    with world.sessions.begin() as session:
        data = desk_buttons.mint(session, EDITOR, action, NOW, offer_id=offer_id, arg=arg)
    other = [o for o in catalogue_snapshot(world)[0] if o.id == "b-mat"]
    world.desk.press(EDITOR, data, "nb", NOW)
    for answer in answers:
        reply = world.desk.text(EDITOR, answer, "nb", NOW)
        assert isinstance(reply.text, str) and reply.text
    before = catalogue_snapshot(world)
    for forged in (button, data + button, data[:-1] + button[:1], button + data):
        if forged != data:
            reply = world.desk.press(EDITOR, forged, "nb", NOW)
            assert isinstance(reply.text, str) and reply.text
    assert catalogue_snapshot(world) == before
    world.desk.cancel(EDITOR, "nb", NOW)
    assert [o for o in catalogue_snapshot(world)[0] if o.id == "b-mat"] == other


def check_parse_day(text: str) -> None:
    found = parse_day(text, TODAY)
    assert found is None or isinstance(found, date)


# ---------------------------------------------------------------------- Telegram text

def check_split(case: tuple[str, int | None]) -> None:
    text, limit = case
    pieces = split_message(text) if limit is None else split_message(text, limit)
    limit = limit or 4096
    assert all(0 < len(p) <= limit for p in pieces)
    # Joined back, the pieces are the text without some of the line breaks it was cut at.
    at = 0
    for n, piece in enumerate(pieces):
        while n and text.startswith("\n", at):
            at += 1
        assert text.startswith(piece, at), (piece, text[at:at + 100])
        at += len(piece)
    assert not text[at:].strip("\n")


def check_message_pieces(text: str) -> None:
    """What goes to Telegram: escaped pieces that never cut an entity in half, each at most
    4096 characters once Telegram has read the entities."""
    pieces = message_pieces(text)
    assert all(0 < len(html.unescape(p)) <= 4096 for p in pieces)
    assert all(html.escape(html.unescape(p)) == p for p in pieces)
    assert "".join(html.unescape(p) for p in pieces).replace("\n", "") == text.replace("\n", "")


long_lines = st.lists(st.one_of(st.sampled_from(("\n", "\n\n", "&", "<", "\"", "æ", "😀")),
                                st.text(max_size=300)), max_size=60).map("".join)
split_text = st.one_of(st.text(), long_lines,
                       st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=30),
                                 st.integers(1, 3000)))

# ---------------------------------------------------------------------- the list


@dataclass(frozen=True)
class Property:
    name: str
    check: Callable[..., None]
    strategies: tuple[st.SearchStrategy[Any], ...]
    examples: int
    """Examples tried in CI; ``bench/fuzz.py`` tries many more."""


PROPERTIES: tuple[Property, ...] = (
    Property("understanding", check_understanding, (any_text,), 800),
    Property("conversation", check_conversation, (conversation_steps, any_now), 400),
    Property("forged_button", check_forged_button, (callback_data,), 400),
    Property("locate", check_locate, (st.one_of(any_float, norway_float),
                                      st.one_of(any_float, norway_float)), 300),
    Property("schedule", check_schedule, (schedule_text,), 1500),
    Property("csv_text", check_csv_text, (st.one_of(st.text(), st.text().map(
        lambda t: ",".join(HEADER) + "\n" + t)),), 1000),
    Property("csv_cell", check_csv_cell, (st.integers(0, 100), st.integers(0, 100),
                                          messy_text, st.booleans()), 800),
    Property("csv_valid_cell", check_csv_valid_cell, (st.integers(0, 100), valid_cell), 800),
    Property("hsds_text", check_hsds_text, (st.text(),), 500),
    Property("hsds_json", check_hsds_json, (any_json,), 800),
    Property("hsds_field", check_hsds_field, (st.integers(0, 10_000), any_json), 800),
    Property("desk_stranger", check_desk_stranger, (st.lists(st.tuples(
        st.sampled_from(("press", "text", "join", "mine", "cancel")),
        st.one_of(callback_data, messy_text, st.text(max_size=40).map(lambda t: "v:" + t),
                  st.text(max_size=40).map(lambda t: "inv_" + t))),
        min_size=1, max_size=4),), 150),
    Property("desk_editor", check_desk_editor, (st.integers(0, 100), st.lists(
        st.one_of(messy_text, day_text, schedule_text, st.sampled_from(FRAGMENTS)), max_size=3),
        st.text(max_size=20)), 150),
    Property("parse_day", check_parse_day, (day_text,), 1000),
    Property("split_message", check_split, (st.one_of(
        st.tuples(split_text, st.none()),
        st.tuples(st.one_of(st.text(), long_lines).map(lambda t: t[:5000]), st.integers(1, 200))),
    ), 800),
    Property("message_pieces", check_message_pieces, (split_text,), 600),
)


def run(prop: Property, examples: int, derandomize: bool = True,
        on_example: Callable[[], None] | None = None) -> None:
    """Try ``prop`` on ``examples`` generated inputs; hypothesis shrinks any failure."""
    def body(args: tuple[Any, ...]) -> None:
        if on_example is not None:
            on_example()
        prop.check(*args)

    test = settings(max_examples=examples, derandomize=derandomize, deadline=None,
                    database=None, suppress_health_check=list(HealthCheck))(
        given(st.tuples(*prop.strategies))(body))
    test()


@pytest.mark.parametrize("prop", PROPERTIES, ids=[p.name for p in PROPERTIES])
def test_property(prop: Property) -> None:
    run(prop, prop.examples)



@pytest.mark.parametrize("prop", [p for p in PROPERTIES if p.name.startswith("desk")],
                         ids=lambda p: p.name)
def test_desk_properties_on_postgresql(prop: Property, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL refuses some text SQLite takes (NUL), so the desk is fuzzed on both (SQLite
    in test_property)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} to run this on PostgreSQL")
    urls = _postgres_url(base)
    monkeypatch.setattr(sys.modules[__name__], "DESK_DATABASE", next(urls))
    try:
        run(prop, prop.examples)
    finally:
        next(urls, None)
