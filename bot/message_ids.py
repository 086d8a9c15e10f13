"""Ids of the messages in each chat, for at most 48 hours: what ``/slett`` needs, nothing more.

Telegram lets a bot delete both its own and the person's messages in a private chat for 48
hours (``deleteMessages``). To offer a real safe exit, the bot must know which ids to delete,
so it keeps (chat id, message id, when) and never the text. Older ids are useless to
``deleteMessages`` and are purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from losen.catalogue.db import dialect_insert
from losen.catalogue.models import ChatMessageId
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

KEEP = timedelta(hours=48)


@dataclass
class MessageIds:
    """The ``chat_message_id`` table, shared by every instance; one session per call."""

    sessions: sessionmaker[Session]
    purge_every: timedelta = timedelta(minutes=1)
    _last_purge: datetime | None = field(default=None, init=False, repr=False)

    def record(self, chat_id: int, message_ids: Iterable[int], at: datetime) -> None:
        """Remember these ids; recording one twice (an edit, a retry) keeps one row."""
        rows = [{"chat_id": chat_id, "message_id": m, "sent_at": at} for m in message_ids]
        if not rows:
            return
        with self.sessions.begin() as session:
            insert = dialect_insert(session)(ChatMessageId.__table__)
            session.execute(insert.on_conflict_do_nothing(), rows)
            if self._last_purge is None or at - self._last_purge >= self.purge_every:
                self._last_purge = at
                self._purge(session, at)

    def for_chat(self, chat_id: int, now: datetime) -> list[int]:
        """The chat's message ids still within Telegram's 48 hours, oldest first."""
        with self.sessions() as session:
            return list(session.scalars(
                select(ChatMessageId.message_id)
                .where(ChatMessageId.chat_id == chat_id, ChatMessageId.sent_at >= now - KEEP)
                .order_by(ChatMessageId.message_id)))

    def forget_chat(self, chat_id: int) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(ChatMessageId).where(ChatMessageId.chat_id == chat_id))

    def purge(self, now: datetime) -> int:
        """Delete ids older than 48 hours; the number deleted."""
        with self.sessions.begin() as session:
            return self._purge(session, now)

    @staticmethod
    def _purge(session: Session, now: datetime) -> int:
        result = session.execute(delete(ChatMessageId).where(ChatMessageId.sent_at < now - KEEP))
        return int(getattr(result, "rowcount", 0) or 0)
