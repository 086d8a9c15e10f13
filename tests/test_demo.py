"""The demo catalogue: valid, wide enough to be useful, and unmistakably demo data."""

from __future__ import annotations

from collections import Counter

import phonenumbers
from conftest import TODAY
from losen.catalogue.taxonomy import NEED_CODES, needs
from losen.catalogue.transfer import demo_offers


def test_needs_taxonomy_file_holds_exactly_the_sixteen_codes() -> None:
    assert set(needs().codes) == set(NEED_CODES) and len(NEED_CODES) == 16
    assert needs().terms["food"].label("nb") == "Mat"
    assert needs().terms["food"].label("en") == "Food"


def test_demo_is_valid_and_covers_every_need_and_many_places() -> None:
    offers = demo_offers(TODAY)
    assert 75 <= len(offers) <= 100
    main_needs = Counter(o.main_need for o in offers)
    assert set(main_needs) == set(NEED_CODES)
    kommuner = {o.kommunenummer for o in offers if o.kommunenummer}
    assert len(kommuner) >= 12
    assert {"5612", "4204"} <= kommuner  # from Kautokeino to Kristiansand


def test_demo_is_marked_as_demo_and_holds_no_real_contact() -> None:
    for o in demo_offers(TODAY):
        assert "Eksempel" in o.organisation or "Demo" in o.organisation, o.id
        assert not o.email or o.email.endswith("@example.org"), o.id
        assert not o.website or o.website.startswith("https://example.org"), o.id
        if o.phone:
            number = phonenumbers.parse(o.phone)
            assert phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE, o.id
            assert "9999" in o.phone or o.phone.startswith("+4780099"), o.id
