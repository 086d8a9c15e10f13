"""When an offer is open: now, later today, or next, in Oslo time, holidays included.

Weekly opening hours are wall-clock times in Europe/Oslo, so a "10:00" opening stays at 10:00
across the daylight-saving change. On Norwegian public holidays (the ``holidays`` package)
weekly openings are taken as closed: that is what most voluntary services do, and saying
"closed" wrongly costs less than sending someone to a locked door.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

from .schedule import ScheduleItem

OSLO = ZoneInfo("Europe/Oslo")
LOOKAHEAD_DAYS = 14

State = Literal["open", "later_today", "next", "closed", "unknown"]


@dataclass(frozen=True, slots=True)
class Opening:
    state: State
    at: datetime | None = None
    """``open``: when it closes; ``later_today``/``next``: when it opens."""
    note: str | None = None
    """Free-text hours ("etter avtale"), shown as written."""


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year)


def is_holiday(day: date) -> bool:
    return day in _holidays(day.year)


def _spans(items: tuple[ScheduleItem, ...], day: date) -> list[tuple[datetime, datetime]]:
    """Opening spans that start on ``day`` (local), as aware datetimes."""
    if is_holiday(day):
        return []
    spans = []
    for item in items:
        if item.text is not None or item.opens is None or item.closes is None:
            continue
        if day.weekday() not in item.days:
            continue
        start = datetime.combine(day, item.opens, tzinfo=OSLO)
        end_day = day + timedelta(days=1) if item.closes <= item.opens else day
        end = datetime.combine(end_day, item.closes, tzinfo=OSLO)
        spans.append((start, end))
    return sorted(spans)


def opening(items: tuple[ScheduleItem, ...], now: datetime) -> Opening:
    """Open now (until when), opens later today, next opening, or unknown."""
    note = "; ".join(i.text for i in items if i.text) or None
    if not any(i.text is None for i in items):
        return Opening("unknown", note=note)
    local = now.astimezone(OSLO)
    today = local.date()
    for offset in range(-1, LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for start, end in _spans(items, day):
            if start <= local < end:
                return Opening("open", end, note)
            if start > local:
                state: State = "later_today" if start.date() == today else "next"
                return Opening(state, start, note)
    return Opening("closed", note=note)


def time_rank(o: Opening, now: datetime) -> float:
    """Open now, then later today, then sooner before later; unknown hours in between."""
    if o.state == "open":
        return 1.0
    if o.state == "later_today":
        return 0.8
    if o.state == "next" and o.at is not None:
        hours = (o.at - now).total_seconds() / 3600
        return 0.7 - 0.5 * min(max(hours, 0.0), 168.0) / 168.0
    return 0.3 if o.state == "unknown" else 0.0


def hours_text(t: time) -> str:
    return f"{t:%H:%M}"
