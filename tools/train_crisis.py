"""Train the learned crisis detector and write ``intents/data/crisis_model.json``.

A character n-gram TF-IDF with logistic regression (scikit-learn, a test dependency), trained
on ``intents/data/examples.tsv`` as crisis against everything else. Losen does not need
scikit-learn at run time: ``intents/crisis_model.py`` scores the same features in plain Python
from the weights written here. A test fails when the file is older than the examples.

Usage: python tools/train_crisis.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "intents" / "data" / "examples.tsv"
OUT = ROOT / "intents" / "data" / "crisis_model.json"


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from losen.intents.examples import load_examples

    examples = load_examples()
    texts = [e.text for e in examples]
    labels = [e.intent == "crisis" for e in examples]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 lowercase=True)
    features = vectorizer.fit_transform(texts)
    model = LogisticRegression(max_iter=3000, C=10.0).fit(features, labels)
    weights = model.coef_[0]
    vocabulary = {
        gram: [round(float(vectorizer.idf_[i]), 6), round(float(weights[i]), 6)]
        for gram, i in vectorizer.vocabulary_.items()
    }
    OUT.write_text(json.dumps({
        "about": "Learned crisis detector: char_wb 2-5 TF-IDF (sublinear tf, l2) + logistic "
                 "regression, trained by tools/train_crisis.py on examples.tsv.",
        "examples_sha256": hashlib.sha256(EXAMPLES.read_bytes()).hexdigest(),
        "ngram_range": [2, 5],
        "intercept": round(float(model.intercept_[0]), 6),
        "features": vocabulary,
    }, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{len(vocabulary)} features; wrote {OUT}")


if __name__ == "__main__":
    main()
