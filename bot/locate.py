"""A shared location as a place: the nearest kommune, and the bydel when it has them."""

from __future__ import annotations

from losen.catalogue.places import distance_km, register
from losen.intents import Place

NORWAY = (57.8, 71.4, 4.0, 31.5)
"""Latitude and longitude bounds of mainland Norway (Svalbard has no kommuner)."""
FARTHEST_KM = 60.0
"""Farther than this from every kommune centre is not in a kommune we know (sea, abroad)."""
BYDEL_KM = 6.0


def place_at(lat: float, lon: float) -> Place | None:
    south, north, west, east = NORWAY
    if not (south <= lat <= north and west <= lon <= east):
        return None
    places = register()
    nearest = places.nearest_kommuner(lat, lon, limit=1, radius_km=FARTHEST_KM)
    if not nearest:
        return None
    kommune = nearest[0][0]
    inside = [b for b in places.bydeler.values() if b.kommunenummer == kommune.nr]
    if inside:
        bydel = min(inside, key=lambda b: distance_km(lat, lon, b.lat, b.lon))
        if distance_km(lat, lon, bydel.lat, bydel.lon) <= BYDEL_KM:
            return Place(kommune.nr, kommune.name_no, "location", bydel=bydel.name,
                         bydel_id=bydel.id)
    return Place(kommune.nr, kommune.name_no, "location")
