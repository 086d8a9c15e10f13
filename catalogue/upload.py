"""An organisation's whole spreadsheet, sent through the bot: first a plan, then, confirmed, the
change.

The file stands for all of one organisation's offers: rows with new ids are added, rows that
differ are changed, and the organisation's offers missing from the file are removed. Because
that can remove much, nothing is written when the file arrives: :func:`plan_upload` says what it
would do, with a digest of the file and of the offers it was compared with, and
:func:`apply_upload` writes it only if that digest still holds, so a confirmation never applies
a summary that someone else's edit has made untrue in the meantime.

The rules of the spreadsheet import hold unchanged (all-or-nothing, every problem named by line
and column), and three more: one organisation per file, only its admins (or a site admin) may
send it, and no row may take an id that another organisation's offer has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from losen.locales import N_
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .csvio import CSV_LABELS, HEADER, offer_to_row, read_csv_numbered
from .db import take_turns
from .editing import lock_organisation, refused
from .errors import ImportProblem, ImportRefused
from .models import Organization, Service
from .people import NotAllowed, require, roles_of
from .records import Offer
from .store import (
    bump_revision,
    delete_offers,
    load_offers_by_ids,
    offer_ids_of,
    organization_id,
    save_offers,
)

MAX_BYTES = 2 * 1024 * 1024
"""Far above any one organisation's spreadsheet; a bigger file is a mistake, not a catalogue."""
MAX_ROWS = 5000
"""More offers than any one organisation keeps; applying them is a long transaction."""
UPLOAD_LOCK = 0x105E6
_CHUNK = 500
_LINES_SHOWN = 10


class UploadStale(Exception):
    """The organisation's offers changed between the plan and its confirmation; nothing was
    written. The volunteer should look at a fresh plan before anything is applied."""

    message = N_("The offers were changed after you sent the file, so nothing was saved. "
                 "Send the file again to see what it would change now.")


@dataclass(frozen=True, slots=True)
class OfferChange:
    """One offer in a plan: its id, its name, and the spreadsheet columns that change (for an
    added offer the columns it fills, for a removed one none)."""

    offer_id: str
    name: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UploadPlan:
    """What a file would do to its organisation's offers, for the volunteer to confirm."""

    organization_id: str
    organisation: str
    added: tuple[OfferChange, ...]
    changed: tuple[OfferChange, ...]
    removed: tuple[OfferChange, ...]
    unchanged: int
    digest: str
    """SHA-256 of the file and of the organisation's offers as they were compared."""

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def removes_all(self) -> bool:
        """The file leaves the organisation with no offers at all (an empty file does this):
        allowed, but worth saying in so many words before it is confirmed."""
        return bool(self.removed) and not (self.added or self.changed or self.unchanged)


@dataclass(frozen=True, slots=True)
class _Work:
    """What :func:`apply_upload` writes, kept out of the plan shown to people."""

    save: tuple[Offer, ...]
    old: dict[str, Offer]
    remove: tuple[str, ...]


def plan_upload(session: Session, account: str, data: bytes, now: datetime,
                organization_id: str | None = None) -> UploadPlan:
    """What ``data`` would change; writes nothing.

    ``organization_id``, when the bot knows whom the file is for, must match every row; without
    it the rows name the organisation (and a file without rows means the one organisation the
    account is admin of). Raises :class:`ImportRefused` (every problem, by line and column) or
    :class:`~losen.catalogue.people.NotAllowed`.
    """
    return _prepare(session, account, data, now, organization_id)[0]


