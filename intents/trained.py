"""What training learns from the examples, kept on disk between runs.

Training reads 3,400 examples through normalisation and the lexicon, which takes about a
second; a person's first message should not wait for it every time Losen starts. The result
depends only on Losen's own files (data and code), so it is stored under a key made from
their contents and is trained again whenever any of them changes. It holds nothing anyone
wrote to Losen. Where the cache cannot be written, Losen simply trains at every start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from .classifier import NaiveBayes

log = logging.getLogger("losen.intents")
T = TypeVar("T")


@dataclass(frozen=True)
class Trained:
    intents: NaiveBayes
    example_words: frozenset[str]


def source_key() -> str:
    """A digest of every file training depends on: this package (code and data) and the
    place names and folding it borrows from the catalogue."""
    digest = hashlib.sha256()
    roots = [resources.files("losen.intents"), resources.files("losen.catalogue")]
    own = sorted(((str(p.name), p) for p in _walk(roots[0])
                  if p.name.endswith((".py", ".tsv", ".txt"))), key=lambda pair: pair[0])
    borrowed = [(name, roots[1].joinpath(*parts)) for name, parts in (
        ("textfold.py", ("textfold.py",)), ("places.json", ("data", "places.json")),
        ("bydeler.json", ("data", "bydeler.json")))]
    files = [*own, *borrowed]
    for name, path in files:
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _walk(root: Traversable) -> Iterator[Traversable]:
    for entry in root.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def cache_dir() -> Path:
    configured = os.environ.get("LOSEN_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("losen", appauthor=False))


def cached(train: Callable[[], Trained]) -> Trained:
    """The trained parts from the cache when Losen's files are unchanged, else trained now
    (and stored for the next start)."""
    path = cache_dir() / f"trained-{source_key()}.pickle"
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
        if isinstance(value, Trained):
            return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = train()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in path.parent.glob("trained-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("training cache not written (%s); training at every start", type(exc).__name__)
    return value
