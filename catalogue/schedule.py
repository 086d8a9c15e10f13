"""Opening hours as volunteers write them in the spreadsheet, parsed into HSDS-style rows.

The spreadsheet form is ``DAYS HH:MM-HH:MM`` items (whole hours may drop the minutes:
``tirsdag 10-14``) separated by ``;``, where DAYS is a day name
(``mandag`` … ``søndag``), a range (``mandag-fredag``), ``hverdager`` or ``daglig``. Anything
that is clearly prose (``etter avtale``) is kept as text and shown as written. Nynorsk and
æøå-less day names are accepted too, because that is how people type them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from .textfold import fold

DAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_DAY_ALIASES: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("mandag", "måndag", "man"),
        ("tirsdag", "tysdag", "tirs", "tir", "tys"),
        ("onsdag", "ons"),
        ("torsdag", "tors", "tor"),
        ("fredag", "fre"),
        ("lørdag", "laurdag", "lør", "laur"),
        ("søndag", "sundag", "søn", "sun"),
    )
):
    for _name in _names:
        _DAY_ALIASES[fold(_name)] = _i
_GROUPS = {"hverdager": (0, 1, 2, 3, 4), "kvardagar": (0, 1, 2, 3, 4), "daglig": tuple(range(7)),
           "dagleg": tuple(range(7)), "alle dager": tuple(range(7)), "helg": (5, 6)}
_GROUPS = {fold(k): v for k, v in _GROUPS.items()}

_ITEM = re.compile(
    r"^(?P<days>[^\d]+?)\s*(?:kl\.?\s*)?"
    r"(?P<oh>\d{1,2})(?:[:.](?P<om>\d{2}))?\s*[-–]\s*(?P<ch>\d{1,2})(?:[:.](?P<cm>\d{2}))?$",
    re.IGNORECASE,
)
_LOOKS_LIKE_HOURS = re.compile(r"\d{1,2}[:.]\d{2}|\b\d{1,2}\s*[-–]\s*\d{1,2}\b")


class ScheduleError(ValueError):
    """A schedule item that looks like hours but cannot be read; ``str()`` is the item."""


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    """One regular opening (days and hours), or one free-text note such as "etter avtale".

    ``closes`` earlier than ``opens`` means the opening runs past midnight.
    """

    days: tuple[int, ...] = ()
    opens: time | None = None
    closes: time | None = None
    text: str | None = None

    @property
    def byday(self) -> str:
        return ",".join(RRULE_DAYS[d] for d in self.days)

    def to_text(self) -> str:
        """The canonical spreadsheet form, which parses back to the same item."""
        if self.text is not None:
            return self.text
        assert self.opens is not None and self.closes is not None
        return f"{format_days(self.days)} {self.opens:%H:%M}-{self.closes:%H:%M}"


def format_days(days: tuple[int, ...]) -> str:
    if len(days) == 7:
        return "daglig"
    if len(days) == 1:
        return DAY_NAMES[days[0]]
    if list(days) == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return ",".join(DAY_NAMES[d] for d in days)


def _parse_days(text: str) -> tuple[int, ...] | None:
    if fold(text) in _GROUPS:
        return _GROUPS[fold(text)]
    days: set[int] = set()
    for part in re.split(r"\s*(?:,|\bog\b|&)\s*", text.strip().lower()):
        ends = [fold(e) for e in re.split(r"\s*[-–]\s*", part)]
        if not all(ends) or not all(e in _DAY_ALIASES for e in ends) or len(ends) > 2:
            return None
        start, end = _DAY_ALIASES[ends[0]], _DAY_ALIASES[ends[-1]]
        if end < start:
            return None
        days.update(range(start, end + 1))
    return tuple(sorted(days)) or None


def _clock(h: str, m: str | None) -> time | None:
    hour, minute = int(h), int(m or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def parse_item(item: str) -> ScheduleItem:
    item = " ".join(item.split())
    m = _ITEM.match(item)
    if m:
        days = _parse_days(m["days"])
        opens, closes = _clock(m["oh"], m["om"]), _clock(m["ch"], m["cm"])
        if days and opens is not None and closes is not None and opens != closes:
            return ScheduleItem(days=days, opens=opens, closes=closes)
        raise ScheduleError(item)
    if _LOOKS_LIKE_HOURS.search(item) or _parse_days(item.split(" ")[0]):
        raise ScheduleError(item)
    return ScheduleItem(text=item)


def parse_schedule(text: str) -> tuple[ScheduleItem, ...]:
    """Parse the whole cell; raises :class:`ScheduleError` naming the first bad item."""
    return tuple(parse_item(part) for part in text.split(";") if part.strip())


def format_schedule(items: tuple[ScheduleItem, ...]) -> str:
    return ";".join(item.to_text() for item in items)
