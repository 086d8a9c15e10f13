"""The register of Norwegian places: kommuner, fylker, postal codes and bydeler.

Pure lookups over data shipped with the package, so that understanding (which recognises places)
and matching (which measures distances) share one copy and neither needs the database layer.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .textfold import fold

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Fylke:
    nr: str
    name: str


@dataclass(frozen=True, slots=True)
class Kommune:
    nr: str
    name: str
    """The official name's first form (Sami or Kven where the name is parallel)."""
    name_no: str
    names: tuple[tuple[str, str], ...]
    """Every official form as (name, language): "no", "smi" (Sami) or "fkv" (Kven)."""
    malform: str
    adm_center: str
    population: int
    lat: float
    lon: float

    @property
    def fylke_nr(self) -> str:
        return self.nr[:2]


@dataclass(frozen=True, slots=True)
class PostalCode:
    code: str
    poststed: str
    kommunenummer: str


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    name: str
    lat: float
    lon: float
    also_kommune: bool = False


@dataclass(frozen=True, slots=True)
class Bydel:
    id: str
    name: str
    kommunenummer: str
    lat: float
    lon: float
    postal_codes: tuple[str, ...] = ()
    neighbourhoods: tuple[Neighbourhood, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BydelHit:
    """A bydel found by its own name or by a neighbourhood inside it."""

    bydel: Bydel
    neighbourhood: Neighbourhood | None = None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; plenty for "which kommuner are near" at Norway's scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass
class PlaceRegister:
    attribution: str
    fylker: dict[str, Fylke]
    kommuner: dict[str, Kommune]
    postal_codes: dict[str, PostalCode]
    bydeler: dict[str, Bydel] = field(default_factory=dict)
    _by_name: dict[str, list[Kommune]] = field(default_factory=dict, repr=False)
    _by_poststed: dict[str, list[PostalCode]] = field(default_factory=dict, repr=False)
    _by_bydel_name: dict[str, list[BydelHit]] = field(default_factory=dict, repr=False)
    _bydel_by_code: dict[str, Bydel] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for k in self.kommuner.values():
            for name in {k.name, k.name_no, *(n for n, _ in k.names)}:
                self._by_name.setdefault(fold(name), []).append(k)
        for pc in self.postal_codes.values():
            self._by_poststed.setdefault(fold(pc.poststed), []).append(pc)
        for b in self.bydeler.values():
            for name in (b.name, *b.aliases):
                self._by_bydel_name.setdefault(fold(name), []).append(BydelHit(b))
            for n in b.neighbourhoods:
                self._by_bydel_name.setdefault(fold(n.name), []).append(BydelHit(b, n))
            for code in b.postal_codes:
                self._bydel_by_code.setdefault(code, b)

    # -- lookups -------------------------------------------------------------------------
    def kommune(self, nr: str) -> Kommune | None:
        return self.kommuner.get(nr)

    def fylke(self, nr: str) -> Fylke | None:
        """The fylke by its two-digit number, or by a kommunenummer inside it."""
        return self.fylker.get(nr[:2])

    def kommuner_by_name(self, name: str) -> list[Kommune]:
        """Kommuner by any official name, in any written form, with or without æøå.

        A list, because a few names are shared (Våler, Herøy, Nes…): the caller decides.
        """
        return list(self._by_name.get(fold(name), ()))

    def postal_code(self, code: str) -> PostalCode | None:
        return self.postal_codes.get(code.strip())

    def postal_codes_by_poststed(self, poststed: str) -> list[PostalCode]:
        return list(self._by_poststed.get(fold(poststed), ()))

    def kommuner_by_poststed(self, poststed: str) -> list[Kommune]:
        seen = dict.fromkeys(pc.kommunenummer for pc in self.postal_codes_by_poststed(poststed))
        return [self.kommuner[nr] for nr in seen]

    def bydel(self, bydel_id: str) -> Bydel | None:
        return self.bydeler.get(bydel_id)

    def bydeler_by_name(self, name: str) -> list[BydelHit]:
        """Bydeler by their name, an alias, or a neighbourhood inside them."""
        return list(self._by_bydel_name.get(fold(name), ()))

    def bydel_for_postal_code(self, code: str) -> Bydel | None:
        return self._bydel_by_code.get(code)

    def known_names(self) -> dict[str, str]:
        """Every folded name the register can recognise, with its kind, for fuzzy matching."""
        names = dict.fromkeys(self._by_poststed, "poststed")
        names.update(dict.fromkeys(self._by_bydel_name, "bydel"))
        names.update(dict.fromkeys(self._by_name, "kommune"))
        return names

    # -- geography -----------------------------------------------------------------------
    def nearest_kommuner(
        self, lat: float, lon: float, limit: int = 5, radius_km: float | None = None
    ) -> list[tuple[Kommune, float]]:
        """Kommuner by centroid distance from a point, nearest first."""
        ranked = sorted(
            ((k, distance_km(lat, lon, k.lat, k.lon)) for k in self.kommuner.values()),
            key=lambda pair: (pair[1], pair[0].nr),
        )
        if radius_km is not None:
            ranked = [pair for pair in ranked if pair[1] <= radius_km]
        return ranked[:limit]

    def kommuner_near(
        self, nr: str, radius_km: float = 50.0, limit: int | None = None
    ) -> list[tuple[Kommune, float]]:
        """Other kommuner whose centroid lies within ``radius_km`` of this one's, nearest first."""
        home = self.kommuner[nr]
        ranked = self.nearest_kommuner(home.lat, home.lon, limit=len(self.kommuner), radius_km=radius_km)
        others = [pair for pair in ranked if pair[0].nr != nr]
        return others if limit is None else others[:limit]


def _load_json(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


@cache
def register() -> PlaceRegister:
    """The register shipped with Losen, loaded once per process."""
    data = _load_json("places.json")
    try:
        bydel_data = _load_json("bydeler.json")["bydeler"]
    except FileNotFoundError:
        bydel_data = []
    return PlaceRegister(
        attribution=data["attribution"],
        fylker={f["nr"]: Fylke(f["nr"], f["name"]) for f in data["fylker"]},
        kommuner={
            k["nr"]: Kommune(
                nr=k["nr"],
                name=k["name"],
                name_no=k["name_no"],
                names=tuple((n["name"], n["lang"]) for n in k["names"]),
                malform=k["malform"],
                adm_center=k["adm_center"],
                population=k["population"],
                lat=k["lat"],
                lon=k["lon"],
            )
            for k in data["kommuner"]
        },
        postal_codes={
            code: PostalCode(code, place, nr) for code, (place, nr) in data["postal_codes"].items()
        },
        bydeler={
            b["id"]: Bydel(
                id=b["id"],
                name=b["name"],
                kommunenummer=b["kommunenummer"],
                lat=b["lat"],
                lon=b["lon"],
                postal_codes=tuple(b.get("postal_codes", ())),
                neighbourhoods=tuple(
                    Neighbourhood(n["name"], n["lat"], n["lon"], bool(n.get("also_kommune")))
                    for n in b.get("neighbourhoods", ())
                ),
                aliases=tuple(b.get("aliases", ())),
            )
            for b in bydel_data
        },
    )
