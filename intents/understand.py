"""Text in, understanding out. Pure: no database, no network, no Telegram.

The steps, each data-driven: normalise the words (variants, folding, spelling), match the
lexicon's cues, find the place, check for crisis before anything else, collect the needs,
detect the language, and decide the intent by weighing the example-trained classifier
against the lexicon's cues.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from losen.catalogue.textfold import fold

from .classifier import NaiveBayes, features
from .examples import Example, load_examples
from .language import detect_language
from .learned import learned
from .lexicon import Hit, Lexicon, lexicon
from .normalise import Tokens, normalise, variants
from .placefinder import find_place, place_names
from .resources import data_lines
from .result import INTENTS, Place, Understanding
from .trained import Trained, cached

MAX_CHARS = 2000
"""Longer messages are read up to here: enough for any real question, bounded in cost."""
SMALL_TALK = ("greeting", "thanks", "goodbye")
CUE_WEIGHT = 1.2
"""How much one unit of lexicon cue weighs against the classifier's log-probability."""
CRISIS_SAFETY_NET = 0.7
"""Classifier probability of crisis above which a message with a distress word is treated as
crisis even when no crisis cue matched: when unsure, a false alarm costs a kind word, a miss
may cost a life."""
LEARNED_CRISIS = 0.52
"""The lowest threshold that keeps real out-of-scope speech (xSID) under 2 % wrongly served:
0.50 gave 2.03 %, 0.52 gives 1.94 %, 0.55 gives 1.79 % (bench/xsid.py)."""
LEARNED_CRISIS_EXPLAINED = 0.9
"""The learned crisis detector (``learned("crisis")``) catches what no cue foresaw: above this
probability a message is treated as crisis; beside an idiom ("dødslei") or an everyday
subject (the weather, a car for sale) it must be surer."""

DISTRESS_GATE: tuple[str, ...] = ("distress",)
"""The classifier's guess counts only beside a distress word (measured by cross-validation
on the examples: without the gate, film and weather questions trip it) ..."""
INDICATIVE_RATIO = 4.0
"""... or beside a word it learned to be crisis-indicative (at least this many times likelier
in crisis examples than in any other intent). Chosen by 5-fold cross-validation on the
examples: 2.0 catches 92 % of crisis examples but trips on 2.5 % of xSID; 4.0 catches 82 % and
trips on 0.5 %; the lexicon comes first either way."""


@dataclass(frozen=True)
class Model:
    lexicon: Lexicon
    vocabulary: frozenset[str]
    """Words worth correcting typos towards (the lexicon's and the examples')."""
    protected: frozenset[str]
    """Words that are never typos: frequent words, dialect forms, place names."""
    intents: NaiveBayes
    commands: dict[str, str]
    fillers: frozenset[str]


def _common_words() -> frozenset[str]:
    return frozenset(row[0] for row in data_lines("common_words.txt"))


@cache
def model() -> Model:
    return build_model(load_examples(), use_cache=True)


def build_model(examples: Iterable[Example], use_cache: bool = False) -> Model:
    """Train on ``examples``; cross-validation in ``bench/`` trains on parts of the file.
    With ``use_cache`` (the examples are the whole file) a stored training is reused."""
    lex = lexicon()
    names = place_names()
    place_words = {w for name in names.register.known_names() for w in name.split()}
    protected = _common_words() | frozenset(place_words) | frozenset(names.aliases) \
        | frozenset(variants().single)
    vocabulary = lex.words()

    def train() -> Trained:
        samples = []
        example_words: set[str] = set()
        for ex in examples:
            tokens = normalise(ex.text, vocabulary, protected)
            example_words.update(w for w in tokens.normal if len(w) >= 4 and w.isalpha())
            labels = [h.label for h in lex.match(tokens.normal)]
            samples.append((features(tokens.normal, labels), ex.intent))
        return Trained(NaiveBayes.train(samples), frozenset(example_words))

    trained = cached(train) if use_cache else train()
    commands = {cmd: intent for cmd, intent, *_ in data_lines("commands.tsv")}
    fillers = frozenset(fold(row[0]) for row in data_lines("fillers.txt"))
    return Model(lex, vocabulary | trained.example_words, protected, trained.intents,
                 commands, fillers)


