"""A small catalogue made for the matching and dialogue tests."""

from __future__ import annotations

from datetime import date

from losen.catalogue.matching import CatalogueIndex
from losen.catalogue.records import Offer
from losen.catalogue.schedule import parse_schedule

VERIFIED = date(2026, 11, 1)


def offer(id: str, needs: str, kommune: str | None, postnummer: str = "", schedule: str = "",
          lat: float | None = None, lon: float | None = None, scope: str = "local",
          organisation: str = "Testlaget", verified: date | None = VERIFIED,
          labels: dict[str, bool] | None = None, name: str | None = None) -> Offer:
    return Offer(
        id=id, organisation=organisation, name=name or id, needs=tuple(needs.split("|")),
        kommunenummer=kommune, scope=scope, postnummer=postnummer,  # type: ignore[arg-type]
        latitude=lat, longitude=lon, schedule=parse_schedule(schedule),
        labels=labels if labels is not None else {"free": True}, last_verified=verified,
        phone="+4722999901",
    )


OFFERS = [
    # Oslo: one food offer in Gamle Oslo (0653, Tøyen), one in Frogner (0264).
    offer("oslo-toyen-mat", "food", "0301", "0653", "mandag-fredag 12:00-15:00", 59.915, 10.775),
    offer("oslo-frogner-mat", "food", "0301", "0264", "mandag-fredag 12:00-15:00", 59.92, 10.70),
    offer("oslo-grorud-mat", "food", "0301", "0950", "lørdag 11:00-13:00", 59.96, 10.88),
    offer("oslo-side-mat", "social|food", "0301", "0653", "mandag-fredag 12:00-15:00", 59.914, 10.776),
    # Stavanger has no food; Sandnes next door does.
    offer("sandnes-mat", "food", "1108", "", "tirsdag 10:00-12:00", 58.85, 5.73),
    offer("stavanger-sprak", "language", "1103", "", "onsdag 18:00-20:00", 58.97, 5.73),
    # Bodø has food; Tromsø has none (and Bodø is far away).
    offer("bodo-mat", "food", "1804", "", "daglig 10:00-14:00", 67.28, 14.40),
    offer("tromso-sprak", "language", "5501", "", "mandag 17:00-19:00", 69.65, 18.96),
    # Trondheim: two homework offers, one open on Tuesdays, one on Thursdays.
    offer("trd-tirsdag", "homework", "5001", "", "tirsdag 16:00-18:00", 63.43, 10.39),
    offer("trd-torsdag", "homework", "5001", "", "torsdag 16:00-18:00", 63.43, 10.39),
    offer("trd-bymisjon", "money", "5001", "", "etter avtale", 63.43, 10.39,
          organisation="Kirkens Bymisjon Trondheim", name="Gjeldsråd"),
    offer("trd-gjeld", "money", "5001", "", "tirsdag 12:00-14:00", 63.43, 10.39,
          organisation="Andre", name="Gjeldshjelp"),
    # Freshness.
    offer("trd-stale", "homework", "5001", "", "tirsdag 16:00-18:00", 63.43, 10.39,
          verified=date(2026, 7, 1)),
    offer("trd-hidden", "homework", "5001", "", "tirsdag 16:00-18:00", 63.43, 10.39,
          verified=date(2026, 4, 1)),
    # A national line.
    offer("national-samtale", "mental_health", None, scope="national",
          schedule="daglig 00:00-23:59"),
    offer("oslo-navhjelp", "nav_help", "0301", "0653", "torsdag 12:00-15:00", 59.915, 10.775,
          labels={"free": True, "no_nav": True}),
]


def index() -> CatalogueIndex:
    return CatalogueIndex(OFFERS)
