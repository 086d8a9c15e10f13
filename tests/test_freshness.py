"""Reminders to editors: which are due when, claimed once, and sent once through the real
python-telegram-bot stack, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time as clock
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from botapi import FakeBotApi
from catalogue_fixture import offer
from losen.bot import desk_buttons
from losen.bot.freshness_job import schedule_notices
from losen.bot.notice_text import day_text, notice_text, report_words
from losen.catalogue import freshness, people
from losen.catalogue.db import open_database
from losen.catalogue.freshness import Notice, claim, due, hidden_from, oslo_date
from losen.catalogue.models import EditorNotice, Service
from losen.catalogue.opening import OSLO
from losen.catalogue.records import Offer
from losen.catalogue.reports import OfferReports
from losen.catalogue.store import organization_id, save_offers
from losen.locales import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application
from telegram_harness import Instance, exactly, polling, replies

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


def test_the_texts_say_when_the_offer_is_hidden_and_what_was_flagged() -> None:
    today = VERIFIED + timedelta(days=120)
    second = notice_text(Notice("a", A, "stale2", "k", "Middag a", VERIFIED), today)
    assert "Middag a" in second and day_text(VERIFIED, "nb") in second
    assert hidden_from(VERIFIED) == VERIFIED + timedelta(days=181)
    assert day_text(VERIFIED + timedelta(days=181), "nb") in second
    assert gettext("nb", "Second reminder.") in second
    first = notice_text(Notice("a", A, "stale", "k", "Middag a", VERIFIED), today)
    assert gettext("nb", "Second reminder.") not in first
    assert day_text(VERIFIED + timedelta(days=181), "nb") not in first
    words = report_words("nb")
    flagged = notice_text(Notice("a", A, "reports", "k", "Middag a", VERIFIED,
                                 (("phone", 2), ("hours", 1))), today)
    assert f"{words['phone']}: 2, {words['hours']}: 1" in flagged


# Through python-telegram-bot, against the Bot API server on 127.0.0.1.


def seed(url: str, offers: list[Offer], accounts: list[str]) -> sessionmaker[Session]:
    _, sessions = open_database(url)
    with sessions.begin() as session:
        save_offers(session, offers)
    for account in accounts:
        join(sessions, A, account)
    return sessions


def ago(n: int) -> date:
    return oslo_date(datetime.now(UTC)) - timedelta(days=n)


def markup(message: dict[str, Any]) -> dict[str, Any]:
    found = message["reply_markup"]
    return json.loads(found) if isinstance(found, str) else found


def pressed(sessions: sessionmaker[Session], data: str, account: str
            ) -> desk_buttons.Pressed | None:
    with sessions() as session:
        return desk_buttons.lookup(session, data, account, datetime.now(UTC))


class Runs:
    """Finished runs of the applications' jobs, as APScheduler reports them."""

    def __init__(self, *applications: Application) -> None:  # type: ignore[type-arg]
        self.count = 0
        for application in applications:
            assert application.job_queue is not None
            application.job_queue.scheduler.add_listener(
                self._seen, EVENT_JOB_EXECUTED)

    def _seen(self, _event: JobExecutionEvent) -> None:
        self.count += 1

    async def reach(self, count: int, seconds: float = 20) -> None:
        deadline = clock.monotonic() + seconds
        while self.count < count:
            assert clock.monotonic() < deadline, f"only {self.count} runs of the job"
            await asyncio.sleep(0.02)


@pytest.fixture
def info_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO)
    yield caplog


def errors(logs: pytest.LogCaptureFixture) -> list[str]:
    """What went to the error handler or stopped the job (PTB catches a job's exceptions)."""
    return [r.getMessage() for r in logs.records if r.levelno >= logging.ERROR]


