"""What the dialogue decided to say, before any channel turns it into text or buttons."""

from __future__ import annotations

from dataclasses import dataclass

from losen.catalogue.matching import Match
from losen.catalogue.records import Offer
from losen.intents import Place

from .helplines import Helpline


@dataclass(frozen=True)
class Reply:
    kind: str
    """crisis, offers, no_more, nothing, ask_place, ask_need, nav, human, volunteer, deleted,
    call, report_what, reported, expired, outside, place_forgotten, database_down (the
    conversation's state could not be read or kept: "try again soon"), or the small-talk
    intents (greeting, thanks, goodbye, help, privacy, out_of_scope)."""
    lang: str
    need: str | None = None
    place: Place | None = None
    matches: tuple[Match, ...] = ()
    alternatives: tuple[Match, ...] = ()
    lines: tuple[Helpline, ...] = ()
    more_available: bool = False
    continued: bool = False
    crisis_kind: str | None = None
    offer: Offer | None = None
    """The one offer a "call" or "report_what" reply is about."""
    first_index: int = 0
    """Where ``matches`` start among the offers this conversation has been shown, so that a
    button can name an offer by its number."""
