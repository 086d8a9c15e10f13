"""Bad input that the properties of ``test_fuzz.py`` found to fail, pinned as examples."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.telegram_send import message_pieces
from losen.catalogue.opening import OSLO

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)


@pytest.mark.parametrize("data", ["call:²", "wrong:³:phone", "call:" + "9" * 5000,
                                  "wrong:" + "0" * 5000 + ":phone"])
def test_a_forged_button_with_odd_digits_expires_instead_of_failing(data: str) -> None:
    """Found by the forged_button property: "²".isdigit() is true but int("²") fails, and
    int() refuses more than 4,300 digits."""
    dialogue = Dialogue(index())
    dialogue.answer("c", "trenger mat på Tøyen", NOW)
    assert dialogue.act("c", data, NOW).reply.kind == "expired"
    assert dialogue.act("c", "call:0", NOW).reply.kind == "call"


def test_a_long_message_is_never_cut_inside_an_escaped_character() -> None:
    """Found by the message_pieces property: the text was escaped before it was split, so a
    cut at 4,096 could fall inside "&amp;" and Telegram would refuse the piece as bad HTML
    (a volunteer's 4,000-character description with "&" in it, shown back to them)."""
    text = "a" * 4095 + "& prat" + "b" * 100
    pieces = message_pieces(text)
    assert [html.unescape(p) for p in pieces] == [text[:4096], text[4096:]]
    assert all(html.escape(html.unescape(p)) == p for p in pieces)
