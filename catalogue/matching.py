"""Which offers fit a need in a place, in what order, and why. Pure, over offers in memory.

Place first: the person's bydel, then their kommune, then nearby kommuner (by centroid
distance within a radius), then regional offers in their fylke and national ones. Never an
offer from far away just because it fits the need: an empty answer is better than Bodø for
someone in Tromsø. Every score is the sum of named parts, so ``losen ask --explain`` can show
why an offer came first.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz

from .opening import Opening, opening, time_rank
from .places import PlaceRegister, distance_km, register
from .records import Offer
from .textfold import fold

DEFAULT_RADIUS_KM = 50.0
HIDE_AFTER = timedelta(days=180)
SHOW_DATE_AFTER = timedelta(days=90)
NAME_MATCH = 88


@dataclass(frozen=True, slots=True)
class Query:
    needs: tuple[str, ...] = ()
    """Main need first; empty matches every need."""
    kommunenummer: str | None = None
    bydel_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    text: str = ""
    """The person's words, for matching organisation and offer names."""
    radius_km: float = DEFAULT_RADIUS_KM


@dataclass(frozen=True, slots=True)
class Match:
    offer: Offer
    score: float
    parts: tuple[tuple[str, float], ...]
    opening: Opening
    distance_km: float | None
    area: str
    """``bydel``, ``kommune``, ``nearby``, ``region`` or ``national``."""
    stale: bool
    """Last verified more than 90 days ago: show the date."""
    caution: bool = False
    """Several people said something is wrong since it was last confirmed: say so."""

    def explain(self) -> str:
        return " + ".join(f"{name} {value:.2f}" for name, value in self.parts) + \
            f" = {self.score:.2f}"