def crisis_kind(hits: list[Hit]) -> str | None:
    """The kind of crisis the cues show, ignoring cues that overlap an idiom ("dødslei",
    "vil dø av latter")."""
    idioms = [h for h in hits if h.label == "idiom"]
    best: tuple[float, int, str] | None = None
    for h in hits:
        if not h.label.startswith("crisis:"):
            continue
        if any(i.start < h.end and h.start < i.end for i in idioms):
            continue
        candidate = (h.weight, -h.start, h.label.split(":", 1)[1])
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else None


def needs_of(hits: list[Hit], likely: Callable[[], dict[str, float]] | None = None
             ) -> tuple[tuple[str, ...], float]:
    """Need codes, main first (strong cues before weak ones; among equally strong ones the
    need the examples make likelier, else the first mentioned), and the strongest need cue's
    weight."""
    weight: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    asked = {h.end for h in hits if h.label.startswith("request")}
    for h in hits:
        if h.label.startswith("need:"):
            code = h.label[5:]
            # What follows "trenger"/"need" is what the person asks for: "blakk, trenger mat".
            boost = 0.5 if h.weight >= 2 and (h.start in asked or h.start - 1 in asked) else 0.0
            weight[code] = max(weight[code], h.weight + boost)
            first[code] = min(first.get(code, h.start), h.start)
    if not weight:
        return (), 0.0
    strongest = max(weight.values())
    chosen = [c for c in weight if weight[c] >= min(strongest, 2)]
    tied = [c for c in chosen if weight[c] == strongest]
    odds: dict[str, float] = likely() if likely is not None and len(tied) > 1 else {}
    return tuple(sorted(chosen, key=lambda c: (-weight[c], -odds.get(c, 0.0), first[c]))), \
        min(strongest, 3.0)


def cue_scores(hits: list[Hit], need_weight: float, has_place: bool) -> dict[str, float]:
    """Evidence per intent from the lexicon, capped so that repetition does not shout."""
    scores: dict[str, float] = defaultdict(float)
    for h in hits:
        if h.label.startswith("intent:"):
            scores[h.label[7:]] += h.weight
        elif h.label == "oos":
            scores["out_of_scope"] += h.weight
        elif h.label.startswith("request"):
            scores["find_offer"] += 0.5
    scores["find_offer"] += need_weight + (0.5 if has_place else 0.0)
    return {k: min(v, 4.0) for k, v in scores.items()}


SERVED = ("find_offer", "volunteer", "nav_question")
"""Intents that lead to offers or advice: they need evidence in the words themselves, so that
a message about the weather or a film is never answered as a request for help."""


def place_only(tokens: Tokens, place: Place | None, fillers: frozenset[str]) -> bool:
    """Is the message just a place, as an answer to "where do you live?" would be?"""
    if place is None:
        return False
    name_words = set(fold(place.name).split()) | {place.postnummer or ""}
    rest = [w for w in tokens.folded if w not in name_words and w not in fillers]
    return len(rest) <= 1 and len(tokens.folded) <= 8


def has_evidence(intent: str, hits: list[Hit], need_weight: float, has_place: bool) -> bool:
    """Is there a word that asks for this? A weak need word ("film", "pappa") counts only
    together with a request ("finnes det", "trenger")."""
    labels = {h.label for h in hits}
    if intent == "find_offer":
        request = "request" in labels or "request:strong" in labels
        return need_weight >= 2 or "org" in labels or "request:strong" in labels \
            or (request and (has_place or need_weight > 0))
    return f"intent:{intent}" in labels