async def test_an_editor_gets_one_reminder_with_their_own_two_buttons(
        api: FakeBotApi, database_url: str, info_logs: pytest.LogCaptureFixture) -> None:
    sessions = seed(database_url, [laget("a", verified=ago(95))], ["telegram:777"])
    instance = Instance.open(database_url)
    application = instance.application(api)
    schedule_notices(application, instance.sessions, interval=0.2, first=0.05)
    runs = Runs(application)
    async with polling(application):
        [text] = await replies(api, 777, 1)
        await runs.reach(4)  # later runs find nothing new
        assert await exactly(api, 777, 1) == [text]
    assert errors(info_logs) == []
    assert "Middag a" in text and day_text(ago(95), "nb") in text
    [message] = [m for m in api.sent if int(m["chat_id"]) == 777]
    [buttons] = markup(message)["inline_keyboard"]
    assert [b["text"] for b in buttons] == [gettext("nb", "Everything is right"),
                                           gettext("nb", "Change")]
    assert all(b["callback_data"].startswith("v:") for b in buttons)
    assert [pressed(sessions, b["callback_data"], "telegram:777") for b in buttons] == [
        desk_buttons.Pressed("confirm", "a", None), desk_buttons.Pressed("open", "a", None)]
    assert pressed(sessions, buttons[0]["callback_data"], "telegram:778") is None
    assert len(api.sent) == 1


async def test_two_instances_send_each_notice_once(api: FakeBotApi, database_url: str,
                                                  info_logs: pytest.LogCaptureFixture) -> None:
    offers = [laget("a", verified=ago(95)), laget("b", verified=ago(130)),
              laget("c", verified=ago(5)), laget("d", verified=ago(200))]
    sessions = seed(database_url, offers, ["telegram:777", "telegram:778"])
    OfferReports(sessions).record("c", "phone", datetime.now(OSLO))
    one, two = Instance.open(database_url), Instance.open(database_url)
    applications = [one.application(api), two.application(api)]
    for instance, application in zip((one, two), applications, strict=True):
        schedule_notices(application, instance.sessions, interval=0.3, first=0.1)
    runs = Runs(*applications)
    async with polling(applications[0]), polling(applications[1]):
        await replies(api, 777, 4)
        await replies(api, 778, 4)
        await runs.reach(8)
        await exactly(api, 777, 4, settle=0.5)
        await exactly(api, 778, 4, settle=0)
    assert errors(info_logs) == []
    for chat in (777, 778):
        seen = []
        for message in (m for m in api.sent if int(m["chat_id"]) == chat):
            button = markup(message)["inline_keyboard"][0][0]["callback_data"]
            found = pressed(sessions, button, f"telegram:{chat}")
            assert found is not None
            seen.append(found.offer_id)
        assert sorted(seen) == ["a", "b", "c", "d"]
    with sessions() as session:
        claimed = session.execute(select(EditorNotice.offer_id, EditorNotice.kind)).all()
    assert sorted(claimed) == [("a", "stale"), ("b", "stale"), ("c", "reports"), ("d", "stale")]


async def test_a_blocked_bot_loses_one_message_and_the_others_go_out(
        api: FakeBotApi, database_url: str, info_logs: pytest.LogCaptureFixture) -> None:
    sessions = seed(database_url, [laget("a", verified=ago(95))],
                    ["telegram:777", "telegram:778"])
    api.fail_next("sendMessage", 1, status=403)
    application = Instance.open(database_url).application(api)
    schedule_notices(application, sessions, interval=0.2, first=0.05)
    runs = Runs(application)
    async with polling(application):
        await replies(api, 778, 1)
        await runs.reach(3)
        await exactly(api, 778, 1, settle=0)
    assert api.failed == [("sendMessage", 403)]
    assert api.texts_to(777) == [] and errors(info_logs) == []
    # Losen's own lines (the scheduler's carry timestamps, whose digits may read "777").
    logged = "\n".join(r.getMessage() for r in info_logs.records if r.name.startswith("losen"))
    assert "not delivered: Forbidden" in logged
    assert "777" not in logged and "Middag" not in logged


def test_the_job_needs_the_job_queue() -> None:
    class NoQueue:
        job_queue = None

    with pytest.raises(RuntimeError):
        schedule_notices(NoQueue(), None)  # type: ignore[arg-type]
