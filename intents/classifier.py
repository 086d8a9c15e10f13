"""A small naive Bayes classifier over the example sentences, trained when first used.

It learns from ``data/examples.tsv`` (the same file the baseline in ``bench/`` trains on) with
features that already carry Losen's knowledge: normalised words, word pairs, and the labels
of the lexicon cues a sentence matches. Counting a thousand examples takes milliseconds, so
there is no model file to fall out of step with the examples.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def features(normal: Sequence[str], labels: Iterable[str]) -> list[str]:
    feats = [f"w:{w}" for w in normal]
    feats += [f"b:{a}_{b}" for a, b in itertools.pairwise(normal)]
    feats += [f"l:{label}" for label in labels]
    return feats


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes with add-alpha smoothing; classes scored in log space."""

    priors: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    unseen: dict[str, float]
    vocabulary: frozenset[str]

    @classmethod
    def train(cls, samples: Iterable[tuple[list[str], str]], alpha: float = 0.3,
              flat_prior: float = 0.5) -> NaiveBayes:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        docs: Counter[str] = Counter()
        for feats, label in samples:
            counts[label].update(feats)
            docs[label] += 1
        vocabulary = frozenset(f for c in counts.values() for f in c)
        total_docs = sum(docs.values())
        priors = {}
        for label, n in docs.items():
            # Blend the empirical prior with a flat one: the examples' mix is not the users'.
            p = (1 - flat_prior) * n / total_docs + flat_prior / len(docs)
            priors[label] = math.log(p)
        log_likelihood, unseen = {}, {}
        v = len(vocabulary)
        for label, c in counts.items():
            denom = sum(c.values()) + alpha * v
            log_likelihood[label] = {f: math.log((n + alpha) / denom) for f, n in c.items()}
            unseen[label] = math.log(alpha / denom)
        return cls(priors, log_likelihood, unseen, vocabulary)

    def scores(self, feats: Sequence[str]) -> dict[str, float]:
        known = [f for f in feats if f in self.vocabulary]
        return {
            label: prior + sum(self.log_likelihood[label].get(f, self.unseen[label]) for f in known)
            for label, prior in self.priors.items()
        }

    def indicative(self, feats: Sequence[str], label: str, ratio: float = 8.0) -> list[str]:
        """Word features far likelier under ``label`` than under any other class: evidence
        the classifier learned from the examples, not just a lean of the priors."""
        own = self.log_likelihood.get(label, {})
        threshold = math.log(ratio)
        found = []
        for f in feats:
            if not f.startswith(("w:", "b:")) or f not in own:
                continue
            others = max(self.log_likelihood[c].get(f, self.unseen[c])
                         for c in self.priors if c != label)
            if own[f] - others >= threshold:
                found.append(f)
        return found

    def probabilities(self, feats: Sequence[str]) -> dict[str, float]:
        s = self.scores(feats)
        top = max(s.values())
        exp = {k: math.exp(v - top) for k, v in s.items()}
        z = sum(exp.values())
        return {k: v / z for k, v in exp.items()}
