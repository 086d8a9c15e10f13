"""What understanding produces: the shape every channel and the dialogue rely on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Intent = Literal[
    "find_offer", "crisis", "volunteer", "nav_question", "greeting", "thanks", "goodbye",
    "help", "privacy", "human", "out_of_scope",
]
INTENTS: tuple[str, ...] = (
    "find_offer", "crisis", "volunteer", "nav_question", "greeting", "thanks", "goodbye",
    "help", "privacy", "human", "out_of_scope",
)
Language = Literal["nb", "nn", "en"]


@dataclass(frozen=True, slots=True)
class Place:
    kommunenummer: str
    name: str
    kind: Literal["kommune", "poststed", "postnummer", "bydel", "location"]
    bydel: str | None = None
    """The bydel's name, when the place is a bydel or a neighbourhood inside one."""
    bydel_id: str | None = None
    postnummer: str | None = None


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: Intent
    need: str | None = None
    needs: tuple[str, ...] = ()
    place: Place | None = None
    crisis: bool = False
    crisis_kind: str | None = None
    """``suicide``, ``self_harm``, ``violence``, ``abuse``, ``overdose`` … when crisis."""
    language: Language = "nb"
    organisations: tuple[str, ...] = field(default=())
    """Organisation names mentioned, as hints for matching."""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["needs"] = list(self.needs)
        data["organisations"] = list(self.organisations)
        if self.place is not None:
            place = {k: v for k, v in asdict(self.place).items() if v is not None}
            data["place"] = place
        return data
