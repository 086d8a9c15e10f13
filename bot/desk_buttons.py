"""Volunteers' buttons, kept on the server: the button carries a random token, nothing else.

A button under a volunteer's message ("Alt stemmer", "Endre telefon", "Lagre") must never be
trusted to say which offer or whose: Telegram sends callback data back from the person's
device, where it can be forged. So the data is ``v:<token>``, and the token's row says which
account it was made for, what it does and to which offer. A token from another account, a
guessed one, or one older than :data:`KEEP` does nothing; and what it names is authorised
again when pressed, so a button made before an editor was removed no longer works.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from losen.catalogue.models import DeskButton
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

PREFIX = "v:"
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
"""What ``secrets.token_urlsafe`` writes."""
KEEP = timedelta(days=30)
"""Reminders are read days later; their buttons must still work then."""


@dataclass(frozen=True)
class Pressed:
    action: str
    offer_id: str | None
    arg: str | None


def mint(session: Session, account: str, action: str, now: datetime,
         offer_id: str | None = None, arg: str | None = None) -> str:
    """Callback data for a new button of ``account`` (at most 24 bytes, within Telegram's 64)."""
    token = secrets.token_urlsafe(12)
    session.add(DeskButton(token=token, account=account, action=action, offer_id=offer_id,
                           arg=arg, created=now))
    return PREFIX + token


def lookup(session: Session, data: str, account: str, now: datetime) -> Pressed | None:
    """What the button does, if ``data`` is a live button of this very account."""
    if not data.startswith(PREFIX) or len(data) > 40:
        return None
    if not _TOKEN.fullmatch(data.removeprefix(PREFIX)):
        return None  # forged: PostgreSQL refuses to even compare text holding NUL
    row = session.get(DeskButton, data.removeprefix(PREFIX))
    if row is None or row.account != account or now - row.created > KEEP:
        return None
    return Pressed(row.action, row.offer_id, row.arg)


def purge(session: Session, now: datetime) -> int:
    result = session.execute(delete(DeskButton).where(DeskButton.created < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)


def of_account(session: Session, account: str) -> list[str]:
    return list(session.scalars(select(DeskButton.token).where(DeskButton.account == account)))
