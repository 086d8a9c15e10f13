"""``losen admin``: who may keep which offers, and what they changed, from the command line.

The command line is where trust starts: whoever can reach the database makes the first
invites (a site admin, an organisation's admin), sees who are members and reads the audit
log. Each command is one transaction, so one that stops half-way changes nothing, and every
change is audited with the actor ``cli``. The commands live in :mod:`.admin_invites` (changes)
and :mod:`.admin_lists` (reading); this module dispatches and holds what they share.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import datetime

from losen.catalogue.db import open_database
from losen.catalogue.models import Organization
from losen.catalogue.people import find_organisation
from losen.locales import gettext
from sqlalchemy.orm import Session

from .context import OSLO, cli_language

ACTOR = "cli"
"""The audit log's actor for every change made here."""


class UnknownOrganisation(Exception):
    """No organisation has this name (in any case) or id; the command changes nothing."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def organisation(session: Session, name_or_id: str) -> Organization:
    """The organisation as the catalogue names it, or :class:`UnknownOrganisation`."""
    org = find_organisation(session, name_or_id.strip())
    if org is None:
        raise UnknownOrganisation(name_or_id)
    return org


def minutes(moment: datetime) -> str:
    """Oslo time to the minute, ISO 8601: what a person at the terminal reads the clock as."""
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


def cell(value: str | None) -> str:
    """Text from the database as one cell of one line: ``-`` for nothing, ``""`` for empty.

    Names and edited values come from volunteers' phones; a line break or tab would break the
    columns, and a control character could steer the terminal (an escape sequence) or reverse
    the text around it, so each is shown escaped instead."""
    if value is None:
        return "-"
    if value == "":
        return '""'
    return "".join(ch.encode("unicode_escape").decode("ascii") if _hidden(ch) else ch
                   for ch in value)


def _hidden(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069


def quoted(word: str) -> str:
    """``word`` as it must be typed in a shell command we suggest (names have spaces)."""
    return shlex.quote(word)


def run_admin(args: argparse.Namespace) -> int:
    lang = cli_language()
    engine, sessions = open_database(args.database)
    now = datetime.now(OSLO)
    try:
        if args.admin_command == "invite":
            from .admin_invites import run_invite

            return run_invite(args, sessions, lang, now)
        if args.admin_command == "revoke":
            from .admin_invites import run_revoke

            return run_revoke(args, sessions, lang, now)
        from .admin_lists import run_list

        return run_list(args, sessions, lang)
    except UnknownOrganisation as unknown:
        print(gettext(lang, "There is no organisation called “{name}” (by name or id). "
                            "See the organisations with: losen admin orgs",
                      name=cell(unknown.name)), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
