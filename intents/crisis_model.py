"""The learned crisis detector: a second net under the crisis cues.

Each blind evaluation set brought crisis wordings no cue foresaw ("the car is running in the
garage and the door is shut"), while a character n-gram logistic regression trained on the
same examples caught most of them. Its weights are trained by ``tools/train_crisis.py`` and
scored here in plain Python (the same features as scikit-learn's ``char_wb`` TF-IDF), so Losen
needs no machine-learning library at run time.
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
class CrisisModel:
    low: int
    high: int
    intercept: float
    features: dict[str, tuple[float, float]]
    """n-gram → (idf, weight)."""

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

    def probability(self, text: str) -> float:
        """The probability that ``text`` is a crisis message."""
        weighted = []
        for gram, tf in self.grams(text).items():
            known = self.features.get(gram)
            if known is not None:
                idf, weight = known
                weighted.append(((1.0 + math.log(tf)) * idf, weight))
        norm = math.sqrt(sum(v * v for v, _ in weighted)) or 1.0
        score = self.intercept + sum(v * w for v, w in weighted) / norm
        return 1.0 / (1.0 + math.exp(-score))


@cache
def crisis_model() -> CrisisModel:
    raw = json.loads(resources.files(__package__).joinpath("data", "crisis_model.json")
                     .read_text("utf-8"))
    low, high = raw["ngram_range"]
    return CrisisModel(low, high, raw["intercept"],
                       {g: (idf, w) for g, (idf, w) in raw["features"].items()})
