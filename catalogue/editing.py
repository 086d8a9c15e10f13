"""Changing one offer at a time, as a volunteer does from the messenger.

Every change goes the same way: authorise (roles read in this transaction), take the offer's
spreadsheet row, put the new value in, validate the row with the importer's own rules, save,
write each changed column to the audit log, count a catalogue revision. A value the importer
would refuse is refused with the importer's message, and nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from losen.locales import N_
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .csvio import CSV_LABELS, HEADER, offer_to_row, validate_rows
from .db import take_turns
from .errors import ImportProblem, ImportRefused
from .models import Organization, Service
from .people import NotAllowed, require
from .places import register
from .records import Offer
from .store import bump_revision, load_offers_by_ids, organization_id, save_offers
from .textfold import fold

TEXT_FIELDS = ("name", "description", "phone", "website", "email", "schedule")
"""Fields a volunteer writes as text (their longest lengths are the importer's)."""
EDITABLE = (*TEXT_FIELDS, "address", *CSV_LABELS)
MAX_PAUSE = timedelta(days=366)
_ADDRESS = re.compile(r"^(?P<street>.*?)[,\s]*\b(?P<code>\d{4})\b\s*(?P<place>[^\d,]*)$")
_NONE = {"-", "ingen", "inga", "none", "nei", "no"}


def refused(column: str | None, message: str, **params: str) -> ImportRefused:
    return ImportRefused([ImportProblem(None, column, message, params)])


def offer_in_session(session: Session, offer_id: str, lock: bool = False
                     ) -> tuple[Offer, str]:
    """The offer and its organisation id; :class:`NotAllowed` when there is no such offer, so
    that probing ids tells nothing. With ``lock``, two changes to one offer take turns: the
    second reads what the first wrote, instead of overwriting it or colliding with it."""
    if lock:
        lock_catalogue(session)
    org_id = session.scalar(select(Service.organization_id).where(Service.id == offer_id))
    if lock and org_id is not None:
        lock_organisation(session, org_id)
    found = load_offers_by_ids(session, [offer_id]) if org_id else []
    if not found or org_id is None:
        raise NotAllowed("view")
    return found[0], org_id


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_catalogue(session: Session) -> None:
    """On SQLite, take the file's write lock now (a write transaction that starts as a read
    cannot wait its turn later); PostgreSQL locks the organisation's row instead."""
    if not _is_postgres(session):
        take_turns(session, 0)


def lock_organisation(session: Session, org_id: str) -> None:
    """Changes to one organisation's offers take turns on PostgreSQL. The organisation's row,
    not the offer's: saving an offer replaces its rows, and a lock on a replaced row is lost."""
    if _is_postgres(session):
        session.execute(select(Organization.id).where(Organization.id == org_id)
                        .with_for_update())


def _row(offer: Offer) -> dict[str, str]:
    return dict(zip(HEADER, offer_to_row(offer), strict=True))


def _validated(row: dict[str, str], today: date) -> Offer:
    return validate_rows([(1, row)], today, register())[0]


def _save(session: Session, actor: str, action: str, org_id: str, old: Offer | None, new: Offer,
          now: datetime) -> Offer:
    save_offers(session, [new])
    before = _row(old) if old is not None else dict.fromkeys(HEADER, "")
    after = _row(new)
    changed = [c for c in HEADER if before[c] != after[c]]
    if old is not None and old.reopens != new.reopens:
        changed.append("reopens")
        before["reopens"] = old.reopens.isoformat() if old.reopens else ""
        after["reopens"] = new.reopens.isoformat() if new.reopens else ""
    if not changed:
        audit.record(session, now, actor, action, organization_id=org_id, offer_id=new.id)
    for column in changed:
        audit.record(session, now, actor, action, organization_id=org_id, offer_id=new.id,
                     field=column, old=before[column], new=after[column])
    bump_revision(session)
    return new


def set_field(session: Session, actor: str, offer_id: str, field: str, value: str,
              now: datetime) -> Offer:
    """Change one field. Raises :class:`NotAllowed` or :class:`ImportRefused`."""
    offer, org_id = offer_in_session(session, offer_id, lock=True)
    require(session, actor, "edit", org_id)
    if field not in EDITABLE:
        raise NotAllowed("edit")
    value = value.strip()
    row = _row(offer)
    if field in TEXT_FIELDS:
        row[field] = "" if field != "name" and value.casefold() in _NONE else value
    elif field == "address":
        _put_address(row, offer, value)
    else:  # a label: ja, nei, or unknown
        row[field] = value
    new = replace(_validated(row, now.date()), reopens=offer.reopens)
    if new == offer:
        return offer
    return _save(session, actor, "edit", org_id, offer, new, now)


def parse_address(value: str) -> tuple[str, str, str]:
    """"Storgata 1, 0182 Oslo" → (street, postal code, postal place as written)."""
    found = _ADDRESS.match(value.strip())
    if found is None or not found["street"].strip():
        raise refused("address", N_("Write the street address and the postal code, for "
                                    "example “Storgata 1, 0182 Oslo”."))
    return found["street"].strip().rstrip(","), found["code"], found["place"].strip()


def _put_address(row: dict[str, str], offer: Offer, value: str) -> None:
    """Street and postal code (the postal place follows from it). A local offer that moves to
    another kommune moves with its postal code; the old map point is dropped, since it no
    longer marks the place."""
    if value.casefold() in _NONE:
        row.update(address="", postnummer="", poststed="", latitude="", longitude="")
        return
    street, code, place = parse_address(value)
    row.update(address=street, postnummer=code, poststed=place, latitude="", longitude="")
    postal = register().postal_code(code)
    if postal is not None and offer.scope == "local":
        row["kommunenummer"] = postal.kommunenummer


def check(column: str, value: str, now: datetime) -> str:
    """One answer of the guided new offer, validated by the importer's rules for its column
    alone; the value as it will be stored (a phone number in international form)."""
    row = dict.fromkeys(HEADER, "")
    row.update(id="check", organisation="check", name="check", needs="food", scope="national")
    row[column] = value.strip()
    try:
        offer = _validated(row, now.date())
    except ImportRefused as exc:
        mine = [p for p in exc.problems if p.column == column]
        if mine:
            raise ImportRefused(mine) from None
        return value.strip()
    return _row(offer)[column]


def confirm(session: Session, actor: str, offer_id: str, now: datetime) -> Offer:
    """"Alt stemmer": the offer was checked today."""
    offer, org_id = offer_in_session(session, offer_id, lock=True)
    require(session, actor, "edit", org_id)
    new = replace(offer, last_verified=now.date())
    return _save(session, actor, "confirm", org_id, offer, new, now)


def pause(session: Session, actor: str, offer_id: str, reopens: date, now: datetime) -> Offer:
    """Closed until ``reopens`` (a holiday, a move): hidden from people asking until then."""
    offer, org_id = offer_in_session(session, offer_id, lock=True)
    require(session, actor, "edit", org_id)
    today = now.date()
    if not today < reopens <= today + MAX_PAUSE:
        raise refused("reopens", N_("Give a day after today and within a year, for example "
                                    "{example}."), example=(today + timedelta(days=14))
                      .strftime("%d.%m.%Y"))
    return _save(session, actor, "pause", org_id, offer, replace(offer, reopens=reopens), now)


def resume(session: Session, actor: str, offer_id: str, now: datetime) -> Offer:
    offer, org_id = offer_in_session(session, offer_id, lock=True)
    require(session, actor, "edit", org_id)
    return _save(session, actor, "resume", org_id, offer, replace(offer, reopens=None), now)


def add_offer(session: Session, actor: str, org_id: str, fields: dict[str, str],
              now: datetime) -> Offer:
    """A new offer of the organisation from the guided conversation's answers (spreadsheet
    columns). Confirmed today, since the volunteer just wrote it."""
    lock_catalogue(session)
    require(session, actor, "add", org_id)
    lock_organisation(session, org_id)
    org = session.get(Organization, org_id)
    if org is None:
        raise NotAllowed("add")
    row = dict.fromkeys(HEADER, "")
    row.update({k: v for k, v in fields.items() if k in HEADER})
    postal = register().postal_code(row["postnummer"]) if row["postnummer"] else None
    row.update(id=new_offer_id(session, org.name, row["name"]), organisation=org.name,
               scope=row["scope"] or "local", last_verified=now.date().isoformat())
    if postal is not None and not row["kommunenummer"]:
        row["kommunenummer"] = postal.kommunenummer
    new = _validated(row, now.date())
    if organization_id(new.organisation) != org_id:
        raise NotAllowed("add")
    return _save(session, actor, "add", org_id, None, new, now)


def new_offer_id(session: Session, organisation: str, name: str) -> str:
    base = organization_id(organisation).removeprefix("org-")[:60]
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:50] or "tilbud"
    candidate, n = f"{base}-{slug}", 2
    while session.get(Service, candidate) is not None:
        candidate, n = f"{base}-{slug}-{n}", n + 1
    return candidate
