"""The conversation, independent of any channel: understanding + catalogue → a reply.

Telegram, ``losen chat`` and ``losen ask`` all call :meth:`Dialogue.answer`, so that every
channel gives the same answer to the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from losen.catalogue.csvio import format_phone
from losen.catalogue.matching import Query, match
from losen.catalogue.records import Offer
from losen.intents import Understanding, understand
from losen.locales import gettext


@dataclass(frozen=True, slots=True)
class Answer:
    understanding: Understanding
    offers: tuple[Offer, ...]
    text: str

    def as_json(self) -> dict[str, Any]:
        data = self.understanding.as_json()
        data["offers"] = [offer_json(o) for o in self.offers]
        data["reply"] = self.text
        return data


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "name": offer.name,
        "organisation": offer.organisation,
        "needs": list(offer.needs),
        "kommunenummer": offer.kommunenummer,
        "scope": offer.scope,
        "address": offer.address,
        "postnummer": offer.postnummer,
        "poststed": offer.poststed,
        "phone": format_phone(offer.phone),
        "labels": offer.labels,
    }


@dataclass
class Dialogue:
    offers: Sequence[Offer]
    now: datetime | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def answer(self, text: str) -> Answer:
        u = understand(text)
        lang = u.language
        if u.intent != "find_offer":
            return Answer(u, (), gettext(lang, "I help you find free help and activities near "
                                               "you. Tell me what you need and where you live."))
        found = match(self.offers, Query(u.needs, u.place.kommunenummer if u.place else None))
        if not found:
            return Answer(u, (), gettext(lang, "I found nothing that fits. Tell me what you "
                                               "need and where you live."))
        lines = [gettext(lang, "This may fit:")]
        for o in found:
            lines.append(f"• {o.name} ({o.organisation})" + (f", {format_phone(o.phone)}"
                                                             if o.phone else ""))
        return Answer(u, tuple(found), "\n".join(lines))
