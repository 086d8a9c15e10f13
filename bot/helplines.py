"""Help lines as data: numbers, hours, the date each was checked and its source."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    number: str
    names: dict[str, str]
    hours: dict[str, str]
    checked: str
    source: str

    def name(self, lang: str) -> str:
        return self.names.get(lang, self.names["nb"])

    def hours_in(self, lang: str) -> str:
        return self.hours.get(lang, self.hours["nb"])

    @property
    def tel(self) -> str:
        """The number as a dialable string (``tel:`` links, Telegram buttons)."""
        return "+47" + self.number.replace(" ", "") if len(self.number.replace(" ", "")) == 8 \
            else self.number.replace(" ", "")


@cache
def _data() -> dict:
    return json.loads(resources.files(__package__).joinpath("data", "helplines.json")
                      .read_text("utf-8"))


@cache
def all_lines() -> dict[str, Helpline]:
    return {
        line["id"]: Helpline(line["id"], line["number"], line["name"], line["hours"],
                             line["checked"], line["source"])
        for line in _data()["lines"]
    }


def lines_for(situation: str) -> list[Helpline]:
    """The few lines for a situation (``crisis:violence``, ``human``, ``nav`` …)."""
    data, lines = _data(), all_lines()
    sets = data["sets"]
    ids = sets.get(situation) or sets["crisis:unclear"]
    out: list[Helpline] = []
    for line_id in ids:
        for member in data["pairs"].get(line_id, [line_id]):
            out.append(lines[member])
    return out
