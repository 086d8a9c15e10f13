"""Recognising a place in a message, through the shared place register."""

from __future__ import annotations

import pytest
from losen.intents import understand


@pytest.mark.parametrize(
    ("text", "kommunenummer", "kind"),
    [
        ("jeg bor i Tromso", "5501", "kommune"),
        ("mat i Guovdageaidnu?", "5612", "kommune"),
        ("postnummer 9990", "5632", "postnummer"),
        ("noe på Tøyen", "0301", "bydel"),
        ("Baerum", "3201", "kommune"),
    ],
)
def test_places_are_found_in_messages(text: str, kommunenummer: str, kind: str) -> None:
    place = understand(text).place
    assert place is not None
    assert (place.kommunenummer, place.kind) == (kommunenummer, kind)


def test_no_place_means_none() -> None:
    assert understand("jeg trenger mat").place is None
