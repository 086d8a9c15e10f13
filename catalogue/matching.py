"""Which offers fit a need in a place. Pure, over offers already loaded in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .records import Offer


@dataclass(frozen=True, slots=True)
class Query:
    needs: tuple[str, ...] = ()
    kommunenummer: str | None = None


def match(offers: Sequence[Offer], query: Query, limit: int = 3) -> list[Offer]:
    """Offers in the kommune first, then national ones; the main need before side needs."""
    def fits(o: Offer) -> bool:
        if query.needs and not set(query.needs) & set(o.needs):
            return False
        if o.scope == "national":
            return True
        return query.kommunenummer is not None and o.kommunenummer == query.kommunenummer

    def rank(o: Offer) -> tuple[int, int, str]:
        local = 0 if o.scope != "national" else 1
        main = 0 if query.needs and o.main_need == query.needs[0] else 1
        return (local, main, o.id)

    return sorted((o for o in offers if fits(o)), key=rank)[:limit]
