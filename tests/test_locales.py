"""Every sentence a person reads exists in nb and nn, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from losen.locales import LANGUAGES, compile_po, gettext, translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"gettext": (2,), "_": (2,), "ngettext": (2, 3), "N_": None}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _code_messages() -> set[str]:
    found = set()
    for folder in ("bot", "intents", "catalogue"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "losen.po").open("rb") as f:
        catalog = read_po(f)
    translated = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if all(strings) and not m.fuzzy:
            translated[key] = strings
    missing = sorted(_code_messages() - set(translated))
    assert not missing, f"untranslated in {lang}: {missing}"
    for key, strings in translated.items():
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) <= set(PLACEHOLDER.findall(key)), (lang, key)


def test_languages_differ_where_they_should() -> None:
    message = "This field cannot be empty."
    assert gettext("nb", message) == "Dette feltet kan ikke være tomt."
    assert gettext("nn", message) == "Dette feltet kan ikkje vere tomt."
    assert gettext("en", message) == message
    assert gettext("xx", message) == gettext("nb", message)


def test_the_in_memory_compiler_matches_the_catalogue() -> None:
    for lang in LANGUAGES:
        po = ROOT / "locales" / lang / "LC_MESSAGES" / "losen.po"
        assert compile_po(po).startswith(b"\xde\x12\x04\x95")  # the .mo magic number
        assert translations(lang) is translations(lang)
