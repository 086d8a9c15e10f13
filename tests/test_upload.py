"""An organisation's whole spreadsheet sent through the bot: the plan, its confirmation, and
who may send it; on SQLite and PostgreSQL. Last, the test Bot API serving a sent document."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from botapi import FakeBotApi
from catalogue_fixture import offer
from losen.catalogue import audit, editing, people
from losen.catalogue.csvio import HEADER, offer_to_row, read_csv, write_csv
from losen.catalogue.db import open_database
from losen.catalogue.errors import ImportRefused
from losen.catalogue.people import NotAllowed
from losen.catalogue.records import Offer
from losen.catalogue.store import load_offers, load_offers_by_ids, revision, save_offers
from losen.catalogue.upload import (
    MAX_BYTES,
    OfferChange,
    UploadStale,
    apply_upload,
    plan_upload,
)
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
A, B = "org-laget-a", "org-laget-b"
ADMIN_A, EDITOR_A, ADMIN_B, SITE = "telegram:1", "telegram:2", "telegram:3", "telegram:9"


def a_offer(id: str, **changes: object) -> Offer:
    return replace(offer(id, "food", "0301", "0653", "mandag 12:00-15:00",
                         organisation="Laget A"), **changes)  # type: ignore[arg-type]


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    _, sessions = open_database(database_url)
    seeded = [
        a_offer("a-mat", name="Middag"), a_offer("a-kafe", name="Kafé"),
        a_offer("a-lekser", name="Leksehjelp", needs=("homework",)),
        offer("b-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget B"),
    ]
    with sessions.begin() as session:  # as an import stores them (the postal place filled in)
        save_offers(session, read_csv(write_csv(seeded), NOW.date()))
    for org, role, account in ((A, "admin", ADMIN_A), (A, "editor", EDITOR_A),
                               (B, "admin", ADMIN_B), (None, "site_admin", SITE)):
        with sessions.begin() as session:
            token = people.create_invite(session, org, role, "cli", NOW)
            assert isinstance(people.redeem_invite(session, token, account, "Kari", NOW),
                              people.Redeemed)
    return sessions


def file_of(offers: list[Offer]) -> bytes:
    return write_csv(offers).encode()


def the_new_file() -> bytes:
    """A's offers as a volunteer edited them: one renamed with a new phone, one gone, one new."""
    return file_of([
        a_offer("a-mat", name="Middag hver mandag", phone="+4791555555"),
        a_offer("a-lekser", name="Leksehjelp", needs=("homework",)),
        a_offer("a-ny", name="Frokost", schedule=()),
    ])


def snapshot(sessions: sessionmaker[Session]) -> tuple[int, int, str]:
    """Everything an upload could write: the revision, the audit log, every offer."""
    with sessions() as session:
        return revision(session), len(audit.events(session)), write_csv(load_offers(session))


def test_the_plan_lists_exactly_what_the_file_changes_and_writes_nothing(
        sessions: sessionmaker[Session]) -> None:
    before = snapshot(sessions)
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    assert (plan.organization_id, plan.organisation) == (A, "Laget A")
    assert plan.changed == (OfferChange("a-mat", "Middag hver mandag", ("name", "phone")),)
    assert plan.removed == (OfferChange("a-kafe", "Kafé"),)
    assert [(c.offer_id, c.name) for c in plan.added] == [("a-ny", "Frokost")]
    assert {"id", "organisation", "name", "needs", "phone"} <= set(plan.added[0].columns)
    assert "schedule" not in plan.added[0].columns  # only the columns it fills
    assert plan.unchanged == 1 and plan.has_changes and not plan.removes_all
    assert len(plan.digest) == 64
    assert snapshot(sessions) == before


