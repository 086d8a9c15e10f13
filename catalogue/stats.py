"""Unmet needs, counted anonymously for the people who plan services.

One row per need, kommune and ISO week: no user id, no text, no time finer than a week. That
is enough to see "nobody offers debt advice in Alta" without knowing who asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .models import UnmetNeed


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class UnmetNeeds:
    sessions: sessionmaker[Session]

    def record(self, need: str, kommunenummer: str | None, now: datetime) -> None:
        week = iso_week(now)
        kommune = kommunenummer or ""
        with self.sessions.begin() as session:
            row = session.scalar(select(UnmetNeed).where(
                UnmetNeed.need == need, UnmetNeed.kommunenummer == kommune,
                UnmetNeed.week == week).with_for_update())
            if row is None:
                session.add(UnmetNeed(need=need, kommunenummer=kommune, week=week, count=1))
            else:
                row.count += 1

    def report(self) -> list[tuple[str, str, str, int]]:
        with self.sessions() as session:
            rows = session.execute(select(UnmetNeed.week, UnmetNeed.kommunenummer, UnmetNeed.need,
                                          UnmetNeed.count)
                                   .order_by(UnmetNeed.week.desc(), UnmetNeed.count.desc(),
                                             UnmetNeed.kommunenummer, UnmetNeed.need)).all()
        return [(w, k, n, c) for w, k, n, c in rows]
