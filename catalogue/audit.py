"""The append-only log of every change to the catalogue and to who may change it.

Who (the volunteer's account, or ``cli`` for the command line), when, which organisation and
offer, which field, old → new. The database refuses to update or delete a row (triggers made
by the migration), so a mistake is corrected by a new event, never by rewriting an old one.
Nothing a person asking for help wrote can reach it: only editing paths write here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent


def record(session: Session, at: datetime, actor: str, action: str, *,
           organization_id: str | None = None, offer_id: str | None = None,
           field: str | None = None, old: str | None = None, new: str | None = None) -> None:
    session.add(AuditEvent(at=at, actor=actor, action=action, organization_id=organization_id,
                           offer_id=offer_id, field=field, old=old, new=new))


def events(session: Session, organization_id: str | None = None, offer_id: str | None = None,
           limit: int | None = None) -> Sequence[AuditEvent]:
    """Newest last; with ``limit``, the newest ``limit`` events."""
    query = select(AuditEvent)
    if organization_id is not None:
        query = query.where(AuditEvent.organization_id == organization_id)
    if offer_id is not None:
        query = query.where(AuditEvent.offer_id == offer_id)
    if limit is not None:
        found = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
        return found[::-1]
    return list(session.scalars(query.order_by(AuditEvent.id)))