def test_apply_writes_the_plan_in_one_go_and_audits_every_column(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        rev = revision(session)
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    with sessions.begin() as session:
        applied = apply_upload(session, ADMIN_A, the_new_file(), plan.digest, NOW)
    assert applied == plan
    with sessions() as session:
        offers = {o.id: o for o in load_offers(session)}
        assert sorted(offers) == ["a-lekser", "a-mat", "a-ny", "b-mat"]
        assert offers["a-mat"].name == "Middag hver mandag"
        assert offers["a-mat"].phone == "+4791555555"
        assert revision(session) == rev + 1
        log = [(e.actor, e.action, e.offer_id, e.field, e.old, e.new)
               for e in audit.events(session, A)]
    assert ("telegram:1", "upload", "a-mat", "name", "Middag", "Middag hver mandag") in log
    assert ("telegram:1", "upload", "a-mat", "phone", "22 99 99 01", "91 55 55 55") in log
    assert ("telegram:1", "remove", "a-kafe", "name", "Kafé", None) in log
    assert ("telegram:1", "add", "a-ny", "name", "", "Frokost") in log
    assert {e[3] for e in log if e[2] == "a-ny"} == set(plan.added[0].columns)
    assert not any(e[2] == "a-lekser" for e in log)  # unchanged: nothing to say
    assert len([e for e in log if e[2] == "a-mat"]) == 2


def test_the_same_file_again_changes_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    with sessions.begin() as session:
        apply_upload(session, ADMIN_A, the_new_file(), plan.digest, NOW)
    before = snapshot(sessions)
    with sessions() as session:
        again = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    assert not again.has_changes and again.unchanged == 3 and again.digest != plan.digest
    with sessions.begin() as session:
        apply_upload(session, ADMIN_A, the_new_file(), again.digest, NOW)
    assert snapshot(sessions) == before


@pytest.mark.parametrize(("account", "rows_of"), [
    (EDITOR_A, "Laget A"),  # an editor keeps offers but may not replace them all
    (ADMIN_A, "Laget B"),  # an admin of A, sending B's offers
    ("telegram:77", "Laget A"),  # nobody
])
def test_only_an_admin_of_the_organisation_may_upload(sessions: sessionmaker[Session],
                                                      account: str, rows_of: str) -> None:
    with sessions() as session:
        data = file_of([o for o in load_offers(session) if o.organisation == rows_of])
        digest = plan_upload(session, SITE, data, NOW).digest
    before = snapshot(sessions)
    with sessions() as session, pytest.raises(NotAllowed):
        plan_upload(session, account, data, NOW)
    with pytest.raises(NotAllowed), sessions.begin() as session:
        apply_upload(session, account, data, digest, NOW)
    assert snapshot(sessions) == before


def test_a_site_admin_may_upload_for_any_organisation(sessions: sessionmaker[Session]) -> None:
    data = file_of([offer("b-mat", "food", "0301", "0653", organisation="Laget B",
                          name="Suppe")])
    with sessions() as session:
        plan = plan_upload(session, SITE, data, NOW)
    with sessions.begin() as session:
        apply_upload(session, SITE, data, plan.digest, NOW)
    with sessions() as session:
        assert load_offers_by_ids(session, ["b-mat"])[0].name == "Suppe"


def test_an_id_of_another_organisations_offer_is_refused_by_line(
        sessions: sessionmaker[Session]) -> None:
    taken = a_offer("b-mat", name="Overtatt")
    data = file_of([a_offer("a-mat", name="Middag"), taken])  # sorted: a-mat line 2, b-mat 3
    before = snapshot(sessions)
    with sessions() as session, pytest.raises(ImportRefused) as refused:
        plan_upload(session, ADMIN_A, data, NOW)
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "id")]
    assert "b-mat" in refused.value.render()[0] and "Linje 3" in refused.value.render()[0]
    with pytest.raises(ImportRefused), sessions.begin() as session:
        apply_upload(session, ADMIN_A, data, "0" * 64, NOW)
    assert snapshot(sessions) == before


def test_a_file_with_two_organisations_is_refused_naming_their_lines(
        sessions: sessionmaker[Session]) -> None:
    data = file_of([a_offer("a-mat"), a_offer("a-kafe"),
                    offer("b-mat", "food", "0301", organisation="Laget B")])
    with sessions() as session, pytest.raises(ImportRefused) as refused:
        plan_upload(session, SITE, data, NOW)
    problems = {p.params["name"]: (p.line, p.column, p.params["lines"])
                for p in refused.value.problems}
    assert problems == {"Laget A": (2, "organisation", "2, 3"),
                        "Laget B": (4, "organisation", "4")}


def test_rows_for_another_organisation_than_the_one_named_are_refused(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        plan_upload(session, ADMIN_A, the_new_file(), NOW, organization_id=A)
        with pytest.raises(ImportRefused) as refused:
            plan_upload(session, SITE, the_new_file(), NOW, organization_id=B)
        with pytest.raises(NotAllowed):  # authorised before the rows are looked at
            plan_upload(session, ADMIN_A, the_new_file(), NOW, organization_id=B)
    assert [(p.line, p.column, p.params["lines"]) for p in refused.value.problems] == \
        [(2, "organisation", "2, 3, 4")]


def test_a_bad_row_refuses_the_whole_file_naming_line_and_column(
        sessions: sessionmaker[Session]) -> None:
    rows = list(csv.reader(io.StringIO(the_new_file().decode())))
    rows[2][HEADER.index("phone")] = "12"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode()
    before = snapshot(sessions)
    with sessions() as session, pytest.raises(ImportRefused) as refused:
        plan_upload(session, ADMIN_A, data, NOW)
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "phone")]
    with pytest.raises(ImportRefused), sessions.begin() as session:
        apply_upload(session, ADMIN_A, data, "0" * 64, NOW)
    assert snapshot(sessions) == before


