"""Reminders to editors: which are due when, and claimed once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import pytest
from catalogue_fixture import offer
from losen.catalogue import freshness, people
from losen.catalogue.db import open_database
from losen.catalogue.freshness import claim, due
from losen.catalogue.models import EditorNotice, Service
from losen.catalogue.opening import OSLO
from losen.catalogue.records import Offer
from losen.catalogue.reports import OfferReports
from losen.catalogue.store import organization_id, save_offers
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

VERIFIED = date(2026, 3, 2)
A, B = organization_id("Laget A"), organization_id("Laget B")


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


def days(n: int) -> datetime:
    """Noon in Oslo, ``n`` days after :data:`VERIFIED`."""
    return at(VERIFIED + timedelta(days=n))


def laget(id: str, org: str = "Laget A", verified: date | None = VERIFIED) -> Offer:
    return offer(id, "food", "0301", "0653", "mandag 12:00-15:00", organisation=org,
                 verified=verified, name=f"Middag {id}")


def join(sessions: sessionmaker[Session], org: str, account: str) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as session:
        token = people.create_invite(session, org, "editor", "cli", now)
        assert isinstance(people.redeem_invite(session, token, account, "Kari", now),
                          people.Redeemed)


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    """Laget A has an editor, Laget B nobody; one offer each, confirmed on VERIFIED."""
    _, sessions = open_database(database_url)
    with sessions.begin() as session:
        save_offers(session, [laget("a"), laget("b", org="Laget B")])
    join(sessions, A, "telegram:1")
    return sessions


def due_now(sessions: sessionmaker[Session], now: datetime) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [(n.offer_id, n.kind, n.key) for n in due(session, now)]


def take(sessions: sessionmaker[Session], now: datetime) -> list[tuple[str, str, str]]:
    """Claim everything due, as the job does; what was claimed."""
    taken = []
    with sessions.begin() as session:
        for n in due(session, now):
            assert claim(session, n.offer_id, n.kind, n.key, now)
            taken.append((n.offer_id, n.kind, n.key))
    return taken


def test_the_two_reminders_come_at_90_and_120_days_and_then_nothing(
        sessions: sessionmaker[Session]) -> None:
    key = VERIFIED.isoformat()
    assert due_now(sessions, days(89)) == []
    assert due_now(sessions, days(90)) == [("a", "stale", key)]
    assert take(sessions, days(90)) == [("a", "stale", key)]
    assert due_now(sessions, days(90)) == []
    assert due_now(sessions, days(119)) == []
    assert due_now(sessions, days(120)) == [("a", "stale2", key)]
    assert take(sessions, days(120)) == [("a", "stale2", key)]
    assert due_now(sessions, days(121)) == []
    assert due_now(sessions, days(180)) == []
    assert due_now(sessions, days(400)) == []


def test_days_are_counted_in_oslo(sessions: sessionmaker[Session]) -> None:
    """23:30 UTC on day 89 is already day 90 in Norway."""
    evening = datetime.combine(VERIFIED + timedelta(days=89), time(23, 30), tzinfo=UTC)
    assert due_now(sessions, evening) == [("a", "stale", VERIFIED.isoformat())]


def test_a_confirmation_starts_the_count_again(sessions: sessionmaker[Session]) -> None:
    take(sessions, days(90))
    confirmed = VERIFIED + timedelta(days=100)
    with sessions.begin() as session:
        save_offers(session, [laget("a", verified=confirmed)])
    assert due_now(sessions, days(120)) == []
    assert due_now(sessions, at(confirmed + timedelta(days=89))) == []
    assert due_now(sessions, at(confirmed + timedelta(days=90))) == \
        [("a", "stale", confirmed.isoformat())]
    take(sessions, at(confirmed + timedelta(days=90)))
    assert due_now(sessions, at(confirmed + timedelta(days=120))) == \
        [("a", "stale2", confirmed.isoformat())]


def test_an_offer_first_seen_late_gets_the_first_reminder_and_the_second_a_month_later(
        sessions: sessionmaker[Session]) -> None:
    """Both reminders at once would be noise: at 180 days only the first goes out."""
    key = VERIFIED.isoformat()
    assert due_now(sessions, days(180)) == [("a", "stale", key)]
    take(sessions, days(180))
    assert due_now(sessions, days(209)) == []
    assert due_now(sessions, days(210)) == [("a", "stale2", key)]


def test_an_offer_never_confirmed_is_due_at_once_with_its_own_key(
        sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.execute(update(Service).where(Service.id == "a").values(assured_date=None))
    assert due_now(sessions, days(0)) == [("a", "stale", freshness.NEVER)]
    take(sessions, days(0))
    assert due_now(sessions, days(29)) == []
    assert due_now(sessions, days(30)) == [("a", "stale2", freshness.NEVER)]
    take(sessions, days(30))
    assert due_now(sessions, days(300)) == []


def test_reports_are_told_once_per_day_that_brings_new_ones(
        sessions: sessionmaker[Session]) -> None:
    reports = OfferReports(sessions)
    first, second = VERIFIED + timedelta(days=10), VERIFIED + timedelta(days=12)
    for what in ("phone", "hours", "phone"):
        reports.record("a", what, at(first, 9))
    with sessions() as session:
        [notice] = due(session, at(first, 10))
    assert (notice.kind, notice.key) == ("reports", first.isoformat())
    assert notice.reports == (("phone", 2), ("hours", 1))
    take(sessions, at(first, 10))
    reports.record("a", "closed", at(first, 15))
    assert due_now(sessions, at(first, 16)) == []
    assert due_now(sessions, at(second, 16)) == []
    reports.record("a", "other", at(second, 9))
    with sessions() as session:
        [notice] = due(session, at(second, 10))
    assert (notice.kind, notice.key) == ("reports", second.isoformat())
    assert notice.reports == (("phone", 2), ("hours", 1), ("closed", 1), ("other", 1))


def test_a_confirmation_clears_the_reports(sessions: sessionmaker[Session]) -> None:
    reports = OfferReports(sessions)
    day = VERIFIED + timedelta(days=10)
    reports.record("a", "phone", at(day, 9))
    with sessions.begin() as session:
        session.execute(update(Service).where(Service.id == "a").values(assured_date=day))
    assert due_now(sessions, at(day, 10)) == []


def test_organisations_without_members_get_nothing(sessions: sessionmaker[Session]) -> None:
    OfferReports(sessions).record("b", "phone", days(10))
    assert [n for n in due_now(sessions, days(200)) if n[0] == "b"] == []
    assert due_now(sessions, days(10)) == []
    join(sessions, B, "telegram:2")
    assert due_now(sessions, days(10)) == [("b", "reports", days(10).date().isoformat())]


def test_a_notice_is_claimed_by_one_caller_only(sessions: sessionmaker[Session]) -> None:
    """Two transactions claim at once: the second waits for the first to commit (the unique
    row on PostgreSQL, the write lock on SQLite) and then gets nothing."""
    now = days(90)
    results: dict[str, bool] = {}
    first = sessions()
    first.begin()
    results["first"] = claim(first, "a", "stale", "k", now)

    def second() -> None:
        with sessions.begin() as session:
            results["second"] = claim(session, "a", "stale", "k", now)

    thread = threading.Thread(target=second)
    thread.start()
    clock.sleep(0.2)  # let the second reach the database while the first is open
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert results == {"first": True, "second": False}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(EditorNotice)) == 1


def test_claims_keep_the_offer_and_kind_and_key(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert claim(session, "a", "stale", "2026-03-02", days(90))
        assert claim(session, "a", "stale2", "2026-03-02", days(90))
        assert claim(session, "a", "stale", "never", days(90))
        assert not claim(session, "a", "stale", "2026-03-02", days(91))
    with sessions() as session:
        rows = session.execute(select(EditorNotice.kind, EditorNotice.key)).all()
    assert sorted(rows) == [("stale", "2026-03-02"), ("stale", "never"),
                            ("stale2", "2026-03-02")]
