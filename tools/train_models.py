"""Train Losen's learned models and write their weights to ``intents/data/*_model.json``.

Character n-gram TF-IDF with logistic regression (scikit-learn, a test dependency), trained on
``intents/data/examples.tsv``: ``crisis`` (crisis against everything else) and ``need`` (the
main need of the find_offer examples, ``none`` when they name none). ``intents/learned.py``
scores them in plain Python. A test fails when a file is older than the examples.

Usage: python tools/train_models.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "intents" / "data"
DIGITS = 5


def train(name: str, texts: list[str], labels: list[str]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 lowercase=True)
    model = LogisticRegression(max_iter=3000, C=10.0).fit(vectorizer.fit_transform(texts), labels)
    coef = model.coef_
    features = {
        gram: [round(float(vectorizer.idf_[i]), DIGITS),
               *(round(float(coef[k][i]), DIGITS) for k in range(coef.shape[0]))]
        for gram, i in vectorizer.vocabulary_.items()
    }
    out = DATA / f"{name}_model.json"
    out.write_text(json.dumps({
        "about": f"Learned {name} model: char_wb 2-5 TF-IDF (sublinear tf, l2) + logistic "
                 "regression, trained by tools/train_models.py on examples.tsv.",
        "examples_sha256": hashlib.sha256((DATA / "examples.tsv").read_bytes()).hexdigest(),
        "classes": [str(c) for c in model.classes_],
        "ngram_range": [2, 5],
        "intercepts": [round(float(b), DIGITS) for b in model.intercept_],
        "features": features,
    }, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{name}: {len(model.classes_)} classes, {len(features)} features; wrote {out}")


def main() -> None:
    from losen.intents.examples import load_examples

    examples = load_examples()
    train("crisis", [e.text for e in examples],
          ["crisis" if e.intent == "crisis" else "other" for e in examples])
    offers = [e for e in examples if e.intent == "find_offer"]
    train("need", [e.text for e in offers], [e.needs[0] if e.needs else "none" for e in offers])


if __name__ == "__main__":
    main()
