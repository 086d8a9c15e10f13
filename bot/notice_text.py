"""What an editor reads in a reminder: the offer, how old its information is, what people
flagged. Never who flagged it: reports carry no one's identity, and the message adds none."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from losen.catalogue.freshness import Notice, hidden_from
from losen.locales import gettext as _

VOLUNTEER_LANGUAGE = "nb"
"""Volunteers are written to in bokmål until they can choose."""


def report_words(lang: str) -> dict[str, str]:
    """What was flagged, as it reads in a list of counts ("telefonnummer: 2")."""
    return {"phone": _(lang, "phone number"), "hours": _(lang, "opening hours"),
            "place": _(lang, "address or place"), "closed": _(lang, "closed down"),
            "other": _(lang, "something else")}


def day_text(day: date, lang: str) -> str:
    return format_date(day, "d. MMMM y" if lang != "en" else "d MMMM y", locale=lang)


def _confirmed(notice: Notice, lang: str) -> str:
    if notice.last_verified is None:
        return _(lang, "“{name}” has never been confirmed.", name=notice.name)
    return _(lang, "“{name}” was last confirmed {date}.", name=notice.name,
             date=day_text(notice.last_verified, lang))


def _hiding(notice: Notice, today: date, lang: str) -> str | None:
    """When people asking stop seeing the offer; said in the second reminder, and in any
    reminder about an offer that is hidden already."""
    hidden = hidden_from(notice.last_verified)
    if hidden is None or hidden <= today:
        return _(lang, "It is not shown to people asking until it is confirmed.")
    if notice.kind == "stale2":
        return _(lang, "From {date} it is no longer shown to people asking.",
                 date=day_text(hidden, lang))
    return None


def notice_text(notice: Notice, today: date, lang: str = VOLUNTEER_LANGUAGE) -> str:
    if notice.kind == "reports":
        words = report_words(lang)
        counts = ", ".join(f"{words[what]}: {n}" for what, n in notice.reports)
        return " ".join((_(lang, "People have said something is not right with “{name}”: "
                              "{counts}.", name=notice.name, counts=counts),
                         _(lang, "Check it, and confirm when everything is right.")))
    parts = [_(lang, "Second reminder.")] if notice.kind == "stale2" else []
    parts.append(_confirmed(notice, lang))
    hiding = _hiding(notice, today, lang)
    if hiding is not None:
        parts.append(hiding)
    parts.append(_(lang, "Does everything still hold?"))
    return " ".join(parts)


def button_labels(lang: str = VOLUNTEER_LANGUAGE) -> tuple[str, str]:
    """("Alt stemmer", "Endre"): confirm as it is, or open the offer to change it."""
    return _(lang, "Everything is right"), _(lang, "Change")
