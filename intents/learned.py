"""Linear text classifiers trained with scikit-learn and scored here in plain Python.

Each blind evaluation set brought wordings no cue foresaw, while a character n-gram TF-IDF
with logistic regression, trained on the same examples, generalised well. ``tools/train_models.py``
trains such models and writes their weights as JSON; this module computes the same features as
scikit-learn's ``char_wb`` analyzer (sublinear tf, idf, l2 norm) and the same probabilities, so
Losen needs no machine-learning library at run time. A test compares both on sample texts.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class LinearTextModel:
    classes: tuple[str, ...]
    low: int
    high: int
    intercepts: tuple[float, ...]
    features: dict[str, tuple[float, tuple[float, ...]]]
    """n-gram → (idf, one weight per row of coefficients)."""

    def grams(self, text: str) -> Counter[str]:
        """scikit-learn's ``char_wb`` analyzer: n-grams inside space-padded words."""
        counts: Counter[str] = Counter()
        for word in _SPACES.sub(" ", text.lower()).split():
            padded = f" {word} "
            for n in range(self.low, self.high + 1):
                for start in range(max(1, len(padded) - n + 1)):
                    counts[padded[start:start + n]] += 1
                if len(padded) <= n:  # a short word counts once, as scikit-learn does
                    break
        return counts

    def probabilities(self, text: str) -> dict[str, float]:
        known = [(self.features[g], tf) for g, tf in self.grams(text).items() if g in self.features]
        values = [((1.0 + math.log(tf)) * idf, weights) for (idf, weights), tf in known]
        norm = math.sqrt(sum(v * v for v, _ in values)) or 1.0
        sums = [0.0] * len(self.intercepts)
        for v, weights in values:
            sums = [s + v * w for s, w in zip(sums, weights, strict=True)]
        scores = [b + s / norm for b, s in zip(self.intercepts, sums, strict=True)]
        if len(scores) == 1:  # binary: one row of weights for the second class
            p = 1.0 / (1.0 + math.exp(-scores[0]))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}


@cache
def learned(name: str) -> LinearTextModel:
    """``crisis`` (crisis or not) or ``need`` (the main need of a request, or ``none``)."""
    raw = json.loads(resources.files(__package__).joinpath("data", f"{name}_model.json")
                     .read_text("utf-8"))
    low, high = raw["ngram_range"]
    return LinearTextModel(tuple(raw["classes"]), low, high, tuple(raw["intercepts"]),
                           {g: (v[0], tuple(v[1:])) for g, v in raw["features"].items()})
