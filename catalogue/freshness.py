"""Which reminders an organisation's editors are due, and claiming one so it goes out once.

An offer nobody has confirmed for a while starts to show "sist bekreftet" to people asking
(after :data:`~.matching.SHOW_DATE_AFTER`) and is hidden from them after
:data:`~.matching.HIDE_AFTER`. The editors hear of it before that, twice: at
:data:`FIRST_REMINDER` and at :data:`SECOND_REMINDER`. Open "not right" reports are their
other task: they hear of them once for each day that brings new ones.

Each notice has a key, so that a reminder belongs to one state of the offer: the date it was
last confirmed (``never`` if it never was) for the two reminders, the day of the newest report
for reports. A confirmation changes the key, so 90 days later a new reminder is due; a new day
of reports changes it too. The ``editor_notice`` row for (offer, kind, key) is the claim.

Pure database logic: nothing here sends anything. Only offers of organisations with members are
looked at, since nobody else could act on a reminder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .db import dialect_insert
from .matching import HIDE_AFTER, SHOW_DATE_AFTER
from .models import EditorNotice, Member, OfferReport, Service
from .opening import OSLO
from .reports import REPORT_KINDS, open_reports

FIRST_REMINDER = SHOW_DATE_AFTER
"""90 days: when people asking begin to see the offer's date, its editors are asked first."""
SECOND_REMINDER = timedelta(days=120)
"""The second reminder, two months before the offer is hidden."""
REMINDER_GAP = SECOND_REMINDER - FIRST_REMINDER
"""At least this long between the two reminders about one confirmation date: an offer first
looked at when it is already older than :data:`SECOND_REMINDER` (an organisation that just got
its first member, an imported old catalogue) gets the first reminder now and the second one a
month later, not both in the same minute."""
NEVER = "never"
"""The key of a reminder about an offer that was never confirmed."""
KINDS = ("stale", "stale2", "reports")
_CHUNK = 500


@dataclass(frozen=True)
class Notice:
    """One notice that is due: what the editors' message needs, no more."""

    offer_id: str
    organization_id: str
    kind: str
    """``stale``, ``stale2`` or ``reports``."""
    key: str
    name: str
    last_verified: date | None
    reports: tuple[tuple[str, int], ...] = ()
    """For ``reports``: (what, count) of the open reports, in :data:`REPORT_KINDS` order."""


def oslo_date(now: datetime) -> date:
    """The day in Norway: reminders count calendar days as the editors see them."""
    return now.astimezone(OSLO).date()


def verified_key(last_verified: date | None) -> str:
    return last_verified.isoformat() if last_verified is not None else NEVER


def hidden_from(last_verified: date | None) -> date | None:
    """The first day people asking no longer see the offer (as :mod:`.matching` decides);
    None when it was never confirmed, and so is not shown at all."""
    if last_verified is None:
        return None
    return last_verified + HIDE_AFTER + timedelta(days=1)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _claimed(session: Session, offer_ids: Sequence[str]) -> dict[tuple[str, str, str], datetime]:
    """(offer, kind, key) → when it was claimed, for these offers."""
    found: dict[tuple[str, str, str], datetime] = {}
    for chunk in _chunks(offer_ids):
        rows = session.execute(select(EditorNotice.offer_id, EditorNotice.kind, EditorNotice.key,
                                      EditorNotice.sent_at)
                               .where(EditorNotice.offer_id.in_(list(chunk))))
        for offer_id, kind, key, sent_at in rows:
            found[(offer_id, kind, key)] = sent_at
    return found


def due(session: Session, now: datetime) -> list[Notice]:
    """Every notice due at ``now`` and not yet claimed, by offer and then kind."""
    today = oslo_date(now)
    kept = (select(Member.organization_id).where(Member.organization_id.is_not(None))
            .distinct().scalar_subquery())
    old = session.execute(
        select(Service.id, Service.organization_id, Service.name, Service.assured_date)
        .where(Service.organization_id.in_(kept),
               or_(Service.assured_date.is_(None),
                   Service.assured_date <= today - FIRST_REMINDER))).all()
    reported = session.execute(
        select(Service.id, Service.organization_id, Service.name, Service.assured_date,
               func.max(OfferReport.day))
        .join(OfferReport, OfferReport.offer_id == Service.id)
        .where(Service.organization_id.in_(kept),
               or_(Service.assured_date.is_(None), OfferReport.day > Service.assured_date))
        .group_by(Service.id, Service.organization_id, Service.name,
                  Service.assured_date)).all()
    claimed = _claimed(session, sorted({r[0] for r in old} | {r[0] for r in reported}))
    counts = open_reports(session, [r[0] for r in reported]) if reported else {}

    notices: list[Notice] = []
    for offer_id, org_id, name, verified in old:
        key = verified_key(verified)
        first = claimed.get((offer_id, "stale", key))
        if first is None:
            notices.append(Notice(offer_id, org_id, "stale", key, name, verified))
            continue
        old_enough = verified is None or today - verified >= SECOND_REMINDER
        if (old_enough and oslo_date(first) <= today - REMINDER_GAP
                and (offer_id, "stale2", key) not in claimed):
            notices.append(Notice(offer_id, org_id, "stale2", key, name, verified))
    for offer_id, org_id, name, verified, newest in reported:
        key = newest.isoformat()
        kinds = counts.get(offer_id, {})
        if (offer_id, "reports", key) in claimed or not kinds:
            continue
        notices.append(Notice(offer_id, org_id, "reports", key, name, verified,
                              tuple((k, kinds[k]) for k in REPORT_KINDS if kinds.get(k))))
    notices.sort(key=lambda n: (n.offer_id, KINDS.index(n.kind)))
    return notices


def claim(session: Session, offer_id: str, kind: str, key: str, now: datetime) -> bool:
    """Take the notice: True only for the one caller whose row went in.

    One ``INSERT … ON CONFLICT DO NOTHING`` on the unique (offer, kind, key): when several
    instances run the job at the same moment, each tries it, PostgreSQL makes the others wait
    for the first to commit and then inserts nothing for them (SQLite lets one writer in at a
    time), so exactly one sends.

    Claim, commit, then send: a notice goes out at most once. A send that fails after the claim
    (the editor blocked the bot, Telegram timed out, the process stopped) is not tried again.
    That is the right way round for a reminder: sending first and claiming after would, on
    every failure or race between the two, message a volunteer twice, and a blocked bot would
    be retried every hour for ever. A lost reminder costs little: the second reminder and the
    next day of reports come anyway, and people asking still see how old the offer's
    information is.
    """
    # The new row's id comes back only when the row went in. (Not the row count: SQLAlchemy
    # adds RETURNING to a one-row insert on PostgreSQL, and the count then reads -1 either way.)
    insert = dialect_insert(session)(EditorNotice).values(
        offer_id=offer_id, kind=kind, key=key, sent_at=now)
    inserted = session.execute(insert.on_conflict_do_nothing(
        index_elements=["offer_id", "kind", "key"]).returning(EditorNotice.id))
    return inserted.first() is not None
