"""Who may keep which offers: organisations' members, site admins, and one-time invites.

There are no passwords. A site admin makes an invite on the command line; whoever opens it in
the messenger becomes an editor or admin of that organisation (an organisation admin can
invite its own editors from the bot). An invite is a random secret stored only as its SHA-256,
expires, and can be used once, atomically, even when two instances race for it.

Every editing path asks :func:`allowed` with roles read in the same transaction as the change,
so a removed editor loses access at once, on every instance.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .models import Invite, Member, Organization

INVITE_PREFIX = "inv_"
INVITE_TTL = timedelta(days=7)
ORG_ROLES = ("editor", "admin")
SITE_ADMIN = "site_admin"
Action = Literal["view", "edit", "add", "upload", "invite", "remove_member"]
EDITOR_ACTIONS: frozenset[str] = frozenset({"view", "edit", "add"})
ADMIN_ACTIONS: frozenset[str] = EDITOR_ACTIONS | {"upload", "invite", "remove_member"}


class NotAllowed(Exception):
    """The account may not do this (or the thing it names does not exist)."""


@dataclass(frozen=True)
class Roles:
    """One account's roles, read in the transaction that uses them."""

    account: str
    site_admin: bool = False
    orgs: dict[str, str] = field(default_factory=dict)
    """organisation id → ``editor`` or ``admin``."""

    @property
    def any(self) -> bool:
        return self.site_admin or bool(self.orgs)


def roles_of(session: Session, account: str) -> Roles:
    rows = session.execute(select(Member.organization_id, Member.role)
                           .where(Member.account == account)).all()
    return Roles(account, site_admin=any(role == SITE_ADMIN for _, role in rows),
                 orgs={org: role for org, role in rows if org is not None and role in ORG_ROLES})


def allowed(roles: Roles, action: str, organization_id: str | None) -> bool:
    """The one authorisation rule: site admins everything; an organisation's admin all of
    :data:`ADMIN_ACTIONS` on it, its editors :data:`EDITOR_ACTIONS`; nobody anything else."""
    if roles.site_admin:
        return True
    if organization_id is None:
        return False
    role = roles.orgs.get(organization_id)
    if role == "admin":
        return action in ADMIN_ACTIONS
    if role == "editor":
        return action in EDITOR_ACTIONS
    return False


def require(session: Session, account: str, action: str, organization_id: str | None) -> Roles:
    roles = roles_of(session, account)
    if not allowed(roles, action, organization_id):
        raise NotAllowed(action)
    return roles


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_organisation(session: Session, name_or_id: str) -> Organization | None:
    """By id, exact name, or name in any case."""
    org = session.get(Organization, name_or_id)
    if org is None:
        org = session.scalar(select(Organization).where(Organization.name == name_or_id))
    if org is None:
        folded = name_or_id.casefold()
        org = next((o for o in session.scalars(select(Organization))
                    if o.name.casefold() == folded), None)
    return org


def create_invite(session: Session, organization_id: str | None, role: str, created_by: str,
                  now: datetime, ttl: timedelta = INVITE_TTL) -> str:
    """A new invite's secret payload (``inv_…``); only its hash is stored."""
    if organization_id is None and role != SITE_ADMIN:
        raise ValueError("an organisation invite needs an organisation")
    if organization_id is not None and role not in ORG_ROLES:
        raise ValueError(f"unknown role {role!r}")
    token = INVITE_PREFIX + secrets.token_urlsafe(24)
    session.add(Invite(token_hash=token_hash(token), organization_id=organization_id, role=role,
                       created_at=now, created_by=created_by, expires_at=now + ttl))
    session.flush()
    return token


InviteProblem = Literal["unknown", "used", "expired", "revoked"]


@dataclass(frozen=True)
class Redeemed:
    organization_id: str | None
    role: str


def redeem_invite(session: Session, token: str, account: str, name: str, now: datetime
                  ) -> Redeemed | InviteProblem:
    """Use the invite for ``account``: one conditional UPDATE, so of two people racing for the
    same invite exactly one gets it. A role already held is never lowered."""
    digest = token_hash(token)
    taken = session.execute(
        update(Invite)
        .where(Invite.token_hash == digest, Invite.used_at.is_(None),
               Invite.revoked_at.is_(None), Invite.expires_at > now)
        .values(used_at=now, used_by=account))
    invite = session.scalar(select(Invite).where(Invite.token_hash == digest))
    if invite is None:
        return "unknown"
    if not getattr(taken, "rowcount", 0):
        if invite.revoked_at is not None:
            return "revoked"
        if invite.used_at is not None:
            return "used"
        return "expired"
    existing = session.scalar(select(Member).where(
        Member.account == account,
        Member.organization_id.is_(None) if invite.organization_id is None
        else Member.organization_id == invite.organization_id))
    if existing is None:
        session.add(Member(organization_id=invite.organization_id, account=account,
                           name=name[:120], role=invite.role, added_at=now,
                           added_by=invite.created_by))
    elif existing.role == "editor" and invite.role == "admin":
        existing.role = "admin"
    session.flush()
    return Redeemed(invite.organization_id, invite.role)


def revoke_invite(session: Session, token: str, now: datetime) -> bool:
    result = session.execute(update(Invite).where(
        Invite.token_hash == token_hash(token), Invite.used_at.is_(None),
        Invite.revoked_at.is_(None)).values(revoked_at=now))
    return bool(getattr(result, "rowcount", 0))


def members(session: Session, organization_id: str | None) -> list[Member]:
    query = select(Member).order_by(Member.role, Member.added_at, Member.id)
    query = query.where(Member.organization_id.is_(None) if organization_id is None
                        else Member.organization_id == organization_id)
    return list(session.scalars(query))


def remove_member(session: Session, organization_id: str | None, account: str) -> Member | None:
    """Delete the membership; the removed row (for the audit log), or None if there was none."""
    found = session.scalar(select(Member).where(
        Member.account == account,
        Member.organization_id.is_(None) if organization_id is None
        else Member.organization_id == organization_id))
    if found is None:
        return None
    session.execute(delete(Member).where(Member.id == found.id))
    return found


def editors_of(session: Session, organization_id: str) -> list[str]:
    """Accounts that keep the organisation's offers (editors and admins), for reminders."""
    return list(session.scalars(select(Member.account).where(
        Member.organization_id == organization_id).order_by(Member.id)))
