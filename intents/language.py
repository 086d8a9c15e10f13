"""Which language to answer in: bokmål, nynorsk or English, from marker words."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from .resources import data_lines


@cache
def markers() -> dict[str, tuple[str, float]]:
    return {word.lower(): (lang, float(weight))
            for word, lang, weight, *_ in data_lines("language_markers.tsv")}


def detect_language(raw_tokens: tuple[str, ...], default: str = "nb") -> str:
    """``nb``, ``nn`` or ``en``. Bokmål wins ties: it is the safest default in Norway."""
    scores: dict[str, float] = defaultdict(float)
    table = markers()
    for word in raw_tokens:
        hit = table.get(word)
        if hit is not None:
            scores[hit[0]] += hit[1]
    if not scores:
        return default
    best = max(scores.values())
    if best <= 0:
        return default
    for lang in (default, "nb", "nn", "en"):
        if scores.get(lang, 0.0) == best:
            return lang
    return default
