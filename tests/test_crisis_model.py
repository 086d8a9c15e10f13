"""The learned crisis detector: trained on the current examples, scored as scikit-learn does."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest
from losen.intents import understand
from losen.intents.crisis_model import crisis_model
from losen.intents.examples import load_examples


def test_the_weights_were_trained_on_the_current_examples() -> None:
    data = resources.files("losen.intents").joinpath("data")
    model = json.loads(data.joinpath("crisis_model.json").read_text("utf-8"))
    current = hashlib.sha256(data.joinpath("examples.tsv").read_bytes()).hexdigest()
    assert model["examples_sha256"] == current, "run: python tools/train_crisis.py"


def test_plain_python_scores_as_scikit_learn_does() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    examples = load_examples()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 lowercase=True)
    reference = LogisticRegression(max_iter=3000, C=10.0).fit(
        vectorizer.fit_transform([e.text for e in examples]),
        [e.intent == "crisis" for e in examples])
    texts = [e.text for e in examples[::97]] + ["a", "Hei  hei!!", "ÆØÅ æøå", ""]
    expected = reference.predict_proba(vectorizer.transform(texts))[:, 1]
    model = crisis_model()
    for text, p in zip(texts, expected, strict=True):
        assert model.probability(text) == pytest.approx(p, abs=0.01), text


@pytest.mark.parametrize("text", [
    "bilen står på i garasjen og døra er lukket",
    "har ryddet huset og lagt nøklene på bordet. takk for alt",
])
def test_wordings_no_cue_names_are_caught(text: str) -> None:
    assert understand(text).crisis, text


@pytest.mark.parametrize("text", ["hei", "trenger mat i Bergen", "hva er været i morgen",
                                  "kjeder meg dødslei, noe å gjøre i Bodø?"])
def test_ordinary_messages_are_not_alarms(text: str) -> None:
    assert not understand(text).crisis, text
