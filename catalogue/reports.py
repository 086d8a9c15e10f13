""""Not right" under an offer, counted per offer and day, and nothing about who said it.

The count is what the organisation's editors act on (check the phone number, the hours); the
day lets a confirmation clear older reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .models import OfferReport


@dataclass
class OfferReports:
    sessions: sessionmaker[Session]

    def record(self, offer_id: str, now: datetime) -> None:
        day = now.date()
        with self.sessions.begin() as session:
            row = session.scalar(select(OfferReport).where(
                OfferReport.offer_id == offer_id, OfferReport.day == day).with_for_update())
            if row is None:
                session.add(OfferReport(offer_id=offer_id, day=day, count=1))
            else:
                row.count += 1

    def count(self, offer_id: str, since: date | None = None) -> int:
        with self.sessions() as session:
            query = select(func.coalesce(func.sum(OfferReport.count), 0)).where(
                OfferReport.offer_id == offer_id)
            if since is not None:
                query = query.where(OfferReport.day >= since)
            return int(session.scalar(query) or 0)
