"""Text in, understanding out. Pure: no database, no network, no Telegram."""

from __future__ import annotations

import re

from losen.catalogue.places import PlaceRegister, register
from losen.catalogue.textfold import fold

from .result import Place, Understanding

_POSTCODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def find_place(text: str, places: PlaceRegister | None = None) -> Place | None:
    """The first place named in the text: a postal code, a bydel, a kommune or a poststed."""
    places = places or register()
    for code in _POSTCODE.findall(text):
        pc = places.postal_code(code)
        if pc is not None:
            bydel = places.bydel_for_postal_code(code)
            return Place(pc.kommunenummer, pc.poststed, "postnummer",
                         bydel=bydel.name if bydel else None, bydel_id=bydel.id if bydel else None,
                         postnummer=code)
    tokens = fold(text).split()
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            name = " ".join(tokens[i : i + size])
            hits = places.bydeler_by_name(name)
            if hits:
                b = hits[0].bydel
                return Place(b.kommunenummer, hits[0].neighbourhood.name if hits[0].neighbourhood
                             else b.name, "bydel", bydel=b.name, bydel_id=b.id)
            kommuner = places.kommuner_by_name(name)
            if len(kommuner) == 1:
                k = kommuner[0]
                return Place(k.nr, k.name_no, "kommune")
            by_poststed = places.kommuner_by_poststed(name)
            if len(by_poststed) == 1:
                return Place(by_poststed[0].nr, by_poststed[0].name_no, "poststed")
    return None


def understand(text: str) -> Understanding:
    place = find_place(text)
    intent = "find_offer" if place else "out_of_scope"
    return Understanding(intent=intent, place=place)  # type: ignore[arg-type]
