from __future__ import annotations

from datetime import time

import pytest
from losen.catalogue.schedule import ScheduleError, format_schedule, parse_schedule


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mandag-fredag 10:00-14:00;lørdag 12:00-15:00", "mandag-fredag 10:00-14:00;lørdag 12:00-15:00"),
        ("hverdager 9.00-15.00", "mandag-fredag 09:00-15:00"),
        ("daglig 00:00-24:00", "daglig 00:00-23:59"),
        ("lordag 10:00-12:00", "lørdag 10:00-12:00"),
        ("tysdag 10:00-12:00", "tirsdag 10:00-12:00"),
        ("tirsdag og torsdag 16:00-19:00", "tirsdag,torsdag 16:00-19:00"),
        ("etter avtale", "etter avtale"),
        ("fredag 22:00-02:00", "fredag 22:00-02:00"),
    ],
)
def test_schedules_parse_to_a_canonical_form_that_parses_back(text: str, canonical: str) -> None:
    items = parse_schedule(text)
    assert format_schedule(items) == canonical
    assert parse_schedule(canonical) == items


def test_parsed_items_carry_days_and_hours() -> None:
    (item,) = parse_schedule("mandag-onsdag 10:00-14:30")
    assert item.days == (0, 1, 2)
    assert (item.opens, item.closes) == (time(10), time(14, 30))
    assert item.byday == "MO,TU,WE"


@pytest.mark.parametrize(("text", "opens", "closes"), [
    ("tirsdag 10-14", time(10), time(14)), ("man-fre kl 9.30-15", time(9, 30), time(15)),
    ("tys 18-21:30", time(18), time(21, 30)),
])
def test_whole_hours_may_drop_the_minutes(text: str, opens: time, closes: time) -> None:
    (item,) = parse_schedule(text)
    assert (item.opens, item.closes) == (opens, closes)


@pytest.mark.parametrize(
    "bad",
    ["mandag 25:00-26:00", "blabla 10:00-11:00", "mandag", "fredag-mandag 10:00-12:00",
     "mandag 10:00-10:00", "måndag 10-", "tirsdag 10-10", "onsdag 9-25"],
)
def test_hours_that_cannot_be_read_are_errors_not_text(bad: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(bad)