def apply_upload(session: Session, account: str, data: bytes, digest: str, now: datetime,
                 organization_id: str | None = None) -> UploadPlan:
    """Write the plan confirmed as ``digest``, in the caller's transaction.

    Everything is checked again here (the roles too), one upload at a time, and
    :class:`UploadStale` is raised when the file or the offers differ from what was confirmed.
    Every check comes before the first write; the caller rolls back on any exception, so a
    failure leaves the catalogue as it was.
    """
    take_turns(session, UPLOAD_LOCK)  # a second confirmation waits, then sees this one's work
    if organization_id is not None:
        lock_organisation(session, organization_id)  # single edits take turns with an upload
    plan, work = _prepare(session, account, data, now, organization_id)
    if plan.digest != digest:
        raise UploadStale()
    if not plan.has_changes:
        return plan
    save_offers(session, work.save)
    delete_offers(session, work.remove)
    org_id = plan.organization_id
    for offer in work.save:
        old = work.old.get(offer.id)
        before = _row(old) if old is not None else dict.fromkeys(HEADER, "")
        after = _row(offer)
        for column in _differing(before, after):
            audit.record(session, now, account, "upload" if old is not None else "add",
                         organization_id=org_id, offer_id=offer.id, field=column,
                         old=before[column], new=after[column])
    for offer_id in work.remove:
        audit.record(session, now, account, "remove", organization_id=org_id, offer_id=offer_id,
                     field="name", old=work.old[offer_id].name)
    bump_revision(session)
    return plan


def _prepare(session: Session, account: str, data: bytes, now: datetime,
             wanted: str | None) -> tuple[UploadPlan, _Work]:
    roles = roles_of(session, account)
    if not roles.site_admin and "admin" not in roles.orgs.values():
        raise NotAllowed("upload")  # before reading: nothing about the file for others
    numbered = _read(data, now)
    if len(numbered) > MAX_ROWS:
        raise refused(None, N_("The file has more than {limit} offers. Send only your "
                          "organisation's offers."), limit=str(MAX_ROWS))
    org_id = wanted if wanted is not None else _organisation_of(session, account, numbered)
    require(session, account, "upload", org_id)
    org = session.get(Organization, org_id)
    name = org.name if org is not None else next(
        (o.organisation for _, o in numbered if organization_id(o.organisation) == org_id), org_id)
    _refuse_other_organisations(numbered, org_id, name)
    _refuse_foreign_ids(session, org_id, numbered)

    old = {o.id: o for o in _load(session, offer_ids_of(session, org_id))}
    save: list[Offer] = []
    added: list[OfferChange] = []
    changed: list[OfferChange] = []
    unchanged = 0
    for _, offer in numbered:
        offer = replace(offer, organisation=name)  # one spelling: the stored organisation's
        before = old.get(offer.id)
        if before is None:
            save.append(offer)
            added.append(OfferChange(offer.id, offer.name,
                                     _differing(dict.fromkeys(HEADER, ""), _row(offer))))
            continue
        offer = _carry_over(before, offer)
        columns = _differing(_row(before), _row(offer))
        if columns:
            save.append(offer)
            changed.append(OfferChange(offer.id, offer.name, columns))
        else:
            unchanged += 1
    in_file = {offer.id for _, offer in numbered}
    remove = tuple(sorted(i for i in old if i not in in_file))
    plan = UploadPlan(
        organization_id=org_id, organisation=name, added=tuple(added), changed=tuple(changed),
        removed=tuple(OfferChange(i, old[i].name) for i in remove), unchanged=unchanged,
        digest=_digest(org_id, data, old.values()))
    return plan, _Work(save=tuple(save), old=old, remove=remove)


