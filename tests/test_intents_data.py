"""The vocabulary is data: every file parses, names only real codes and places, and the
examples Losen learns from are kept apart from the sets it is measured on."""

from __future__ import annotations

import csv
from pathlib import Path

from losen.catalogue.places import register
from losen.catalogue.taxonomy import NEED_CODES
from losen.catalogue.textfold import fold
from losen.intents.examples import load_examples
from losen.intents.lexicon import lexicon
from losen.intents.placefinder import place_names
from losen.intents.resources import data_lines
from losen.intents.result import INTENTS

ROOT = Path(__file__).resolve().parent.parent
CRISIS_KINDS = {"suicide", "goodbye", "self_harm", "overdose", "violence", "rape"}


def _label_ok(label: str) -> bool:
    if label.startswith("block:"):
        label = label[6:]
    kind, _, value = label.partition(":")
    if kind == "need":
        return value in NEED_CODES
    if kind == "intent":
        return value in INTENTS
    if kind == "crisis":
        return value in CRISIS_KINDS
    return label in {"idiom", "oos", "org", "request", "request:strong", "distress"}


def test_every_lexicon_label_is_known() -> None:
    bad = [p.source for p in lexicon().patterns if not _label_ok(p.label)]
    assert not bad
    assert len(lexicon().patterns) > 300


def test_examples_use_only_known_intents_needs_and_kommuner() -> None:
    examples = load_examples()
    assert len(examples) >= 1000
    places = register()
    for ex in examples:
        assert ex.intent in INTENTS, ex
        assert all(n in NEED_CODES for n in ex.needs), ex
        assert ex.kommunenummer is None or places.kommune(ex.kommunenummer), ex
    assert {ex.intent for ex in examples} == set(INTENTS)


def _eval_texts(name: str) -> set[str]:
    with (ROOT / "bench" / "data" / name).open(encoding="utf-8") as f:
        return {fold(r["text"]) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def test_evaluation_sets_are_kept_apart_from_the_examples() -> None:
    examples = {fold(ex.text) for ex in load_examples()}
    sets = {name: _eval_texts(name) for name in
            ("dev.tsv", "test.tsv", "holdout.tsv", "holdout2.tsv", "holdout3.tsv", "holdout4.tsv",
             "holdout5.tsv", "holdout6.tsv")}
    assert len(sets["dev.tsv"]) >= 400 and all(len(s) >= 200 for s in sets.values())
    # Short small talk ("hei", "er du en robot") coincides, and independent writers now and
    # then hit the same plain sentence ("eg vil ikkje leve lenger"): at most 1 % of a set.
    for name, texts in sets.items():
        longer = [t for t in examples & texts if len(t.split()) > 4]
        assert len(longer) <= len(texts) // 100, (name, longer)


def test_aliases_point_at_real_kommuner() -> None:
    places = register()
    for alias, nr in place_names().aliases.items():
        assert places.kommune(nr) is not None, alias


def test_ambiguous_names_are_real_place_names() -> None:
    names = set(register().known_names()) | set(place_names().aliases)
    stale = [n for n in place_names().ambiguous if n not in names and n != "hei"]
    assert not stale


def test_variants_and_markers_parse() -> None:
    assert sum(1 for _ in data_lines("variants.tsv")) > 150
    assert {row[1] for row in data_lines("language_markers.tsv")} == {"nb", "nn", "en"}
