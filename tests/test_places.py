"""The place register: every kind of lookup, including the ways people actually write names."""

from __future__ import annotations

import pytest
from losen.catalogue.places import distance_km, register
from losen.catalogue.textfold import fold


def test_register_holds_all_kommuner_fylker_and_postal_codes() -> None:
    places = register()
    assert len(places.kommuner) == 357
    assert len(places.fylker) == 15
    assert len(places.postal_codes) == 5121
    assert "Kartverket" in places.attribution


def test_kommune_by_number() -> None:
    oslo = register().kommune("0301")
    assert oslo is not None and oslo.name_no == "Oslo"
    assert register().kommune("9999") is None


@pytest.mark.parametrize(
    ("name", "nr"),
    [
        ("Guovdageaidnu", "5612"),   # Northern Sami
        ("guovdageaidnu", "5612"),
        ("Kautokeino", "5612"),
        ("Kárášjohka", "5610"),
        ("Karasjohka", "5610"),      # Sami name without its diacritics
        ("Raisi", "5544"),           # Kven
        ("Tråante", "5001"),         # South Sami name of Trondheim
        ("Tromso", "5501"),          # no ø
        ("Tromsoe", "5501"),
        ("Baerum", "3201"),
        ("Bærum", "3201"),
        ("Ålesund", "1508"),
        ("Aalesund", "1508"),
        ("Kristiansund", "1505"),
        ("Kristiansand", "4204"),
    ],
)
def test_kommune_by_name_in_any_written_form(name: str, nr: str) -> None:
    assert [k.nr for k in register().kommuner_by_name(name)] == [nr]


def test_shared_names_are_returned_for_the_caller_to_resolve() -> None:
    assert sorted(k.nr for k in register().kommuner_by_name("Herøy")) == ["1515", "1818"]


def test_sami_and_kven_names_are_tagged() -> None:
    storfjord = register().kommune("5538")
    assert storfjord is not None
    assert dict(storfjord.names) == {"Storfjord": "no", "Omasvuotna": "smi", "Omasvuono": "fkv"}


def test_postal_code_lookup() -> None:
    pc = register().postal_code("9990")
    assert pc is not None and (pc.poststed, pc.kommunenummer) == ("Båtsfjord", "5632")
    assert register().postal_code("0000") is None


def test_poststed_lookup_without_aeoeaa() -> None:
    nrs = {k.nr for k in register().kommuner_by_poststed("Mo i Rana")}
    assert nrs == {"1833"}
    assert {k.nr for k in register().kommuner_by_poststed("Bronnoysund")} == {"1813"}


@pytest.mark.parametrize(
    ("name", "bydel", "kommunenummer"),
    [
        ("Tøyen", "Gamle Oslo", "0301"),
        ("Toyen", "Gamle Oslo", "0301"),
        ("Grünerløkka", "Grünerløkka", "0301"),
        ("Grunerlokka", "Grünerløkka", "0301"),
        ("Laksevåg", "Laksevåg", "4601"),
        ("Heimdal", "Heimdal", "5001"),
        ("Madla", "Madla", "1103"),
    ],
)
def test_bydel_and_neighbourhood_lookup(name: str, bydel: str, kommunenummer: str) -> None:
    hits = register().bydeler_by_name(name)
    assert hits, name
    assert hits[0].bydel.name == bydel
    assert hits[0].bydel.kommunenummer == kommunenummer


def test_every_bydel_lies_in_its_kommune_and_has_known_postal_codes() -> None:
    places = register()
    assert {b.kommunenummer for b in places.bydeler.values()} == {"0301", "4601", "5001", "1103"}
    for b in places.bydeler.values():
        for code in b.postal_codes:
            pc = places.postal_code(code)
            assert pc is not None and pc.kommunenummer == b.kommunenummer, (b.name, code)


def test_nearest_kommuner_to_a_point() -> None:
    # Karl Johans gate, Oslo.
    nearest = register().nearest_kommuner(59.9127, 10.7461, limit=3)
    assert nearest[0][0].nr == "0301"
    assert [d for _, d in nearest] == sorted(d for _, d in nearest)


def test_kommuner_near_another_exclude_itself_and_respect_the_radius() -> None:
    near = register().kommuner_near("5501", radius_km=60)
    assert near and all(k.nr != "5501" and d <= 60 for k, d in near)
    assert "1804" not in {k.nr for k, _ in near}  # Bodø is far from Tromsø


def test_distance_is_symmetric_and_plausible() -> None:
    oslo_bergen = distance_km(59.91, 10.75, 60.39, 5.32)
    assert 300 < oslo_bergen < 310
    assert distance_km(60.39, 5.32, 59.91, 10.75) == pytest.approx(oslo_bergen)


def test_fold_writes_norwegian_letters_as_people_without_them_do() -> None:
    assert fold("Tromsø") == fold("Tromso") == fold("TROMSOE") == "tromso"
    assert fold("Åsane") == fold("Aasane") == "asane"
    assert fold("Nord-Fron") == "nord fron"


def test_place_register_does_not_load_the_database_layer() -> None:
    import subprocess
    import sys

    code = ("import sys; from losen.catalogue.places import register; register(); "
            "print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