def _read(data: bytes, now: datetime) -> list[tuple[int, Offer]]:
    """The file's offers with their lines; a file without any text has none (not an error: it
    is how an organisation removes all its offers)."""
    if len(data) > MAX_BYTES:
        raise refused(None, N_("The file is larger than {limit} MB. Send only your "
                                      "organisation's offers."),
                       limit=str(MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise refused(None, N_(
            "The file is not UTF-8. Save it as “CSV UTF-8” and try again.")) from None
    if not text.removeprefix("\ufeff").strip():
        return []
    return read_csv_numbered(text, now.date())


def _organisation_of(session: Session, account: str, numbered: list[tuple[int, Offer]]) -> str:
    """The one organisation the rows name, or :class:`ImportRefused` naming the lines of each
    when they name several. A file without rows is for the one organisation the account is
    admin of."""
    lines = _lines_by_organisation(numbered)
    if len(lines) > 1:
        raise ImportRefused([ImportProblem(
            ls[0], "organisation",
            N_("“{name}” has offers on lines {lines}. A file may hold the offers of one "
               "organisation only."), {"lines": _line_list(ls), "name": name})
            for name, ls in lines.values()])
    if lines:
        return next(iter(lines))
    admin_of = [o for o, role in roles_of(session, account).orgs.items() if role == "admin"]
    if len(admin_of) == 1:
        return admin_of[0]
    raise refused(None, N_("The file has no offers, so it does not say which organisation "
                                  "it is for."))


def _refuse_other_organisations(numbered: list[tuple[int, Offer]], org_id: str,
                                name: str) -> None:
    """When the bot says whom the file is for, every row must be for that organisation."""
    others = [v for o, v in _lines_by_organisation(numbered).items() if o != org_id]
    if others:
        raise ImportRefused([ImportProblem(
            ls[0], "organisation",
            N_("The offers on lines {lines} are for “{name}”, but this upload is for "
               "“{expected}”."),
            {"lines": _line_list(ls), "name": other, "expected": name}) for other, ls in others])


def _lines_by_organisation(numbered: list[tuple[int, Offer]]
                           ) -> dict[str, tuple[str, list[int]]]:
    """Organisation id → (its name as first written, the lines of its rows)."""
    found: dict[str, tuple[str, list[int]]] = {}
    for line, offer in numbered:
        found.setdefault(organization_id(offer.organisation),
                         (offer.organisation, []))[1].append(line)
    return found


def _refuse_foreign_ids(session: Session, org_id: str, numbered: list[tuple[int, Offer]]) -> None:
    """An organisation never takes over another's offer by reusing its id."""
    line_of = {offer.id: line for line, offer in numbered}
    ids = list(line_of)
    foreign: list[str] = []
    for i in range(0, len(ids), _CHUNK):
        foreign.extend(session.scalars(select(Service.id).where(
            Service.id.in_(ids[i:i + _CHUNK]), Service.organization_id != org_id)))
    if foreign:
        raise ImportRefused([ImportProblem(
            line_of[i], "id", N_("The id “{value}” belongs to another organisation’s offer. "
                                 "Give this offer an id of its own."), {"value": i})
            for i in sorted(foreign, key=line_of.__getitem__)])


def _carry_over(old: Offer, new: Offer) -> Offer:
    """What the spreadsheet has no column for stays as it was: a pause set in the bot, and the
    labels other than free, drop-in and anonymous (from an HSDS import)."""
    hidden = {code: value for code, value in old.labels.items() if code not in CSV_LABELS}
    return replace(new, reopens=old.reopens, labels={**hidden, **new.labels})


def _load(session: Session, ids: Sequence[str]) -> list[Offer]:
    offers: list[Offer] = []
    for i in range(0, len(ids), _CHUNK):
        offers.extend(load_offers_by_ids(session, ids[i:i + _CHUNK]))
    return offers


def _row(offer: Offer) -> dict[str, str]:
    return dict(zip(HEADER, offer_to_row(offer), strict=True))


def _differing(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    return tuple(c for c in HEADER if before[c] != after[c])


def _digest(org_id: str, data: bytes, offers: Iterable[Offer]) -> str:
    """SHA-256 over the organisation, the file, and each of its offers' rows as compared."""
    digest = hashlib.sha256()
    digest.update(json.dumps([org_id, len(data)]).encode() + b"\n")
    digest.update(data)
    for offer in sorted(offers, key=lambda o: o.id):
        digest.update(b"\n" + json.dumps(offer_to_row(offer), ensure_ascii=False).encode())
    return digest.hexdigest()


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_LINES_SHOWN])
    return shown + (" …" if len(lines) > _LINES_SHOWN else "")
