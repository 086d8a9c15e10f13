"""The example sentences: one documented file that Losen and the baseline both learn from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .resources import data_lines


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    needs: tuple[str, ...]
    kommunenummer: str | None


def parse_row(row: list[str]) -> Example:
    row = row + [""] * (4 - len(row))
    text, intent, needs, kommunenummer = (cell.strip() for cell in row[:4])
    return Example(text, intent, tuple(n for n in needs.split("|") if n),
                   kommunenummer or None)


@cache
def load_examples() -> tuple[Example, ...]:
    return tuple(parse_row(row) for row in data_lines("examples.tsv"))
