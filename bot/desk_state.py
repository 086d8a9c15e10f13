"""Where a volunteer is in a short task (typing new opening hours, a new offer, an upload to
confirm), kept in the database for at most :data:`TTL` so any instance can continue it.

The draft holds what the volunteer typed for their organisation's offer; it never holds
anything from a person asking for help, and it is gone when the task ends or expires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from losen.catalogue.db import dialect_insert
from losen.catalogue.models import DeskState
from sqlalchemy import delete
from sqlalchemy.orm import Session

TTL = timedelta(minutes=30)


@dataclass
class Step:
    name: str
    """``field:<column>``, ``pause``, ``new:<what>`` or ``upload``."""
    offer_id: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)


def load(session: Session, account: str, now: datetime) -> Step | None:
    row = session.get(DeskState, account)
    if row is None or now - row.updated > TTL:
        return None
    return Step(row.step, row.offer_id, json.loads(row.draft or "{}"))


def save(session: Session, account: str, step: Step, now: datetime) -> None:
    values = {"account": account, "step": step.name, "offer_id": step.offer_id,
              "draft": json.dumps(step.draft, ensure_ascii=False), "updated": now}
    insert = dialect_insert(session)(DeskState.__table__).values(**values)
    session.execute(insert.on_conflict_do_update(index_elements=["account"], set_=values))


def clear(session: Session, account: str) -> None:
    session.execute(delete(DeskState).where(DeskState.account == account))


def purge(session: Session, now: datetime) -> int:
    result = session.execute(delete(DeskState).where(DeskState.updated < now - TTL))
    return int(getattr(result, "rowcount", 0) or 0)
