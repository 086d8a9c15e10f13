"""Finding the place in a message: postal code, bydel or neighbourhood, kommune, poststed.

The register (``losen.catalogue.places``) knows the names; this module decides which words in
a message are meant as places. Names that are also ordinary words ("Hei", "Moss", "Ski",
"Time") count only in a place-like context, so "jeg trenger ski" is about skis, "bor på Ski"
is about Ski. Misspellings ("Bergn", "Kristiansnad") are corrected with rapidfuzz, but an exact
name always wins ("Kristiansund" never becomes Kristiansand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from losen.catalogue.places import PlaceRegister, register
from losen.catalogue.textfold import fold
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .normalise import Tokens
from .resources import data_lines
from .result import Place

LOCATIVE = frozenset(fold(w) for w in (
    "i", "på", "paa", "fra", "frå", "til", "ved", "rundt", "nær", "naer", "near", "in", "around",
    "at", "utenfor", "utanfor", "innenfor", "mot", "bor", "bur", "nærheten", "naerheten",
    "omkring", "kring", "from", "to",
))
FROM = frozenset(("fra", "from", "fraa"))
AFTER = frozenset(("kommune", "kommun", "sentrum", "omradet", "omrade", "bydel", "by", "city",
                   "area", "municipality"))
_MONEY_OR_TIME = frozenset(("kr", "kroner", "nok", "kr.", "ar", "timer", "kl", "klokka", "klokken",
                            "minutter", "mnd", "maneder", "dager", "uker", "prosent"))
_POSTCODE = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class Ambiguity:
    alone: bool
    capital: bool


@dataclass(frozen=True)
class PlaceNames:
    register: PlaceRegister
    ambiguous: dict[str, Ambiguity]
    aliases: dict[str, str]
    fuzzy_names: tuple[str, ...]
    max_words: int


@cache
def place_names() -> PlaceNames:
    places = register()
    ambiguous = {
        fold(name): Ambiguity(alone == "yes", capital == "yes")
        for name, alone, capital, *_ in data_lines("ambiguous_places.tsv")
    }
    aliases = {fold(alias): nr for alias, nr, *_ in data_lines("place_aliases.tsv")}
    names = set(places.known_names()) | set(aliases)
    fuzzy = tuple(sorted(n for n in names if len(n) >= 4 and n not in ambiguous))
    return PlaceNames(places, ambiguous, aliases, fuzzy,
                      max(len(n.split()) for n in names))


def _postal_place(tokens: Tokens, places: PlaceRegister) -> Place | None:
    for i, word in enumerate(tokens.folded):
        if not _POSTCODE.match(word):
            continue
        before = tokens.folded[i - 1] if i else ""
        after = tokens.folded[i + 1] if i + 1 < len(tokens.folded) else ""
        if before in _MONEY_OR_TIME or after in _MONEY_OR_TIME:
            continue
        pc = places.postal_code(word)
        if pc is None:
            continue
        bydel = places.bydel_for_postal_code(word)
        return Place(pc.kommunenummer, pc.poststed, "postnummer",
                     bydel=bydel.name if bydel else None, bydel_id=bydel.id if bydel else None,
                     postnummer=word)
    return None


def _resolve(name: str, names: PlaceNames) -> Place | None:
    """A place for an exact folded name: bydel first, then kommune, alias, poststed."""
    places = names.register
    hits = places.bydeler_by_name(name)
    if hits:
        hit = hits[0]
        label = hit.neighbourhood.name if hit.neighbourhood else hit.bydel.name
        return Place(hit.bydel.kommunenummer, label, "bydel", bydel=hit.bydel.name,
                     bydel_id=hit.bydel.id)
    kommuner = places.kommuner_by_name(name)
    if kommuner:
        k = max(kommuner, key=lambda k: k.population)
        return Place(k.nr, k.name_no, "kommune")
    if name in names.aliases:
        k2 = places.kommune(names.aliases[name])
        if k2 is not None:
            return Place(k2.nr, k2.name_no, "kommune")
    by_poststed = places.kommuner_by_poststed(name)
    if by_poststed:
        k3 = max(by_poststed, key=lambda k: k.population)
        postal = places.postal_codes_by_poststed(name)
        return Place(k3.nr, postal[0].poststed.title() if postal[0].poststed.isupper()
                     else postal[0].poststed, "poststed")
    return None


def _rank(name: str, names: PlaceNames) -> tuple[int, int, str]:
    places = names.register
    kommuner = places.kommuner_by_name(name)
    if kommuner or name in names.aliases:
        return (0, -max((k.population for k in kommuner), default=0), name)
    if places.bydeler_by_name(name):
        return (1, 0, name)
    return (2, -max((k.population for k in places.kommuner_by_poststed(name)), default=0), name)


def _context_ok(tokens: Tokens, start: int, end: int, amb: Ambiguity) -> bool:
    if amb.capital and not tokens.capitalised[start]:
        return False
    if amb.alone and tokens.capitalised[start] and not tokens.sentence_start[start] \
            and not tokens.capitalised[start - 1]:
        # "gratis kurs Moss?": a capital inside a sentence marks a name ("Kari Vik" a person's)
        return True
    before = tokens.folded[start - 1] if start else ""
    after = tokens.folded[end] if end < len(tokens.folded) else ""
    if before in LOCATIVE or after in AFTER:
        # "på ski" is skiing; "på Ski", written with a capital, is the town.
        return before != "pa" or tokens.raw[start] != "ski" or tokens.capitalised[start]
    # Alone: the whole message, or a sentence of its own ("Trenger mat. Moss").
    whole_sentence = tokens.sentence_start[start] and (
        end == len(tokens.folded) or tokens.sentence_start[end])
    return amb.alone and whole_sentence


def find_place(tokens: Tokens, known_words: frozenset[str] = frozenset()) -> Place | None:
    """The place a message names, or None. ``known_words`` are never fuzzy-matched to places:
    a frequent word or a dialect form is not a misspelt place name."""
    names = place_names()
    place = _postal_place(tokens, names.register)
    if place is not None:
        return place
    words = tokens.folded
    for size in range(min(names.max_words, len(words)), 0, -1):
        found: list[tuple[int, Place]] = []
        for start in range(len(words) - size + 1):
            name = " ".join(words[start:start + size])
            amb = names.ambiguous.get(name)
            if amb is not None and not _context_ok(tokens, start, start + size, amb):
                continue
            place = _resolve(name, names)
            if place is not None:
                found.append((start, place))
        if found:
            # "Slapp ut fra Ila, er i Drammen": where someone comes from is not where they are.
            here = [p for start, p in found if not start or words[start - 1] not in FROM]
            return (here or [found[0][1]])[0]
    for i, word in enumerate(words):
        if len(word) < 4 or not word.isalpha() or word in known_words or word in tokens.corrected:
            continue
        # Only where a place is likely: after "i"/"på"/…, written with a capital, or a long word.
        placelike = (i > 0 and words[i - 1] in LOCATIVE) or tokens.capitalised[i] or len(word) >= 7
        if not placelike:
            continue
        # One slip (a letter missing, extra, wrong or two swapped: "Bergn", "Bregen"); two in
        # long names ("Kristiansnad"). Among equally close names a kommune beats a bydel, a
        # bydel beats a poststed, and a bigger place beats a smaller one.
        edits = 2 if len(word) >= 8 else 1
        candidates = process.extract(word, names.fuzzy_names, scorer=DamerauLevenshtein.distance,
                                     score_cutoff=edits, limit=20)
        if len(word) == 4:  # short words: only two letters swapped ("Olso")
            candidates = [c for c in candidates if sorted(c[0]) == sorted(word)]
        best = min(
            ((dist, *_rank(name, names)) for name, dist, _ in candidates),
            default=None,
        )
        if best is not None:
            return _resolve(best[-1], names)
    return None
