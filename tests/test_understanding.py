"""Understanding: each part on messages written the way people write them.

These sentences are the tests' own; the measured accuracy lives in bench/understanding.py on
the held-apart evaluation sets.
"""

from __future__ import annotations

import pytest
from losen.intents import understand
from losen.intents.language import detect_language
from losen.intents.normalise import normalise, tokenize


# ---------------------------------------------------------------- normalisation
def test_dialect_and_nynorsk_words_become_bokmal() -> None:
    assert normalise("æ treng ikkje noko").normal == ("jeg", "trenger", "ikke", "no")


def test_letters_without_aeoeaa_fold_like_the_real_ones() -> None:
    assert normalise("paa Tøyen").normal == normalise("på Toyen").normal


def test_typos_are_corrected_towards_known_words() -> None:
    tokens = normalise("matudeling", frozenset({"matutdeling", "leksehjelp"}))
    assert tokens.normal == ("matutdeling",)
    assert normalise("mtdl", frozenset({"matutdeling"})).normal == ("mtdl",)


def test_hyphenated_words_stay_one_token() -> None:
    assert tokenize("NAV-kontoret")[0] == ("navkontoret",)


# ---------------------------------------------------------------- crisis first
@pytest.mark.parametrize(
    "text",
    [
        "jeg vil ikke leve lenger",
        "æ orke ikkje meir",
        "eg vil døy",
        "jeg vil do",
        "tenker på å ta livet mitt i kveld",
        "alle hadde hatt det bedre uten meg",
        "dette er siste gang dere hører fra meg",
        "har skrevet avskjedsbrev",
        "jeg kutter meg igjen",
        "tok alle pillene i skapet",
        "kjæresten min slår meg",
        "pappa slår mamma og jeg er redd",
        "jeg ble voldtatt i helgen",
        "i want to kill myself",
        "my boyfriend hits me",
        "vil dø, har ikke mat",
    ],
)
def test_crisis_is_recognised(text: str) -> None:
    u = understand(text)
    assert u.crisis and u.intent == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        "kjeder meg dødslei",
        "mobilen er død",
        "jeg dør av kjedsomhet her",
        "drepte tiden på biblioteket",
        "orker ikke mer byråkrati",
        "dette skjemaet tar livet av meg",
        "this homework is killing me",
        "batteriet døde",
    ],
)
def test_idioms_are_not_crisis(text: str) -> None:
    assert not understand(text).crisis, text


def test_crisis_keeps_the_other_need() -> None:
    u = understand("vil dø, har ikke mat")
    assert u.crisis and u.need == "food"


def test_crisis_kind_is_reported() -> None:
    assert understand("mannen min slår meg").crisis_kind == "violence"
    assert understand("jeg kutter meg").crisis_kind == "self_harm"


# ---------------------------------------------------------------- intents and needs
@pytest.mark.parametrize(
    ("text", "intent", "need"),
    [
        ("trenger mat i Bergen", "find_offer", "food"),
        ("har ikke råd til mat denne uka", "find_offer", "food"),
        ("æ e så einsam", "find_offer", "social"),
        ("sønnen min trenger leksehjelp", "find_offer", "homework"),
        ("hvor kan jeg øve på norsk?", "find_offer", "language"),
        ("har masse gjeld og inkasso", "find_offer", "money"),
        ("trenger hjelp", "find_offer", None),
        ("jeg vil bli frivillig", "volunteer", None),
        ("hvordan kontakter jeg NAV?", "nav_question", None),
        ("hei", "greeting", None),
        ("tusen takk!", "thanks", None),
        ("ha det bra", "goodbye", None),
        ("hva kan du hjelpe med?", "help", None),
        ("lagrer dere det jeg skriver?", "privacy", None),
        ("kan jeg snakke med et menneske?", "human", None),
        ("hvordan blir været i morgen", "out_of_scope", None),
        ("I need food in Oslo", "find_offer", "food"),
    ],
)
def test_intent_and_main_need(text: str, intent: str, need: str | None) -> None:
    u = understand(text)
    assert (u.intent, u.need) == (intent, need), text


def test_several_needs_are_all_kept_with_one_main() -> None:
    u = understand("trenger mat og vinterklær til ungene")
    assert set(u.needs[:2]) == {"food", "clothing"} and u.need == u.needs[0]


def test_a_greeting_with_a_request_is_a_request() -> None:
    assert understand("Hei! Trenger mat i Tromsø").intent == "find_offer"


def test_organisation_names_are_hints_not_errors() -> None:
    u = understand("har Kirkens Bymisjon noe i Trondheim?")
    assert u.intent == "find_offer"
    assert u.place is not None and u.place.kommunenummer == "5001"
    assert u.organisations


# ---------------------------------------------------------------- places
@pytest.mark.parametrize(
    ("text", "kommunenummer"),
    [
        ("mat i Tromso", "5501"),
        ("matutdeling i Bergn", "4601"),
        ("noe i Trondhjem?", "5001"),
        ("bor i Guovdageaidnu", "5612"),
        ("språkkafe Kristiansund", "1505"),
        ("språkkafe Kristiansand", "4204"),
        ("bor på 0655", "0301"),
        ("noe på Tøyen?", "0301"),
        ("leksehjelp Laksevåg", "4601"),
        ("bur i Baerum", "3201"),
        ("finnes det språkkafé på Ski?", "3207"),
        ("trenger mat i Moss", "3103"),
        ("Moss", "3103"),
        ("Trenger mat. Moss", "3103"),  # a sentence of its own
        ("slapp ut fra Ila i går, er i Drammen nå", "3301"),  # where I am, not where from
        ("gratis fotball i Vågsbygd?", "4204"),  # a part of a city by its everyday name
    ],
)
def test_places(text: str, kommunenummer: str) -> None:
    place = understand(text).place
    assert place is not None and place.kommunenummer == kommunenummer, text


@pytest.mark.parametrize(
    "text",
    ["hei", "Hei hei", "jeg trenger ski til ungen", "vi skal på ski", "har 1500 kr igjen",
     "hvem er du", "er det anonymt", "Vil ikkje meir. Ha det.", "woke up at his place",
     "helt knust etter kampen"],
)
def test_words_that_are_also_places_need_context(text: str) -> None:
    assert understand(text).place is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [("bor i Guovdageaidnu", "kommune"), ("postnummer 9990", "postnummer"),
     ("noe på Tøyen", "bydel"), ("mat i Sandvika", "poststed")],
)
def test_the_kind_of_place_is_reported(text: str, kind: str) -> None:
    place = understand(text).place
    assert place is not None and place.kind == kind, text


def test_bydel_is_reported_with_its_kommune() -> None:
    place = understand("matutdeling på Grünerløkka").place
    assert place is not None
    assert (place.kommunenummer, place.kind, place.bydel) == ("0301", "bydel", "Grünerløkka")


# ---------------------------------------------------------------- language
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg trenger hjelp med noe", "nb"),
        ("eg treng hjelp med noko", "nn"),
        ("kva finst det i Voss?", "nn"),
        ("I need help finding food", "en"),
        ("ka fins det i Tromsø", "nb"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert understand(text).language == language


def test_language_defaults_to_bokmal() -> None:
    assert detect_language(()) == "nb"


# ---------------------------------------------------------------- robustness
@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "?!", "<b>hei</b>", "\u202ehei", "a" * 10000,
                                  "1234567890", "\x00\x01"])
def test_any_input_gives_an_answer(text: str) -> None:
    u = understand(text)
    assert u.intent in {"out_of_scope", "greeting", "find_offer"}
