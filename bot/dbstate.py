"""Conversation state in the database, so every instance of the bot sees the same conversation.

Telegram may deliver one person's next message to another instance, or to this one after a
restart; both must continue where the conversation was. Each call is its own unit of work (one
session, one transaction), so nothing is cached between updates: the row *is* the state.

Only codes and ids are kept (language, need codes, a place from the register, offer ids, what
is pending), never what was written, and nothing older than :data:`~.state.TTL` is used.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from losen.catalogue.db import dialect_insert
from losen.catalogue.models import ConversationStateRow
from losen.intents import Place
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from .state import TTL, ConversationState, Pending

log = logging.getLogger("losen.state")

PLACE_FIELDS = ("kommunenummer", "name", "kind", "bydel", "bydel_id", "postnummer")
PENDING: tuple[Pending, ...] = ("place", "need")


def place_to_json(place: Place | None) -> str | None:
    """The place as a JSON object of its register fields (explicit, so renaming a field in
    ``Place`` breaks a test here rather than silently dropping data)."""
    if place is None:
        return None
    return json.dumps({name: getattr(place, name) for name in PLACE_FIELDS}, ensure_ascii=False)


def place_from_json(text: str | None) -> Place | None:
    if not text:
        return None
    data = json.loads(text)
    return Place(**{name: data.get(name) for name in PLACE_FIELDS})


def state_values(conversation: str, state: ConversationState, updated: datetime
                 ) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "language": state.language,
        "needs": json.dumps(list(state.needs)),
        "place": place_to_json(state.place),
        "pending": state.pending,
        "shown": json.dumps(list(state.shown)),
        "updated": updated,
    }


def state_from_row(row: ConversationStateRow) -> ConversationState:
    pending = next((p for p in PENDING if p == row.pending), None)
    return ConversationState(
        language=row.language,
        needs=tuple(str(n) for n in json.loads(row.needs)),
        place=place_from_json(row.place),
        pending=pending,
        shown=tuple(str(i) for i in json.loads(row.shown)),
        updated=row.updated,
    )


@dataclass
class DatabaseStateStore:
    """:class:`~.state.StateStore` on the ``conversation_state`` table.

    ``save`` is an upsert that never lets an older turn overwrite a newer one: when two
    instances answer the same person at once, the later message's state wins. Expired rows are
    ignored on load and deleted by a cheap indexed ``DELETE`` at most every ``purge_every``.
    """

    sessions: sessionmaker[Session]
    purge_every: timedelta = timedelta(minutes=1)
    _last_purge: datetime | None = field(default=None, init=False, repr=False)

    def load(self, conversation: str, now: datetime) -> ConversationState:
        with self.sessions() as session:
            row = session.scalar(select(ConversationStateRow).where(
                ConversationStateRow.conversation == conversation))
            if row is None:
                return ConversationState()
            try:
                state = state_from_row(row)
            except (ValueError, TypeError, AttributeError) as exc:
                # A row this version cannot read (e.g. written by a newer one): start afresh.
                log.warning("unreadable conversation state ignored: %s", type(exc).__name__)
                return ConversationState()
        return ConversationState() if state.expired(now) else state

    def save(self, conversation: str, state: ConversationState) -> None:
        updated = state.updated or datetime.now(UTC)
        values = state_values(conversation, state, updated)
        table = ConversationStateRow.__table__
        with self.sessions.begin() as session:
            insert = dialect_insert(session)(table).values(**values)
            session.execute(insert.on_conflict_do_update(
                index_elements=[table.c.conversation],
                set_={name: insert.excluded[name] for name in values if name != "conversation"},
                where=table.c.updated <= insert.excluded.updated,
            ))
            if self._last_purge is None or updated - self._last_purge >= self.purge_every:
                self._last_purge = updated
                self._purge(session, updated)

    def delete(self, conversation: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(ConversationStateRow).where(
                ConversationStateRow.conversation == conversation))

    def purge(self, now: datetime) -> int:
        """Delete every expired conversation; the number deleted."""
        with self.sessions.begin() as session:
            return self._purge(session, now)

    @staticmethod
    def _purge(session: Session, now: datetime) -> int:
        result = session.execute(delete(ConversationStateRow).where(
            ConversationStateRow.updated < now - TTL))
        return int(getattr(result, "rowcount", 0) or 0)
