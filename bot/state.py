"""Short-lived conversation state: only what the next turn needs, never what was written.

A conversation remembers the need and place it is completing, a pending question, the offers
already shown (for "vis flere") and the language, for at most ``TTL``. The store is an
interface so that Telegram can keep it in the database (shared by several instances) while
the terminal and ``losen ask`` keep it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from losen.intents import Place

TTL = timedelta(minutes=30)
Pending = Literal["place", "need"]


@dataclass(frozen=True)
class ConversationState:
    language: str = "nb"
    needs: tuple[str, ...] = ()
    place: Place | None = None
    pending: Pending | None = None
    shown: tuple[str, ...] = ()
    """Offer ids already shown for the current need and place, in order."""
    updated: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.updated is None or now - self.updated > TTL

    def touch(self, now: datetime, **changes: object) -> ConversationState:
        return replace(self, updated=now, **changes)  # type: ignore[arg-type]


class StateStore(Protocol):
    def load(self, conversation: str, now: datetime) -> ConversationState: ...
    def save(self, conversation: str, state: ConversationState) -> None: ...
    def delete(self, conversation: str) -> None: ...


@dataclass
class MemoryStateStore:
    """In-process store with expiry, for the terminal, ``losen ask`` and tests."""

    states: dict[str, ConversationState] = field(default_factory=dict)

    def load(self, conversation: str, now: datetime) -> ConversationState:
        state = self.states.get(conversation)
        if state is None or state.expired(now):
            self.states.pop(conversation, None)
            return ConversationState()
        return state

    def save(self, conversation: str, state: ConversationState) -> None:
        self.states[conversation] = state

    def delete(self, conversation: str) -> None:
        self.states.pop(conversation, None)
