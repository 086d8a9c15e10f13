"""From a message to the tokens the rest of understanding compares.

People write "æ treng ikkje", "jeg trenge hjelp", "paa Tøyen" or "matudeling". Each token is
looked up as written (lower-cased) and folded (see ``losen.catalogue.textfold``), mapped through
the variants file to its bokmål form, and, when nothing knows it, corrected against the
vocabulary with rapidfuzz. The folded raw tokens are kept beside the normal ones, because
place names and English words must be seen as the person wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from losen.catalogue.textfold import fold
from rapidfuzz import fuzz, process

from .resources import data_lines

_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Tokens:
    raw: tuple[str, ...]
    """Lower-cased tokens as written."""
    folded: tuple[str, ...]
    """The same tokens folded (æøå and accents written plainly), one per raw token."""
    normal: tuple[str, ...]
    """Tokens in normal bokmål form; a variant may expand to several tokens."""
    capitalised: tuple[bool, ...]
    """Per raw token: was it written with a capital first letter?"""
    corrected: frozenset[str] = frozenset()
    """Folded raw tokens that were typos of known words ("rispr" for "risper")."""
    sentence_start: tuple[bool, ...] = ()
    """Per raw token: does it begin a sentence? There a capital says nothing about a name."""


@dataclass(frozen=True)
class Variants:
    single: dict[str, tuple[str, ...]]
    multi: dict[tuple[str, ...], tuple[str, ...]]
    max_len: int


@cache
def variants() -> Variants:
    single: dict[str, tuple[str, ...]] = {}
    multi: dict[tuple[str, ...], tuple[str, ...]] = {}
    for variant, normal, _type, apply, *_ in data_lines("variants.tsv"):
        if apply != "yes":
            continue
        target = tuple(fold(normal).split())
        words = variant.lower().split()
        if len(words) == 1:
            single.setdefault(words[0], target)
            # Folded keys only for longer words: "æ" folds to "a", the same as "å".
            key = fold(words[0]).replace(" ", "")
            if len(key) >= 3:
                single.setdefault(key, target)
        else:
            multi.setdefault(tuple(fold(w).replace(" ", "") for w in words), target)
    return Variants(single, multi, max((len(k) for k in multi), default=1))


_SENTENCE_END = re.compile(r"[.!?\n]")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # letters only: "9990" is a postal code


def tokenize(text: str) -> tuple[tuple[str, ...], tuple[bool, ...], tuple[bool, ...]]:
    """Words, lower-cased, hyphens dropped ("NAV-kontor" → "navkontor"), and "heiiii" → "heii";
    with, per word, whether it was capitalised and whether it begins a sentence."""
    text = _REPEATS.sub(r"\1\1", text.replace("’", "'"))
    words, starts, end = [], [], 0
    for m in _TOKEN.finditer(text):
        words.append(m.group())
        starts.append(not words[:-1] or bool(_SENTENCE_END.search(text, end, m.start())))
        end = m.end()
    return (tuple(w.lower().replace("-", "") for w in words),
            tuple(w[:1].isupper() for w in words), tuple(starts))


def normalise(text: str, vocabulary: frozenset[str] = frozenset(),
              protected: frozenset[str] = frozenset()) -> Tokens:
    """Tokens of ``text``; unknown words close to a ``vocabulary`` word are corrected.

    Words in ``protected`` (frequent words, place names) are real words, never typos.
    """
    raw, caps, starts = tokenize(text)
    folded = tuple(fold(w).replace(" ", "") for w in raw)
    v = variants()
    out: list[str] = []
    corrected: set[str] = set()
    i = 0
    while i < len(raw):
        for size in range(min(v.max_len, len(raw) - i), 1, -1):
            target = v.multi.get(folded[i : i + size])
            if target is not None:
                out.extend(target)
                i += size
                break
        else:
            word = raw[i].replace("'", "")
            target = v.single.get(raw[i]) or v.single.get(folded[i])
            if target is not None:
                out.extend(target)
            elif (vocabulary and folded[i] not in vocabulary and folded[i] not in protected
                  and not (caps[i] and i > 0)):  # a capital inside a message marks a name
                fixed = correct(folded[i], vocabulary)
                if fixed:
                    corrected.add(folded[i])
                out.append(fixed or folded[i].replace("'", ""))
            else:
                out.append(fold(word).replace(" ", ""))
            i += 1
    return Tokens(raw, folded, tuple(out), caps, frozenset(corrected), starts)


@lru_cache(maxsize=8192)
def _correct(word: str, vocabulary: frozenset[str]) -> str | None:
    if len(word) < 5 or word.isdigit():
        return None
    cutoff = 88 if len(word) < 9 else 85
    # In a fixed order, so that equally close words resolve the same way in every run.
    hit = process.extractOne(word, _in_order(vocabulary), scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else None


@lru_cache(maxsize=4)
def _in_order(vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(vocabulary))


def correct(word: str, vocabulary: frozenset[str]) -> str | None:
    """The vocabulary word a typo most likely meant ("matudeling" → "matutdeling"), or None."""
    return _correct(word, vocabulary)
