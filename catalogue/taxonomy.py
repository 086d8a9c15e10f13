"""The needs and low-threshold label vocabularies, read from data so copy changes need no code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    labels: dict[str, str]
    """Label per language: nb, nn, en."""

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["nb"]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    terms: dict[str, Term]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.terms)


def _load(filename: str) -> Taxonomy:
    raw = json.loads(resources.files(__package__).joinpath("data", filename).read_text("utf-8"))
    terms = {
        t["code"]: Term(t["code"], {lang: t[lang] for lang in ("nb", "nn", "en")})
        for t in raw["terms"]
    }
    return Taxonomy(raw["taxonomy"], terms)


@cache
def needs() -> Taxonomy:
    return _load("needs.json")


@cache
def labels() -> Taxonomy:
    return _load("labels.json")


NEED_CODES: tuple[str, ...] = (
    "food", "social", "activity", "family", "clothing", "digital", "health", "homework",
    "housing", "language", "legal", "mental_health", "money", "nav_help", "substance", "work",
)
"""The fixed set of need codes; the data file must hold exactly these (checked by tests)."""
