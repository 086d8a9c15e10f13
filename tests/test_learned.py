"""The learned models: trained on the current examples, scored as scikit-learn does."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest
from losen.intents import understand
from losen.intents.examples import load_examples
from losen.intents.learned import learned

MODELS = ("crisis", "need")


@pytest.mark.parametrize("name", MODELS)
def test_the_weights_were_trained_on_the_current_examples(name: str) -> None:
    data = resources.files("losen.intents").joinpath("data")
    model = json.loads(data.joinpath(f"{name}_model.json").read_text("utf-8"))
    current = hashlib.sha256(data.joinpath("examples.tsv").read_bytes()).hexdigest()
    assert model["examples_sha256"] == current, "run: python tools/train_models.py"


@pytest.mark.parametrize("name", MODELS)
def test_plain_python_scores_as_scikit_learn_does(name: str) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    examples = load_examples()
    if name == "crisis":
        texts = [e.text for e in examples]
        labels = ["crisis" if e.intent == "crisis" else "other" for e in examples]
    else:
        offers = [e for e in examples if e.intent == "find_offer"]
        texts = [e.text for e in offers]
        labels = [e.needs[0] if e.needs else "none" for e in offers]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 lowercase=True)
    reference = LogisticRegression(max_iter=3000, C=10.0).fit(vectorizer.fit_transform(texts),
                                                              labels)
    samples = [*texts[::97], "a", "Hei  hei!!", "ÆØÅ æøå", ""]
    expected = reference.predict_proba(vectorizer.transform(samples))
    model = learned(name)
    assert list(model.classes) == [str(c) for c in reference.classes_]
    for text, row in zip(samples, expected, strict=True):
        ours = model.probabilities(text)
        for cls, p in zip(reference.classes_, row, strict=True):
            assert ours[str(cls)] == pytest.approx(p, abs=0.01), (text, cls)


@pytest.mark.parametrize("text", [
    "bilen står på i garasjen og døra er lukket",
    "har ryddet huset og lagt nøklene på bordet. takk for alt",
])
def test_crisis_wordings_no_cue_names_are_caught(text: str) -> None:
    assert understand(text).crisis, text


@pytest.mark.parametrize("text", ["hei", "trenger mat i Bergen", "hva er været i morgen",
                                  "kjeder meg dødslei, noe å gjøre i Bodø?"])
def test_ordinary_messages_are_not_alarms(text: str) -> None:
    assert not understand(text).crisis, text


@pytest.mark.parametrize(("text", "need"), [
    ("spillegjelda vokser og jeg klarer ikke å slutte å spille", "substance"),
    ("strømmen blir stengt, hjelp med regningene", "money"),
])
def test_the_main_need_among_several_is_the_likely_one(text: str, need: str) -> None:
    assert understand(text).need == need, text
