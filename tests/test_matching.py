"""Matching and ranking on a catalogue made for the tests."""

from __future__ import annotations

from datetime import datetime

from catalogue_fixture import index
from losen.catalogue.matching import Query, match
from losen.catalogue.opening import OSLO, opening
from losen.catalogue.schedule import parse_schedule

TUESDAY_13 = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)
WEDNESDAY_13 = datetime(2026, 11, 25, 13, 0, tzinfo=OSLO)


def ids(query: Query, now: datetime = TUESDAY_13) -> list[str]:
    return [m.offer.id for m in match(index(), query, now)]


def test_bydel_comes_before_the_rest_of_the_kommune() -> None:
    toyen = ids(Query(needs=("food",), kommunenummer="0301", bydel_id="030101"))
    assert toyen.index("oslo-toyen-mat") < toyen.index("oslo-frogner-mat")
    frogner = ids(Query(needs=("food",), kommunenummer="0301", bydel_id="030105"))
    assert frogner.index("oslo-frogner-mat") < frogner.index("oslo-toyen-mat")


def test_an_offer_made_for_the_need_beats_one_covering_it_on_the_side() -> None:
    found = ids(Query(needs=("food",), kommunenummer="0301", bydel_id="030101"))
    assert found.index("oslo-toyen-mat") < found.index("oslo-side-mat")
    assert found.index("oslo-frogner-mat") < found.index("oslo-side-mat")


def test_a_nearby_kommune_when_the_own_has_nothing() -> None:
    found = match(index(), Query(needs=("food",), kommunenummer="1103"), TUESDAY_13)
    assert [m.offer.id for m in found] == ["sandnes-mat"]
    assert found[0].area == "nearby" and found[0].distance_km is not None


def test_nothing_from_far_away() -> None:
    assert ids(Query(needs=("food",), kommunenummer="5501")) == []


def test_national_offers_reach_everyone() -> None:
    assert ids(Query(needs=("mental_health",), kommunenummer="5612")) == ["national-samtale"]


def test_open_now_or_later_today_ranks_above_next_week() -> None:
    tuesday = ids(Query(needs=("homework",), kommunenummer="5001"))
    assert tuesday.index("trd-tirsdag") < tuesday.index("trd-torsdag")
    wednesday = ids(Query(needs=("homework",), kommunenummer="5001"), WEDNESDAY_13)
    assert wednesday.index("trd-torsdag") < wednesday.index("trd-tirsdag")


def test_unverified_for_180_days_is_hidden_and_after_90_dated() -> None:
    found = {m.offer.id: m for m in match(index(), Query(needs=("homework",),
                                                        kommunenummer="5001"), TUESDAY_13)}
    assert "trd-hidden" not in found
    assert found["trd-stale"].stale and not found["trd-tirsdag"].stale


def test_an_organisation_name_finds_its_offer_first() -> None:
    found = ids(Query(needs=("money",), kommunenummer="5001", text="Kirkens Bymisjon Trondheim"))
    assert found[0] == "trd-bymisjon"
    plain = ids(Query(needs=("money",), kommunenummer="5001"))
    assert plain[0] == "trd-gjeld"


def test_order_is_deterministic_and_explained() -> None:
    query = Query(needs=("food",), kommunenummer="0301", bydel_id="030101")
    first = match(index(), query, TUESDAY_13)
    assert [m.offer.id for m in first] == [m.offer.id for m in match(index(), query, TUESDAY_13)]
    explained = first[0].explain()
    assert "need" in explained and "place" in explained and "time" in explained
    assert explained.endswith(f"= {first[0].score:.2f}")


def test_public_holidays_close_weekly_openings() -> None:
    friday = parse_schedule("fredag 10:00-14:00")
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=OSLO)  # a Friday and a public holiday
    assert opening(friday, christmas).state == "next"
    ordinary = datetime(2026, 11, 27, 11, 0, tzinfo=OSLO)
    assert opening(friday, ordinary).state == "open"


def test_daylight_saving_change_keeps_wall_clock_hours() -> None:
    sunday = parse_schedule("søndag 10:00-12:00")
    # 29 March 2026: clocks go forward at 02:00; 10:30 is still inside 10:00-12:00.
    moment = datetime(2026, 3, 29, 10, 30, tzinfo=OSLO)
    result = opening(sunday, moment)
    assert result.state == "open" and result.at is not None and result.at.hour == 12
    assert result.at.utcoffset() is not None and result.at.utcoffset().total_seconds() == 7200


def test_unknown_and_free_text_hours_stay_unknown() -> None:
    assert opening(parse_schedule(""), TUESDAY_13).state == "unknown"
    text_only = opening(parse_schedule("etter avtale"), TUESDAY_13)
    assert text_only.state == "unknown" and text_only.note == "etter avtale"
