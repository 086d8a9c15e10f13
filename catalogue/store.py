"""Offers in and out of the HSDS tables, one unit of work at a time.

Saving is an upsert by offer id: the service row and everything hanging off it are replaced,
so re-importing a file updates offers and never duplicates them. Loading reads each table once
and assembles records in memory, which stays fast at a hundred thousand offers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from .models import (
    Address,
    Attribute,
    CatalogueRevision,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .places import PlaceRegister, register
from .records import Offer
from .schedule import RRULE_DAYS, ScheduleItem
from .taxonomy import labels, needs

NEEDS_TAXONOMY = "losen-needs"
LABELS_TAXONOMY = "losen-labels"
AUDIENCE_TAXONOMY = "losen-audience"
_CHUNK = 500
_SLUG = re.compile(r"[^a-z0-9]+")


def organization_id(name: str) -> str:
    from .textfold import fold

    return "org-" + (_SLUG.sub("-", fold(name)).strip("-") or "x")[:120]


def term_id(taxonomy: str, code: str) -> str:
    return f"{taxonomy}:{code}"


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _ensure_terms(session: Session, audience: set[str]) -> None:
    """Create the taxonomies and terms the offers refer to (needs, labels, audiences)."""
    wanted = {
        NEEDS_TAXONOMY: {t.code: t.label("nb") for t in needs().terms.values()},
        LABELS_TAXONOMY: {t.code: t.label("nb") for t in labels().terms.values()},
        AUDIENCE_TAXONOMY: {a: a for a in audience},
    }
    existing_tax = set(session.scalars(select(Taxonomy.id)))
    existing_terms = set(session.scalars(select(TaxonomyTerm.id)))
    for tax, terms in wanted.items():
        if tax not in existing_tax:
            session.add(Taxonomy(id=tax, name=tax, description=""))
            session.flush()
        for code, name in terms.items():
            if term_id(tax, code) not in existing_terms:
                session.add(TaxonomyTerm(id=term_id(tax, code), code=code, name=name,
                                         taxonomy_id=tax, language="nb"))
    session.flush()


def service_areas(o: Offer, places: PlaceRegister) -> list[dict[str, Any]]:
    """HSDS service_area rows: the kommune (and fylke when regional), or Norway."""
    sid = o.id
    if o.scope == "national":
        return [dict(id=f"{sid}:area", service_id=sid, name="Norge", extent="NO",
                     extent_type="country")]
    if not o.kommunenummer:
        return []
    kommune = places.kommune(o.kommunenummer)
    areas = [dict(id=f"{sid}:area", service_id=sid, name=kommune.name_no if kommune else "",
                  extent=o.kommunenummer, extent_type="kommunenummer")]
    if o.scope == "regional":
        fylke = places.fylke(o.kommunenummer)
        areas.append(dict(id=f"{sid}:area:fylke", service_id=sid,
                          name=fylke.name if fylke else "", extent=o.kommunenummer[:2],
                          extent_type="fylkesnummer"))
    return areas


def location_rows(o: Offer, places: PlaceRegister
                  ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """HSDS location, address and service_at_location rows, or None for an offer without
    a place (a phone line). Storage and the HSDS export both build from these."""
    if not (o.address or o.postnummer or o.latitude is not None):
        return None
    loc = f"loc-{o.id}"
    fylke = places.fylke(o.kommunenummer) if o.kommunenummer else None
    location = dict(id=loc, organization_id=organization_id(o.organisation),
                    location_type="physical", name=o.name, latitude=o.latitude,
                    longitude=o.longitude)
    address = dict(id=f"{loc}:address", location_id=loc, address_1=o.address, city=o.poststed,
                   region=o.kommunenummer, state_province=fylke.name if fylke else "",
                   postal_code=o.postnummer, country="NO", address_type="physical")
    return location, address, dict(id=f"{o.id}@{loc}", service_id=o.id, location_id=loc)


def delete_offers(session: Session, ids: Sequence[str]) -> None:
    for chunk in _chunks(list(ids)):
        loc_ids = [f"loc-{i}" for i in chunk]
        session.execute(delete(Attribute).where(Attribute.link_id.in_(chunk)))
        for table in (Phone, Schedule, ServiceArea, Language, ServiceAtLocation):
            session.execute(delete(table).where(table.service_id.in_(chunk)))
        session.execute(delete(Address).where(Address.location_id.in_(loc_ids)))
        session.execute(delete(Location).where(Location.id.in_(loc_ids)))
        session.execute(delete(Service).where(Service.id.in_(chunk)))


def save_offers(session: Session, offers: Sequence[Offer]) -> None:
    """Insert or replace these offers (by id). The caller commits."""
    if not offers:
        return
    _ensure_terms(session, {a for o in offers for a in o.audience})
    orgs = {organization_id(o.organisation): o.organisation for o in offers}
    known: set[str] = set()
    for chunk in _chunks(list(orgs)):
        known.update(session.scalars(select(Organization.id).where(Organization.id.in_(chunk))))
    new_orgs = [{"id": k, "name": v, "description": ""} for k, v in orgs.items() if k not in known]
    if new_orgs:
        session.execute(insert(Organization), new_orgs)

    delete_offers(session, [o.id for o in offers])
    now = datetime.now(UTC)
    rows: dict[type, list[dict]] = defaultdict(list)
    places = register()
    for o in offers:
        sid = o.id
        rows[Service].append(dict(
            id=sid, organization_id=organization_id(o.organisation), name=o.name,
            description=o.description, url=o.website or None, email=o.email or None,
            status="temporarily closed" if o.reopens else "active",
            assured_date=o.last_verified, last_modified=now, scope=o.scope, reopens=o.reopens,
        ))
        rows[ServiceArea].extend(service_areas(o, places))
        where = location_rows(o, places)
        if where is not None:
            location, address, service_at_location = where
            rows[Location].append(location)
            rows[Address].append(address)
            rows[ServiceAtLocation].append(service_at_location)
        if o.phone:
            rows[Phone].append(dict(id=f"{sid}:phone", service_id=sid, number=o.phone, type="voice"))
        for i, item in enumerate(o.schedule):
            rows[Schedule].append(dict(
                id=f"{sid}:schedule:{i:03d}", service_id=sid,
                freq="WEEKLY" if item.text is None else None,
                byday=item.byday or None, opens_at=item.opens, closes_at=item.closes,
                description=item.text))
        for i, lang in enumerate(o.languages):
            rows[Language].append(dict(id=f"{sid}:language:{i:03d}", service_id=sid, code=lang,
                                       name=None))
        attrs = [(NEEDS_TAXONOMY, n, str(i)) for i, n in enumerate(o.needs)]
        attrs += [(LABELS_TAXONOMY, c, "true" if v else "false") for c, v in o.labels.items()]
        attrs += [(AUDIENCE_TAXONOMY, a, str(i)) for i, a in enumerate(o.audience)]
        for tax, code, value in attrs:
            rows[Attribute].append(dict(
                id=f"{sid}:{tax}:{code}", link_id=sid, link_type=tax, link_entity="service",
                taxonomy_term_id=term_id(tax, code), value=value))
    for table in (Service, Location, Address, ServiceAtLocation, Phone, Schedule, ServiceArea,
                  Language, Attribute):
        if rows[table]:
            session.execute(insert(table), rows[table])


def bump_revision(session: Session) -> None:
    """Count a change to the catalogue, so that every running instance reloads its offers."""
    session.execute(update(CatalogueRevision).where(CatalogueRevision.id == 1)
                    .values(revision=CatalogueRevision.revision + 1))


def revision(session: Session) -> int:
    return int(session.scalar(select(CatalogueRevision.revision)
                              .where(CatalogueRevision.id == 1)) or 0)


def count_offers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


LOAD_CHUNK = 5000


def load_offers(session: Session) -> list[Offer]:
    """Every offer in the catalogue, assembled from the HSDS tables, ordered by id.

    Read a few thousand services at a time, so that the rows in flight stay small: loading a
    hundred thousand offers then peaks near what the offers themselves take.
    """
    orgs = dict(session.execute(select(Organization.id, Organization.name)).all())
    ids = list(session.scalars(select(Service.id).order_by(Service.id)))
    shared: dict[object, object] = {}
    offers: list[Offer] = []
    for i in range(0, len(ids), LOAD_CHUNK):
        offers.extend(_load_chunk(session, ids[i:i + LOAD_CHUNK], orgs, shared))
    return offers


def load_offers_by_ids(session: Session, ids: Sequence[str]) -> list[Offer]:
    """These offers (those that exist), ordered by id: what an edit reads."""
    org_ids = set(session.scalars(select(Service.organization_id).where(Service.id.in_(ids))))
    orgs = dict(session.execute(select(Organization.id, Organization.name)
                                .where(Organization.id.in_(org_ids))).all())
    return _load_chunk(session, list(ids), orgs, {})


def offer_ids_of(session: Session, organization_id: str) -> list[str]:
    return list(session.scalars(select(Service.id).where(
        Service.organization_id == organization_id).order_by(Service.name, Service.id)))


def _load_chunk(session: Session, ids: list[str], orgs: dict[str, str],
                shared: dict[object, object]) -> list[Offer]:
    phones = dict(session.execute(select(Phone.service_id, Phone.number)
                                  .where(Phone.service_id.in_(ids)).order_by(Phone.id)).all())
    areas: dict[str, str | None] = dict(session.execute(
        select(ServiceArea.service_id, ServiceArea.extent)
        .where(ServiceArea.extent_type == "kommunenummer", ServiceArea.service_id.in_(ids))
    ).all())
    places: dict[str, tuple] = {}
    for row in session.execute(
        select(ServiceAtLocation.service_id, Location.latitude, Location.longitude,
               Address.address_1, Address.postal_code, Address.city)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .outerjoin(Address, Address.location_id == Location.id)
        .where(ServiceAtLocation.service_id.in_(ids))
        .order_by(ServiceAtLocation.id)
    ):
        places.setdefault(row[0], row[1:])
    schedules: dict[str, list[ScheduleItem]] = defaultdict(list)
    for sched_sid, byday, opens, closes, text in session.execute(
        select(Schedule.service_id, Schedule.byday, Schedule.opens_at, Schedule.closes_at,
               Schedule.description).where(Schedule.service_id.in_(ids)).order_by(Schedule.id)
    ):
        if text is not None and opens is None:
            schedules[sched_sid or ""].append(ScheduleItem(text=text))
        else:
            days = tuple(RRULE_DAYS.index(d) for d in (byday or "").split(",") if d)
            schedules[sched_sid or ""].append(ScheduleItem(days=days, opens=opens, closes=closes))
    languages: dict[str, list[str]] = defaultdict(list)
    for sid, code in session.execute(
        select(Language.service_id, Language.code).where(Language.service_id.in_(ids))
        .order_by(Language.id)
    ):
        languages[sid].append(code)
    need_rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
    audience_rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
    label_rows: dict[str, dict[str, bool]] = defaultdict(dict)
    for sid, tax, code, value in session.execute(
        select(Attribute.link_id, TaxonomyTerm.taxonomy_id, TaxonomyTerm.code, Attribute.value)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_entity == "service", Attribute.link_id.in_(ids))
    ):
        if tax == NEEDS_TAXONOMY:
            need_rows[sid].append((int(value or 0), code))
        elif tax == AUDIENCE_TAXONOMY:
            audience_rows[sid].append((int(value or 0), code))
        elif tax == LABELS_TAXONOMY:
            label_rows[sid][code] = value == "true"

    # Many offers share organisation, place, hours and labels: share one object for each.
    def same(value):  # type: ignore[no-untyped-def]
        return shared.setdefault(value, value)

    offers = []
    for sid, org_id, name, description, scope, email, url, assured, reopens in session.execute(
        select(Service.id, Service.organization_id, Service.name, Service.description,
               Service.scope, Service.email, Service.url, Service.assured_date, Service.reopens)
        .where(Service.id.in_(ids)).order_by(Service.id)
    ):
        lat, lon, address, postnummer, poststed = places.get(sid, (None, None, "", "", ""))
        label_items = tuple(sorted(label_rows[sid].items()))
        offers.append(Offer(
            id=sid, organisation=same(orgs[org_id]), name=name,
            description=description or "",
            needs=same(tuple(code for _, code in sorted(need_rows[sid]))),
            kommunenummer=same(areas.get(sid)), scope=same(scope),
            address=address or "", postnummer=same(postnummer or ""),
            poststed=same(poststed or ""), latitude=lat, longitude=lon,
            phone=phones.get(sid, ""), email=email or "", website=url or "",
            schedule=same(tuple(schedules[sid])),
            audience=same(tuple(code for _, code in sorted(audience_rows[sid]))),
            languages=same(tuple(languages[sid])),
            labels=shared.setdefault(("labels", label_items), dict(label_items)),  # type: ignore[arg-type]
            last_verified=same(assured), reopens=reopens,
        ))
    return offers
