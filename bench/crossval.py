"""K-fold cross-validation of Losen's understanding on its own examples.

For tuning without looking at the held-out sets in ``bench/data``: each fold trains the
classifier on the other folds and measures on this one (the lexicon is the same in every fold,
so figures are optimistic about words the lexicon already knows). Prints intent accuracy,
need accuracy on find_offer rows, crisis recall and false crisis alarms.

Usage: python bench/crossval.py [--folds 5] [--errors]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from losen.intents.examples import Example, load_examples
from losen.intents.understand import build_model, understand


def folds(examples: list[Example], k: int, seed: int = 7) -> list[list[Example]]:
    shuffled = examples[:]
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    parts = folds(list(load_examples()), args.folds)
    intent_ok = need_ok = offers = crisis = caught = alarms = total = 0
    confusion: Counter[tuple[str, str]] = Counter()
    needs: Counter[tuple[str | None, str | None]] = Counter()
    for i, held in enumerate(parts):
        train = [e for j, part in enumerate(parts) if j != i for e in part]
        trained = build_model(train)
        for e in held:
            a = understand(e.text, trained)
            total += 1
            gold_need = e.needs[0] if e.needs else None
            intent_ok += a.intent == e.intent
            if a.intent != e.intent:
                confusion[(e.intent, a.intent)] += 1
            if e.intent == "find_offer":
                offers += 1
                need_ok += a.need == gold_need
                if a.need != gold_need:
                    needs[(gold_need, a.need)] += 1
            if e.intent == "crisis":
                crisis += 1
                caught += a.crisis
            elif a.crisis:
                alarms += 1
            if args.errors and (a.intent != e.intent
                                or (e.intent == "find_offer" and a.need != gold_need)):
                print(f"  {e.text!r}: {a.intent}/{a.need} (gold {e.intent}/{gold_need})")
    print(f"{args.folds}-fold cross-validation on {total} examples")
    print(f"intent accuracy {intent_ok / total:.3f}  need accuracy (find_offer) "
          f"{need_ok / offers:.3f}  crisis recall {caught / crisis:.3f} ({caught}/{crisis})  "
          f"false crisis alarms {alarms}")
    print("intent confusions:", ", ".join(f"{g}->{p} {c}" for (g, p), c in confusion.most_common(10)))
    print("need confusions:", ", ".join(f"{g}->{p} {c}" for (g, p), c in needs.most_common(12)))


if __name__ == "__main__":
    main()
