"""``losen admin orgs|people|audit``: reading who may keep which offers and what changed.

Tab-separated columns under a header, one row per line, as ``losen stats`` prints them, so
that the output can be read at the terminal and cut or sorted as it is.
"""

from __future__ import annotations

import argparse
import sys

from losen.catalogue import audit, people
from losen.catalogue.models import AuditEvent, Member, Organization, Service
from losen.catalogue.people import find_organisation
from losen.locales import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .admin_cli import UnknownOrganisation, cell, minutes, organisation, quoted


def run_list(args: argparse.Namespace, sessions: sessionmaker[Session], lang: str) -> int:
    if args.admin_command == "people" and args.site_admins == (args.organisation is not None):
        print(gettext(lang, "Give an organisation (losen admin people ORGANISATION), or "
                            "--site-admins alone."), file=sys.stderr)
        return 2
    if args.admin_command == "audit" and args.limit < 1:
        print(gettext(lang, "--limit must be a whole number of at least 1."), file=sys.stderr)
        return 2
    with sessions.begin() as session:
        if args.admin_command == "orgs":
            lines = organisations(session, lang)
        elif args.admin_command == "people":
            lines = members(session, args.organisation, lang)
        else:
            lines = audit_log(session, args.org, args.offer, args.limit, lang)
    for line in lines:
        print(line)
    return 0


def organisations(session: Session, lang: str) -> list[str]:
    """Every organisation with how many offers and members it has, by name."""
    offers = (select(Service.organization_id, func.count().label("n"))
              .group_by(Service.organization_id).subquery())
    joined = (select(Member.organization_id, func.count().label("n"))
              .where(Member.organization_id.is_not(None))
              .group_by(Member.organization_id).subquery())
    rows = session.execute(
        select(Organization.id, Organization.name, func.coalesce(offers.c.n, 0),
               func.coalesce(joined.c.n, 0))
        .outerjoin(offers, offers.c.organization_id == Organization.id)
        .outerjoin(joined, joined.c.organization_id == Organization.id)).all()
    if not rows:
        return [gettext(lang, "There are no organisations yet; they come with the offers: "
                              "losen catalogue import FILE")]
    return [gettext(lang, "id\tname\toffers\tmembers")] + [
        f"{cell(org_id)}\t{cell(name)}\t{n_offers}\t{n_members}"
        for org_id, name, n_offers, n_members in sorted(rows, key=lambda r: r[1].casefold())]


def members(session: Session, organisation_name: str | None, lang: str) -> list[str]:
    """An organisation's members (or, without one, the site admins), admins first."""
    org = organisation(session, organisation_name) if organisation_name is not None else None
    found = people.members(session, org.id if org is not None else None)
    if not found:
        if org is None:
            return [gettext(lang, "There are no site admins yet. Invite one with: "
                                  "losen admin invite --site-admin")]
        return [gettext(lang, "{organisation} has no members yet. Invite one with: "
                              "losen admin invite {command}",
                        organisation=org.name, command=quoted(org.name))]
    return [gettext(lang, "account\tname\trole\tadded\tadded by")] + [
        f"{cell(m.account)}\t{cell(m.name)}\t{m.role}\t{minutes(m.added_at)}\t{cell(m.added_by)}"
        for m in found]


def audit_log(session: Session, organisation_name: str | None, offer_id: str | None,
              limit: int, lang: str) -> list[str]:
    """The newest ``limit`` events, oldest first, one per line; a note when there are more."""
    org_id = None
    if organisation_name is not None:
        org_id = _audited_organisation(session, organisation_name)
    found = list(audit.events(session, org_id, offer_id, limit + 1))
    if not found:
        return [gettext(lang, "No changes recorded.")]
    lines = [gettext(lang, "time\tactor\taction\torganisation\toffer\tfield\told → new")]
    lines += [event_line(e) for e in found[-limit:]]
    if len(found) > limit:
        lines.append(gettext(lang, "(The newest {n} changes; see more with --limit.)", n=limit))
    return lines


def _audited_organisation(session: Session, name_or_id: str) -> str:
    """The organisation's id, also for one that is gone but left events behind."""
    org = find_organisation(session, name_or_id.strip())
    if org is not None:
        return org.id
    if session.scalar(select(AuditEvent.id).where(AuditEvent.organization_id == name_or_id)
                      .limit(1)) is not None:
        return name_or_id
    raise UnknownOrganisation(name_or_id)


def event_line(event: AuditEvent) -> str:
    change = "-" if event.old is None and event.new is None else \
        f"{cell(event.old)} → {cell(event.new)}"
    return "\t".join((minutes(event.at), cell(event.actor), cell(event.action),
                      cell(event.organization_id), cell(event.offer_id), cell(event.field),
                      change))
