"""The offer as one flat record: the shape shared by the spreadsheet, HSDS, storage and matching.

The database keeps offers in HSDS tables (service, organization, location, …); this record is
what every other part works with, so that import, export and ranking never need to know how
the tables are joined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .schedule import ScheduleItem

Scope = Literal["local", "regional", "national"]
SCOPES: tuple[str, ...] = ("local", "regional", "national")
LABEL_CODES: tuple[str, ...] = ("free", "drop_in", "anonymous", "no_referral", "no_nav")


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    organisation: str
    name: str
    description: str = ""
    needs: tuple[str, ...] = ()
    """Need codes, main need first."""
    kommunenummer: str | None = None
    scope: Scope = "local"
    address: str = ""
    postnummer: str = ""
    poststed: str = ""
    latitude: float | None = None
    longitude: float | None = None
    phone: str = ""
    """E.164, e.g. ``+4722999901``; formatted for people when shown."""
    email: str = ""
    website: str = ""
    schedule: tuple[ScheduleItem, ...] = ()
    audience: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    labels: dict[str, bool] = field(default_factory=dict)
    """Low-threshold labels that are known; a missing code means unknown, never yes."""
    last_verified: date | None = None
    reopens: date | None = None
    """Paused (a holiday closure) until this day: hidden from people asking until then."""

    def label(self, code: str) -> bool | None:
        return self.labels.get(code)

    def paused(self, today: date) -> bool:
        return self.reopens is not None and today < self.reopens

    @property
    def main_need(self) -> str | None:
        return self.needs[0] if self.needs else None
