"""The next steps a reply offers, as data any channel can show: buttons on Telegram.

An action carries a short ``data`` string that the channel sends back when it is chosen
(``more``, ``del``, ``need:food``, ``call:0``, ``wrong:0``, ``wrong:0:phone``). Numbers
point into the offers the conversation has been shown, kept in its state on the server, so
a forged or stale button can at worst point at an offer the person already saw, and a button
never carries anything the person wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from losen.catalogue.reports import REPORT_KINDS
from losen.catalogue.taxonomy import needs
from losen.locales import gettext as _

from .reply import Reply

SUGGESTED_NEEDS = ("food", "social", "mental_health", "money", "nav_help", "homework", "work",
                   "legal")
"""The need buttons under "what kind of help?": the most asked-for needs, as a start; every
other need can be written in words."""
MAX_DATA = 64
"""Telegram's limit for callback data, in bytes."""


@dataclass(frozen=True)
class Action:
    data: str
    label: str
    row: int
    """Actions with the same row number are shown side by side."""
    kind: Literal["button", "location"] = "button"


def actions_for(reply: Reply) -> tuple[Action, ...]:
    lang = reply.lang
    out: list[Action] = []
    if reply.kind == "crisis":
        out.append(Action("del", _(lang, "Delete the conversation"), 0))
    elif reply.kind in ("offers", "nav"):
        offset = reply.first_index
        for i, m in enumerate(reply.matches):
            n = offset + i
            if m.offer.phone:
                out.append(Action(f"call:{n}", "📞 " + _(lang, "Call {name}", name=_short(m.offer.name)),
                                  i))
            out.append(Action(f"wrong:{n}", _(lang, "Not right"), i))
        if reply.more_available:
            out.append(Action("more", _(lang, "Show more"), len(reply.matches)))
    elif reply.kind == "ask_need":
        terms = needs().terms
        for i, code in enumerate(SUGGESTED_NEEDS):
            out.append(Action(f"need:{code}", terms[code].label(lang), i // 2))
    elif reply.kind == "report_what":
        words = {"phone": _(lang, "Phone number"), "hours": _(lang, "Opening hours"),
                 "place": _(lang, "Address or place"), "closed": _(lang, "It no longer exists"),
                 "other": _(lang, "Something else")}
        for i, what in enumerate(REPORT_KINDS):
            out.append(Action(f"wrong:{reply.first_index}:{what}", words[what], i // 2))
    elif reply.kind in ("ask_place", "place_forgotten"):
        out.append(Action("location", "📍 " + _(lang, "Share my location"), 0, kind="location"))
    return tuple(a for a in out if len(a.data.encode()) <= MAX_DATA)


def _short(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"
