"""Accuracy of Losen's understanding and of a TF-IDF baseline, side by side.

Both learn from the same examples (``intents/data/examples.tsv``) and are measured on a
labelled set kept apart from them (``bench/data/dev.tsv`` by default). The baseline is a
character n-gram TF-IDF with logistic regression (scikit-learn, a test dependency).

Usage: python bench/understanding.py [FILE ...] [--errors]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from losen.intents import understand
from losen.intents.examples import load_examples

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    text: str
    intent: str
    needs: tuple[str, ...]
    kommunenummer: str | None
    language: str
    note: str

    @property
    def need(self) -> str | None:
        return self.needs[0] if self.needs else None


def load(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for rec in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.append(Row(rec["text"], rec["intent"].strip(),
                            tuple(n for n in (rec["needs"] or "").split("|") if n),
                            (rec["kommunenummer"] or "").strip() or None,
                            (rec.get("language") or "").strip(), rec.get("note") or ""))
    return rows


def baseline_predictions(rows: list[Row]) -> tuple[list[str], list[str | None]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    examples = load_examples()

    def model():  # type: ignore[no-untyped-def]
        return make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                            lowercase=True),
            LogisticRegression(max_iter=2000, C=10.0),
        )

    intents = model().fit([e.text for e in examples], [e.intent for e in examples])
    offer_examples = [e for e in examples if e.intent == "find_offer"]
    needs = model().fit([e.text for e in offer_examples],
                        [e.needs[0] if e.needs else "none" for e in offer_examples])
    texts = [r.text for r in rows]
    need_pred = [None if n == "none" else str(n) for n in needs.predict(texts)]
    return [str(i) for i in intents.predict(texts)], need_pred


def pct(n: int, d: int) -> str:
    return f"{n / d:.3f} ({n}/{d})" if d else "n/a"


def report(path: Path, show_errors: bool) -> None:
    rows = load(path)
    answers = [understand(r.text) for r in rows]
    base_intent, base_need = baseline_predictions(rows)
    offer = [i for i, r in enumerate(rows) if r.intent == "find_offer"]
    crisis = [i for i, r in enumerate(rows) if r.intent == "crisis"]
    idioms = [i for i, r in enumerate(rows) if "idiom" in r.note]
    with_place = [i for i, r in enumerate(rows) if r.kommunenummer]
    langs = [i for i, r in enumerate(rows) if r.language]

    def place_of(i: int) -> str | None:
        p = answers[i].place
        return p.kommunenummer if p else None

    n = len(rows)
    print(f"== {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {n} messages "
          f"({len(offer)} find_offer, {len(crisis)} crisis, {len(idioms)} idioms, "
          f"{len(with_place)} with a place)")
    print(f"{'':34}{'Losen':>22}{'baseline':>22}")
    intent_ok = sum(a.intent == r.intent for a, r in zip(answers, rows, strict=True))
    base_ok = sum(b == r.intent for b, r in zip(base_intent, rows, strict=True))
    print(f"{'intent accuracy':34}{pct(intent_ok, n):>22}{pct(base_ok, n):>22}")
    need_ok = sum(answers[i].need == rows[i].need for i in offer)
    base_need_ok = sum(base_need[i] == rows[i].need for i in offer)
    print(f"{'need accuracy (find_offer rows)':34}{pct(need_ok, len(offer)):>22}"
          f"{pct(base_need_ok, len(offer)):>22}")
    need_all = sum(answers[i].need == rows[i].need for i in range(n))
    print(f"{'need accuracy (all rows)':34}{pct(need_all, n):>22}{'':>22}")
    place_ok = sum(place_of(i) == rows[i].kommunenummer for i in range(n))
    print(f"{'place accuracy (all rows)':34}{pct(place_ok, n):>22}")
    place_named = sum(place_of(i) == rows[i].kommunenummer for i in with_place)
    print(f"{'place accuracy (rows with place)':34}{pct(place_named, len(with_place)):>22}")
    recall = sum(answers[i].crisis for i in crisis)
    print(f"{'crisis recall':34}{pct(recall, len(crisis)):>22}")
    false_alarms = [i for i in idioms if answers[i].crisis]
    other_alarms = [i for i in range(n) if answers[i].crisis and rows[i].intent != "crisis"]
    print(f"{'idioms flagged as crisis':34}{len(false_alarms):>22}")
    print(f"{'all false crisis alarms':34}{len(other_alarms):>22}")
    lang_ok = sum(answers[i].language == rows[i].language for i in langs)
    print(f"{'language accuracy':34}{pct(lang_ok, len(langs)):>22}")
    confusion = Counter((r.intent, a.intent) for a, r in zip(answers, rows, strict=True)
                        if a.intent != r.intent)
    print("most frequent intent confusions (gold -> Losen):",
          ", ".join(f"{g}->{p} {c}" for (g, p), c in confusion.most_common(8)) or "none")
    if show_errors:
        for i, (a, r) in enumerate(zip(answers, rows, strict=True)):
            problems = []
            if a.intent != r.intent:
                problems.append(f"intent {a.intent} (gold {r.intent})")
            if r.intent == "find_offer" and a.need != r.need:
                problems.append(f"need {a.need} (gold {r.need})")
            if place_of(i) != r.kommunenummer:
                problems.append(f"place {place_of(i)} (gold {r.kommunenummer})")
            if problems:
                print(f"  {r.text!r}: " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list every mistake")
    args = parser.parse_args()
    for path in args.files or [ROOT / "bench" / "data" / "dev.tsv"]:
        report(path, args.errors)


if __name__ == "__main__":
    main()