def test_a_change_between_plan_and_confirmation_makes_it_stale(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    with sessions.begin() as session:  # someone edits an offer the plan was made against
        editing.set_field(session, EDITOR_A, "a-kafe", "name", "Kafé og prat", NOW)
    before = snapshot(sessions)
    with pytest.raises(UploadStale), sessions.begin() as session:
        apply_upload(session, ADMIN_A, the_new_file(), plan.digest, NOW)
    assert snapshot(sessions) == before
    with sessions() as session:  # a fresh plan shows the file against the offers as they are
        fresh = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    assert fresh.digest != plan.digest and fresh.removed == (OfferChange("a-kafe", "Kafé og prat"),)


def test_a_digest_for_another_file_is_stale(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    other = file_of([a_offer("a-mat", name="Noe annet")])
    with pytest.raises(UploadStale), sessions.begin() as session:
        apply_upload(session, ADMIN_A, other, plan.digest, NOW)


def test_not_utf8_and_too_large_files_are_refused(sessions: sessionmaker[Session]) -> None:
    latin1 = the_new_file().decode().replace("Frokost", "Frokost på Tøyen").encode("latin-1")
    with sessions() as session:
        with pytest.raises(ImportRefused) as refused:
            plan_upload(session, ADMIN_A, latin1, NOW)
        assert refused.value.problems[0].message == \
            "The file is not UTF-8. Save it as “CSV UTF-8” and try again."
        assert "UTF-8" in refused.value.render()[0]
        with pytest.raises(ImportRefused) as refused:
            plan_upload(session, ADMIN_A, the_new_file() + b" " * MAX_BYTES, NOW)
        assert refused.value.problems[0].params == {"limit": "2"}


def test_a_byte_order_mark_is_allowed(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        plain = plan_upload(session, ADMIN_A, the_new_file(), NOW)
        marked = plan_upload(session, ADMIN_A, "\ufeff".encode() + the_new_file(), NOW)
    assert (marked.added, marked.changed, marked.removed) == \
        (plain.added, plain.changed, plain.removed)


def test_a_pause_set_in_the_bot_survives_an_upload(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        editing.pause(session, EDITOR_A, "a-mat", date(2026, 12, 20), NOW)
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    with sessions.begin() as session:
        apply_upload(session, ADMIN_A, the_new_file(), plan.digest, NOW)
    with sessions() as session:
        kept = load_offers_by_ids(session, ["a-mat"])[0]
    assert kept.name == "Middag hver mandag" and kept.reopens == date(2026, 12, 20)


def test_labels_the_spreadsheet_has_no_column_for_survive_an_upload(
        sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        save_offers(session, [a_offer("a-mat", name="Middag",
                                      labels={"free": True, "no_nav": True})])
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, the_new_file(), NOW)
    with sessions.begin() as session:
        apply_upload(session, ADMIN_A, the_new_file(), plan.digest, NOW)
    with sessions() as session:
        assert load_offers_by_ids(session, ["a-mat"])[0].labels == {"free": True, "no_nav": True}


@pytest.mark.parametrize("data", [b"", ",".join(HEADER).encode() + b"\n"])
def test_an_empty_file_removes_all_and_the_plan_says_so(sessions: sessionmaker[Session],
                                                        data: bytes) -> None:
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, data, NOW)
        with pytest.raises(ImportRefused):  # a site admin of no one organisation: for whom?
            plan_upload(session, SITE, data, NOW)
    assert plan.organization_id == A and plan.removes_all
    assert [c.offer_id for c in plan.removed] == ["a-kafe", "a-lekser", "a-mat"]
    with sessions.begin() as session:
        apply_upload(session, ADMIN_A, data, plan.digest, NOW)
    with sessions() as session:
        assert [o.id for o in load_offers(session)] == ["b-mat"]


def test_the_organisation_keeps_its_stored_name(sessions: sessionmaker[Session]) -> None:
    rows = [offer_to_row(a_offer("a-mat", name="Middag"))]
    rows[0][HEADER.index("organisation")] = "LAGET A"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([HEADER, *rows])
    with sessions() as session:
        plan = plan_upload(session, ADMIN_A, buf.getvalue().encode(), NOW)
    assert plan.organisation == "Laget A" and plan.changed == () and plan.unchanged == 1


async def test_a_pushed_document_can_be_fetched_by_real_python_telegram_bot(
        api: FakeBotApi) -> None:
    content = "\ufeff".encode() + ",".join(HEADER).encode() + "\nå,ø\n".encode()
    update = api.push_document(7, "tilbud.csv", content)
    document = update["message"]["document"]
    assert document["file_name"] == "tilbud.csv" and document["mime_type"] == "text/csv"
    assert document["file_size"] == len(content)
    async with Bot("123:TEST", base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        updates = await bot.get_updates()
        assert updates[0].message is not None and updates[0].message.document is not None
        sent = updates[0].message.document
        assert (sent.file_id, sent.file_name) == (document["file_id"], "tilbud.csv")
        file = await sent.get_file()
        assert file.file_size == len(content)
        assert bytes(await file.download_as_bytearray()) == content
