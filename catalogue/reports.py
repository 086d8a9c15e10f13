""""Not right" under an offer: counted per offer, day and what was wrong, and nothing about who
said it.

The counts are the organisation's editors' tasks (check the phone number, the hours). A
confirmation ("Alt stemmer") sets the offer's verified date, and only reports made after that
day count as open, so confirming clears them without deleting anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .models import OfferReport, Service
from .store import bump_revision

REPORT_KINDS = ("phone", "hours", "place", "closed", "other")
"""What a person can flag, in the order the buttons show them."""
CAUTION_AFTER = 3
"""Open reports after which people asking see a caution under the offer."""


@dataclass
class OfferReports:
    sessions: sessionmaker[Session]

    def record(self, offer_id: str, what: str, now: datetime) -> int:
        """Count one report; the offer's open reports afterwards."""
        what = what if what in REPORT_KINDS else "other"
        day = now.date()
        with self.sessions.begin() as session:
            row = session.scalar(select(OfferReport).where(
                OfferReport.offer_id == offer_id, OfferReport.day == day,
                OfferReport.what == what).with_for_update())
            if row is None:
                session.add(OfferReport(offer_id=offer_id, day=day, what=what, count=1))
            else:
                row.count += 1
            session.flush()
            total = sum(open_reports(session, [offer_id]).get(offer_id, {}).values())
            if total == CAUTION_AFTER:
                bump_revision(session)  # every instance now shows the caution
            return total

    def count(self, offer_id: str, since: date | None = None) -> int:
        with self.sessions() as session:
            query = select(func.coalesce(func.sum(OfferReport.count), 0)).where(
                OfferReport.offer_id == offer_id)
            if since is not None:
                query = query.where(OfferReport.day >= since)
            return int(session.scalar(query) or 0)


def open_reports(session: Session, offer_ids: Iterable[str] | None = None
                 ) -> dict[str, dict[str, int]]:
    """Reports made after each offer was last confirmed: offer id → what → count."""
    query = (select(OfferReport.offer_id, OfferReport.what, func.sum(OfferReport.count))
             .join(Service, Service.id == OfferReport.offer_id)
             .where((Service.assured_date.is_(None)) | (OfferReport.day > Service.assured_date))
             .group_by(OfferReport.offer_id, OfferReport.what))
    if offer_ids is not None:
        query = query.where(OfferReport.offer_id.in_(list(offer_ids)))
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for offer_id, what, count in session.execute(query):
        found[offer_id][what] = int(count)
    return dict(found)


def cautioned(session: Session) -> frozenset[str]:
    """Offers whose open reports reach :data:`CAUTION_AFTER`."""
    return frozenset(offer for offer, kinds in open_reports(session).items()
                     if sum(kinds.values()) >= CAUTION_AFTER)
