"""The stored training: reused while Losen's files are unchanged, never trusted when broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from losen.intents.classifier import NaiveBayes
from losen.intents.trained import Trained, cached, source_key


def _trained() -> Trained:
    nb = NaiveBayes.train([(["w:mat"], "find_offer"), (["w:hei"], "greeting")])
    return Trained(nb, frozenset({"matutdeling"}))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LOSEN_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_training_is_stored_and_reused(cache: Path) -> None:
    calls = []

    def train() -> Trained:
        calls.append(1)
        return _trained()

    first = cached(train)
    second = cached(train)
    assert len(calls) == 1
    assert second.example_words == first.example_words == frozenset({"matutdeling"})
    assert [p.name for p in cache.iterdir()] == [f"trained-{source_key()}.pickle"]


def test_a_broken_cache_file_is_trained_again(cache: Path) -> None:
    (cache / f"trained-{source_key()}.pickle").write_bytes(b"not a pickle")
    calls = []

    def train() -> Trained:
        calls.append(1)
        return _trained()

    assert cached(train).example_words == frozenset({"matutdeling"})
    assert calls == [1]


def test_old_trainings_are_removed(cache: Path) -> None:
    (cache / "trained-0123456789abcdef01234567.pickle").write_bytes(b"old")
    cached(_trained)
    assert [p.name for p in cache.iterdir()] == [f"trained-{source_key()}.pickle"]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("LOSEN_CACHE_DIR", str(blocked / "cache"))
    assert cached(_trained).example_words == frozenset({"matutdeling"})


def test_the_key_follows_the_examples() -> None:
    # The key is a digest of the files, so it is stable within a checkout.
    assert source_key() == source_key() and len(source_key()) == 24
