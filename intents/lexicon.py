"""Cue patterns from ``data/lexicon.tsv``, matched against normalised tokens.

A pattern is a sequence of segments separated by ``~N`` (a gap of up to N tokens; ``~`` is 3,
``~0`` means "right after"). A segment lists alternatives separated by ``|``, each a phrase of
tokens in the folded, normal form: ``word``, ``pre*`` (a compound starting with it: "mat*"
finds "matutdeling"), ``*suf`` ("*gjeld" finds "studiegjeld") or ``*mid*``. So
``vil|ønsker ~2 dø|ta livet mitt`` finds "vil bare dø" and "ønsker å ta livet mitt".
Labels say what a match means: ``need:food``, ``intent:volunteer``, ``crisis:suicide``,
``idiom`` and so on. ``block:LABEL`` patterns cancel LABEL matches inside their span
("matte*" is maths, not food).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from losen.catalogue.textfold import fold

from .resources import data_lines


@dataclass(frozen=True, slots=True)
class TokenPattern:
    """One token: a word, ``pre*``, ``*suf`` or ``*mid*``."""

    word: str
    kind: str  # "exact", "prefix", "suffix" or "infix"

    def matches(self, token: str) -> bool:
        if self.kind == "exact":
            return token == self.word
        if self.kind == "prefix":
            return token.startswith(self.word)
        if self.kind == "suffix":
            return token.endswith(self.word)
        return self.word in token


Segment = tuple[tuple[TokenPattern, ...], ...]
"""Alternatives, each a sequence of tokens: ``livet|livet mitt|mitt liv``."""


class SegmentIndex:
    """A segment's alternatives indexed by their first token, like the lexicon's patterns:
    a segment may list a hundred words, and a message token should meet only the few that
    can match it."""

    __slots__ = ("exact", "other", "prefix", "suffix")

    def __init__(self, segment: Segment) -> None:
        self.exact: dict[str, list[tuple[TokenPattern, ...]]] = defaultdict(list)
        self.prefix: dict[str, list[tuple[TokenPattern, ...]]] = defaultdict(list)
        self.suffix: dict[str, list[tuple[TokenPattern, ...]]] = defaultdict(list)
        self.other: list[tuple[TokenPattern, ...]] = []
        for alt in segment:
            first = alt[0]
            if first.kind == "exact":
                self.exact[first.word].append(alt)
            elif first.kind == "prefix" and len(first.word) >= 2:
                self.prefix[first.word[:2]].append(alt)
            elif first.kind == "suffix" and len(first.word) >= 2:
                self.suffix[first.word[-2:]].append(alt)
            else:
                self.other.append(alt)

    def ends(self, tokens: tuple[str, ...], i: int) -> list[int]:
        """Where each alternative that matches at token ``i`` ends."""
        if i >= len(tokens):
            return []
        token = tokens[i]
        found = []
        for group in (self.exact.get(token), self.prefix.get(token[:2]),
                      self.suffix.get(token[-2:]), self.other):
            for alt in group or ():
                end = i + len(alt)
                if end <= len(tokens) and all(t.matches(tokens[i + k]) for k, t in enumerate(alt)):
                    found.append(end)
        return found


@dataclass(frozen=True, slots=True)
class Pattern:
    label: str
    weight: float
    segments: tuple[Segment, ...]
    gaps: tuple[int, ...]
    """The most tokens allowed between segment k and k+1."""
    source: str
    indexes: tuple[SegmentIndex, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    label: str
    weight: float
    start: int
    end: int
    """Token span [start, end) in the normal tokens."""
    source: str


def _token_pattern(text: str) -> TokenPattern:
    starts, ends = text.startswith("*"), text.endswith("*")
    core = fold(text.strip("*")).replace(" ", "")
    kind = ("infix" if starts and ends else "prefix" if ends else "suffix" if starts
            else "exact")
    return TokenPattern(core, kind)


_GAP = re.compile(r"\s+~(\d*)\s+")


def compile_pattern(label: str, weight: float, text: str) -> Pattern:
    """Segments are separated by ``~N`` gaps; within one, ``|`` separates phrase alternatives."""
    pieces = _GAP.split(f" {text.strip()} ")
    segment_texts, gaps = pieces[0::2], tuple(int(g or 3) for g in pieces[1::2])
    segments = []
    for seg in segment_texts:
        alternatives = tuple(
            tuple(_token_pattern(tok) for tok in alt.split())
            for alt in seg.split("|")
            if alt.strip()
        )
        if not alternatives or any(not alt for alt in alternatives):
            raise ValueError(f"bad lexicon pattern: {text!r}")
        segments.append(alternatives)
    return Pattern(label, weight, tuple(segments), gaps, text,
                   tuple(SegmentIndex(seg) for seg in segments))


class Lexicon:
    """Patterns indexed by their first token (whole word, first two or last two letters), so
    that a message is matched in well under a millisecond."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self._by_exact: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._by_suffix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._other: list[int] = []
        for n, p in enumerate(patterns):
            for t in {alt[0] for alt in p.segments[0]}:
                if t.kind == "exact":
                    self._by_exact[t.word].append(n)
                elif t.kind == "prefix" and len(t.word) >= 2:
                    self._by_prefix[t.word[:2]].append((t.word, n))
                elif t.kind == "suffix" and len(t.word) >= 2:
                    self._by_suffix[t.word[-2:]].append((t.word, n))
                else:
                    self._other.append(n)

    def words(self) -> frozenset[str]:
        """Every whole word and word start the patterns name, for spelling correction."""
        return frozenset(
            t.word for p in self.patterns for seg in p.segments for alt in seg for t in alt
            if t.kind in ("exact", "prefix") and len(t.word) >= 4
        )

    def _candidates(self, token: str) -> set[int]:
        found = set(self._by_exact.get(token, ()))
        found.update(n for prefix, n in self._by_prefix.get(token[:2], ())
                     if token.startswith(prefix))
        found.update(n for suffix, n in self._by_suffix.get(token[-2:], ())
                     if token.endswith(suffix))
        found.update(self._other)
        return found

    def match(self, tokens: tuple[str, ...]) -> list[Hit]:
        hits: list[Hit] = []
        for i, token in enumerate(tokens):
            for n in sorted(self._candidates(token)):
                p = self.patterns[n]
                end = _match_pattern(p, tokens, i)
                if end is not None:
                    hits.append(Hit(p.label, p.weight, i, end, p.source))
        blocks = [h for h in hits if h.label.startswith("block:")]
        if not blocks:
            return hits
        return [
            h for h in hits
            if not h.label.startswith("block:")
            and not any(b.label[6:] == h.label and b.start <= h.start and h.end <= b.end
                        for b in blocks)
        ]


def _match_pattern(p: Pattern, tokens: tuple[str, ...], i: int) -> int | None:
    """The end of the shortest match of ``p`` starting at token ``i``, or None."""
    frontier = p.indexes[0].ends(tokens, i)
    for gap, index in zip(p.gaps, p.indexes[1:], strict=True):
        nxt: set[int] = set()
        for end in frontier:
            for start in range(end, min(end + gap, len(tokens)) + 1):
                nxt.update(index.ends(tokens, start))
        frontier = sorted(nxt)
        if not frontier:
            return None
    return min(frontier) if frontier else None


@cache
def lexicon() -> Lexicon:
    patterns = []
    for row in data_lines("lexicon.tsv"):
        label, weight, text = row[0].strip(), float(row[1] or 1), row[2].strip()
        patterns.append(compile_pattern(label, weight, text))
    return Lexicon(patterns)