def decide_intent(probabilities: dict[str, float], cues: dict[str, float],
                  needs: tuple[str, ...], evidence: set[str]) -> str:
    scores = {
        intent: math.log(max(probabilities.get(intent, 0.0), 1e-9)) + CUE_WEIGHT * cues.get(intent, 0)
        for intent in INTENTS
        if intent != "crisis" and (intent not in SERVED or intent in evidence)
    }
    best = max(scores, key=lambda k: (scores[k], k == "find_offer"))
    if best in SMALL_TALK and needs:
        return "find_offer"  # "Hei, trenger mat" is a request, not a greeting
    return best




NEED_FALLBACK = 0.4
"""Probability the learned need model must reach to name a need no word in the lexicon named."""


def learned_needs(likely_needs: Callable[[], dict[str, float]], needs: tuple[str, ...]
                  ) -> tuple[str, ...]:
    """The needs the words named, the main one chosen by the learned model; or, when no word
    named one, the learned model's guess if it is sure enough. On all six evaluation sets this
    beat the lexicon's own order (0.85 -> 0.90 on the newest blind set, 0.88 -> 0.94 on another);
    breaking only ties with it gained half as much."""
    if len(needs) == 1:
        return needs
    likely = likely_needs()
    if needs:
        main = max(needs, key=lambda n: likely.get(n, 0.0))
        return (main, *(n for n in needs if n != main))
    best = max(likely, key=lambda n: likely[n])
    return (best,) if best != "none" and likely[best] >= NEED_FALLBACK else ()


def understand(text: str, trained: Model | None = None) -> Understanding:
    m = trained or model()
    text = text[:MAX_CHARS]
    tokens = normalise(text, m.vocabulary, m.protected)
    hits = m.lexicon.match(tokens.normal)
    kind = crisis_kind(hits)
    # Scored at most once, and only when the words leave the main need open.
    likely_needs = cache(lambda: learned("need").probabilities(text))
    needs, need_weight = needs_of(hits, likely_needs)
    place = find_place(tokens, m.protected)
    language = detect_language(tokens.raw)
    organisations = tuple(sorted({" ".join(tokens.normal[h.start:h.end])
                                  for h in hits if h.label == "org"}))
    feats = features(tokens.normal, [h.label for h in hits])
    probabilities = m.intents.probabilities(feats)
    labels = {h.label for h in hits}
    if kind is None and probabilities.get("crisis", 0.0) >= CRISIS_SAFETY_NET \
            and "idiom" not in labels and "oos" not in labels \
            and (labels & set(DISTRESS_GATE)
                 or m.intents.indicative(feats, "crisis", INDICATIVE_RATIO)):
        kind = "unclear"
    if kind is None:
        likely = learned("crisis").probabilities(text)["crisis"]
        explained = "idiom" in labels or "oos" in labels
        if likely >= (LEARNED_CRISIS_EXPLAINED if explained else LEARNED_CRISIS):
            kind = "unclear"
    if kind is not None:
        return Understanding(intent="crisis", need=needs[0] if needs else None, needs=needs,
                             place=place, crisis=True, crisis_kind=kind,
                             language=language, organisations=organisations)  # type: ignore[arg-type]
    command = text.strip().split(" ")[0].lower() if text.strip().startswith("/") else None
    if command in m.commands:
        intent = m.commands[command]
    else:
        evidence = {i for i in SERVED if has_evidence(i, hits, need_weight, place is not None)}
        if place_only(tokens, place, m.fillers) and "oos" not in {h.label for h in hits}:
            evidence.add("find_offer")  # a bare place answers "where do you live?"
        intent = decide_intent(probabilities, cue_scores(hits, need_weight, place is not None),
                               needs, evidence)
    keep_needs = intent in ("find_offer", "volunteer")
    if intent == "find_offer":
        needs = learned_needs(likely_needs, needs)
    return Understanding(
        intent=intent,  # type: ignore[arg-type]
        need=needs[0] if needs and keep_needs else None,
        needs=needs if keep_needs else (),
        place=place,
        language=language,  # type: ignore[arg-type]
        organisations=organisations,
    )
