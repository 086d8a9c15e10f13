"""Reading the data files that hold Losen's vocabulary; parsed once per process."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources


def data_lines(name: str) -> Iterator[list[str]]:
    """The rows of a TSV file in ``intents/data``: comments and the header line skipped.

    A ``.txt`` file is a plain list (one item a line, no header)."""
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    header_seen = name.endswith(".txt")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield line.split("\t")
