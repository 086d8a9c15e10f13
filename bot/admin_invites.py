"""``losen admin invite`` and ``losen admin revoke``: the changes to who may keep offers.

An invite's secret is printed once, here, and stored only as its hash; the audit log records
that an invite was made and for which role, never the secret. Nothing is printed until the
transaction has committed, so a printed invite always works. Telegram is asked for the bot's
username only after the commit, so a slow network never holds the database.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from losen.catalogue import audit, people
from losen.catalogue.models import Invite, Organization
from losen.locales import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .admin_cli import ACTOR, cell, minutes, organisation, quoted
from .bot_username import BadUsername, ask_telegram, configured_username, invite_link

MAX_DAYS = 365
_TELEGRAM_ID = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class MadeInvite:
    token: str
    organisation: str | None
    """The organisation's name; None for a site admin's invite."""
    role: str
    expires: datetime


def run_invite(args: argparse.Namespace, sessions: sessionmaker[Session], lang: str,
               now: datetime) -> int:
    if args.site_admin == (args.organisation is not None) or (args.site_admin and args.role):
        print(gettext(lang, "Give an organisation (losen admin invite ORGANISATION "
                            "[--role editor|admin]), or --site-admin alone."), file=sys.stderr)
        return 2
    if not 1 <= args.days <= MAX_DAYS:
        print(gettext(lang, "--days must be a whole number from 1 to {max}.", max=MAX_DAYS),
              file=sys.stderr)
        return 2
    try:
        username = configured_username(args.bot)
    except BadUsername as bad:
        print(gettext(lang, "“{name}” is not a Telegram username (5 to 32 letters, digits "
                            "and _).", name=cell(bad.args[0])), file=sys.stderr)
        return 2
    role = people.SITE_ADMIN if args.site_admin else (args.role or "editor")
    with sessions.begin() as session:
        made = make_invite(session, args.organisation, role, timedelta(days=args.days), now)
    asked = username is None and bool(os.environ.get("LOSEN_TELEGRAM_TOKEN"))
    if username is None:
        username = ask_telegram()
    print_invite(made, username, asked, lang)
    return 0


def make_invite(session: Session, organisation_name: str | None, role: str, ttl: timedelta,
                now: datetime) -> MadeInvite:
    org = organisation(session, organisation_name) if organisation_name is not None else None
    org_id = org.id if org is not None else None
    token = people.create_invite(session, org_id, role, ACTOR, now, ttl)
    audit.record(session, now, ACTOR, "invite", organization_id=org_id, field="role", new=role)
    return MadeInvite(token, org.name if org is not None else None, role, now + ttl)


def print_invite(made: MadeInvite, username: str | None, asked_telegram: bool, lang: str) -> None:
    expires = minutes(made.expires)
    if made.organisation is None:
        print(gettext(lang, "One-time invite for a site admin of Losen, valid until {expires} "
                            "(Oslo time).", expires=expires))
    elif made.role == "admin":
        print(gettext(lang, "One-time invite for an admin of {organisation}, valid until "
                            "{expires} (Oslo time).", organisation=made.organisation,
                      expires=expires))
    else:
        print(gettext(lang, "One-time invite for an editor of {organisation}, valid until "
                            "{expires} (Oslo time).", organisation=made.organisation,
                      expires=expires))
    if username is not None:
        print(gettext(lang, "Link: {link}", link=invite_link(username, made.token)))
    print(gettext(lang, "Code: {code}", code=made.token))
    if username is None:
        if asked_telegram:
            print(gettext(lang, "Telegram did not tell the bot's username (getMe), so there is "
                                "no link."), file=sys.stderr)
        print(gettext(lang, "The person opens the bot in Telegram and sends: /start {code}",
                      code=made.token))
        print(gettext(lang, "For a link, set LOSEN_TELEGRAM_BOT_USERNAME to the bot's username "
                            "(or give --bot USERNAME)."))
    print(gettext(lang, "Give it to one person only, privately: it works once, for whoever "
                        "uses it first."))


def run_revoke(args: argparse.Namespace, sessions: sessionmaker[Session], lang: str,
               now: datetime) -> int:
    target, account = args.target, args.account
    if not args.site_admin and account is None and target.startswith(people.INVITE_PREFIX):
        with sessions.begin() as session:
            message, code = revoke_invite(session, target.strip(), lang, now)
    elif args.site_admin != (account is not None):
        with sessions.begin() as session:
            message, code = remove_member(session, None if args.site_admin else target,
                                          account or target, lang, now)
    else:
        print(gettext(lang, "Give an invite code (inv_…), or an organisation and an account, "
                            "or --site-admin and an account."), file=sys.stderr)
        return 2
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def revoke_invite(session: Session, token: str, lang: str, now: datetime) -> tuple[str, int]:
    revoked = people.revoke_invite(session, token, now)
    invite = session.scalar(select(Invite).where(Invite.token_hash == people.token_hash(token)))
    if invite is None:
        return gettext(lang, "No invite has this code. Check that all of it was copied, from "
                             "inv_ to the end."), 1
    if revoked:
        audit.record(session, now, ACTOR, "revoke", organization_id=invite.organization_id,
                     field="role", old=invite.role)
        return gettext(lang, "The invite is revoked; it can no longer be used."), 0
    if invite.revoked_at is not None:
        return gettext(lang, "This invite was already revoked ({when}); nothing was changed.",
                       when=minutes(invite.revoked_at)), 1
    used_at = invite.used_at or now
    used_by = quoted(invite.used_by or "?")
    if invite.organization_id is None:
        command = f"losen admin revoke --site-admin {used_by}"
    else:
        org = session.get(Organization, invite.organization_id)
        command = f"losen admin revoke {quoted(org.name if org else invite.organization_id)} {used_by}"
    return gettext(lang, "This invite was already used ({when}), so there is nothing to revoke. "
                         "To take the access away, remove the member: {command}",
                   when=minutes(used_at), command=command), 1


def account_of(given: str) -> str:
    """The account as stored: ``telegram:12345``, also when only the number is given."""
    given = given.strip()
    return f"telegram:{given}" if _TELEGRAM_ID.fullmatch(given) else given


def remove_member(session: Session, organisation_name: str | None, given: str, lang: str,
                  now: datetime) -> tuple[str, int]:
    org = organisation(session, organisation_name) if organisation_name is not None else None
    org_id = org.id if org is not None else None
    account = account_of(given)
    removed = people.remove_member(session, org_id, account)
    if removed is None:
        if org is None:
            return gettext(lang, "{account} is not a site admin, so nothing was removed. See the "
                                 "site admins with: losen admin people --site-admins",
                           account=cell(account)), 1
        return gettext(lang, "{account} is not a member of {organisation}, so nothing was "
                             "removed. See the members with: losen admin people {command}",
                       account=cell(account), organisation=org.name,
                       command=quoted(org.name)), 1
    audit.record(session, now, ACTOR, "remove_member", organization_id=org_id, field="member",
                 old=f"{account} ({removed.role})")
    if org is None:
        return gettext(lang, "{account} ({name}) is no longer a site admin.",
                       account=account, name=cell(removed.name)), 0
    return gettext(lang, "{account} ({name}) is no longer a member of {organisation} and can no "
                         "longer edit its offers.", account=account, name=cell(removed.name),
                   organisation=org.name), 0