@dataclass
class CatalogueIndex:
    """Offers grouped by where they reach, built once when the catalogue is loaded."""

    offers: Sequence[Offer]
    places: PlaceRegister = field(default_factory=register)
    by_kommune: dict[str, list[Offer]] = field(default_factory=lambda: defaultdict(list))
    by_kommune_need: dict[tuple[str, str], list[Offer]] = field(
        default_factory=lambda: defaultdict(list))
    regional: dict[str, list[Offer]] = field(default_factory=lambda: defaultdict(list))
    national: list[Offer] = field(default_factory=list)
    bydel_of: dict[str, str] = field(default_factory=dict)
    folded_names: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Offer] = field(default_factory=dict)
    cautions: frozenset[str] = frozenset()
    """Offers with several open "not right" reports."""
    _near: dict[tuple[str, float], list[tuple[str, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for o in self.offers:
            self.by_id[o.id] = o
            if o.scope == "national" or not o.kommunenummer:
                self.national.append(o)
                continue
            self.by_kommune[o.kommunenummer].append(o)
            for need in o.needs:
                self.by_kommune_need[(o.kommunenummer, need)].append(o)
            if o.scope == "regional":
                self.regional[o.kommunenummer[:2]].append(o)
            bydel = self._bydel(o)
            if bydel:
                self.bydel_of[o.id] = bydel
            self.folded_names[o.id] = fold(f"{o.organisation} {o.name}")
        for o in self.national:
            self.folded_names[o.id] = fold(f"{o.organisation} {o.name}")

    def offer(self, offer_id: str) -> Offer | None:
        return self.by_id.get(offer_id)

    def _bydel(self, o: Offer) -> str | None:
        if o.postnummer:
            b = self.places.bydel_for_postal_code(o.postnummer)
            if b is not None:
                return b.id
        if o.latitude is None or o.longitude is None:
            return None
        inside = [b for b in self.places.bydeler.values() if b.kommunenummer == o.kommunenummer]
        if not inside:
            return None
        lat, lon = o.latitude, o.longitude
        return min(inside, key=lambda b: distance_km(lat, lon, b.lat, b.lon)).id

    def in_kommune(self, nr: str, needs: tuple[str, ...]) -> list[Offer]:
        """Offers in a kommune that cover any of the needs (all offers when no need)."""
        if not needs:
            return self.by_kommune.get(nr, [])
        if len(needs) == 1:
            return self.by_kommune_need.get((nr, needs[0]), [])
        seen: dict[str, Offer] = {}
        for need in needs:
            for o in self.by_kommune_need.get((nr, need), ()):
                seen.setdefault(o.id, o)
        return list(seen.values())

    def near(self, nr: str, radius_km: float) -> list[tuple[str, float]]:
        """Other kommuner within the radius, nearest first (cached per kommune and radius)."""
        key = (nr, radius_km)
        if key not in self._near:
            self._near[key] = [(k.nr, d) for k, d in self.places.kommuner_near(nr, radius_km)]
        return self._near[key]


def settle() -> None:
    """Call once the catalogue is loaded: a long-lived process keeps these objects for good.

    ``gc.freeze`` moves them out of the collector's sight, so that a full collection does not
    walk a hundred thousand offers in the middle of someone's question (measured: p99 from
    ~200 ms to a few ms at 100,000 offers), and glibc gets back the memory that loading used.
    """
    gc.collect()
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _fresh(o: Offer, today: date) -> tuple[bool, bool]:
    """(visible, stale): hidden after 180 days unverified, dated after 90."""
    if o.last_verified is None:
        return False, True
    age = today - o.last_verified
    return age <= HIDE_AFTER, age > SHOW_DATE_AFTER


def _need_score(o: Offer, needs: tuple[str, ...]) -> float:
    if not needs:
        return 1.0
    if needs[0] in o.needs:
        # An offer made for this need beats one that also covers it on the side.
        return 3.0 + (1.5 if o.main_need == needs[0] else 0.0)
    if set(needs) & set(o.needs):
        return 1.5
    return 0.0


def match(index: CatalogueIndex, query: Query, now: datetime, limit: int | None = None
          ) -> list[Match]:
    """Fitting offers, best first; with ``limit``, only that many (and faster)."""
    places = index.places
    today = now.date()
    candidates: dict[str, tuple[Offer, str, float | None]] = {}
    home = places.kommune(query.kommunenummer) if query.kommunenummer else None
    if home is not None:
        origin = (query.latitude, query.longitude) if query.latitude is not None \
            and query.longitude is not None else (home.lat, home.lon)
        for o in index.in_kommune(home.nr, query.needs):
            area = "bydel" if query.bydel_id and index.bydel_of.get(o.id) == query.bydel_id \
                else "kommune"
            candidates[o.id] = (o, area, _offer_distance(o, origin))
        for nr, _ in index.near(home.nr, query.radius_km):
            for o in index.in_kommune(nr, query.needs):
                d = _offer_distance(o, origin)
                if d is None or d <= query.radius_km:
                    candidates.setdefault(o.id, (o, "nearby", d))
        for o in index.regional.get(home.fylke_nr, ()):
            candidates.setdefault(o.id, (o, "region", _offer_distance(o, origin)))
    for o in index.national:
        candidates.setdefault(o.id, (o, "national", None))

    text = fold(query.text) if len(query.text) >= 4 else ""
    scored = []
    for o, area, dist in candidates.values():
        visible, stale = _fresh(o, today)
        if not visible or o.paused(today):
            continue
        need = _need_score(o, query.needs)
        if need == 0.0:
            continue
        place = {"bydel": 4.0, "kommune": 3.0, "region": 1.0, "national": 0.5}.get(area, 0.0)
        if area == "nearby":
            place = 2.0 * (1 - (dist or query.radius_km) / (query.radius_km * 1.5))
        parts = [("need", need), ("place", place)]
        if text:
            name_score = fuzz.partial_ratio(index.folded_names.get(o.id, ""), text)
            if name_score >= NAME_MATCH:
                parts.append(("name", 5.0 * name_score / 100))
        if stale:
            parts.append(("stale", -0.3))
        scored.append((sum(v for _, v in parts), o, area, dist, stale, parts))
    # Opening hours add at most 1.0: only offers within 1.0 of the limit-th best can still
    # change places, so only they need their hours worked out.
    scored.sort(key=lambda t: -t[0])
    if limit is not None and len(scored) > limit:
        floor = scored[limit - 1][0] - 1.0
        scored = [t for t in scored if t[0] >= floor]
    results = []
    for _base, o, area, dist, stale, parts in scored:
        when = opening(o.schedule, now)
        parts = [*parts[:2], ("time", time_rank(when, now)), *parts[2:]]
        results.append(Match(o, round(sum(v for _, v in parts), 4), tuple(parts), when, dist,
                             area, stale, o.id in index.cautions))
    results.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else 1e9,
                                m.offer.id))
    return results if limit is None else results[:limit]


def _offer_distance(o: Offer, origin: tuple[float, float]) -> float | None:
    if o.latitude is None or o.longitude is None:
        return None
    return distance_km(origin[0], origin[1], o.latitude, o.longitude)
