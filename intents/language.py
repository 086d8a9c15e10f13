"""Which language to answer in: bokmål, nynorsk or English, from marker words."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from .resources import data_lines


@cache
def markers() -> tuple[dict[str, tuple[str, float]], tuple[tuple[str, str, float], ...]]:
    """Whole-word markers, and word endings (written ``*ane``) that mark a written form."""
    words: dict[str, tuple[str, float]] = {}
    endings: list[tuple[str, str, float]] = []
    for word, lang, weight, *_ in data_lines("language_markers.tsv"):
        if word.startswith("*"):
            endings.append((word[1:].lower(), lang, float(weight)))
        else:
            words[word.lower()] = (lang, float(weight))
    return words, tuple(endings)


def detect_language(raw_tokens: tuple[str, ...], default: str = "nb") -> str:
    """``nb``, ``nn`` or ``en``. Bokmål wins ties: it is the safest default in Norway, and
    English needs more than a stray "for" or "i" to win."""
    scores: dict[str, float] = defaultdict(float)
    words, endings = markers()
    for word in raw_tokens:
        hit = words.get(word)
        if hit is not None:
            scores[hit[0]] += hit[1]
        elif len(word) >= 5:
            for ending, lang, weight in endings:
                if word.endswith(ending):
                    scores[lang] += weight
                    break
    nb, nn, en = scores["nb"], scores["nn"], scores["en"]
    if en >= 1.5 and en > max(nb, nn):
        return "en"
    if nn > nb:
        return "nn"
    return default if default != "en" or en > 0 else "nb"
