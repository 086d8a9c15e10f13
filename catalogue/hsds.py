"""Open Referral HSDS 3.0 JSON, the service-centred nested form, both ways and losslessly.

Export writes one page in the shape of the HSDS API's ``/services`` response, each service
with its organization, locations and addresses, phones, schedules, service areas, languages
and attributes (needs, low-threshold labels, audience) nested inside. Import turns each service
back into the spreadsheet form and validates it with the very same rules as the CSV importer.
"""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from losen.locales import N_

from .csvio import CSV_LABELS, format_phone, validate_rows
from .errors import ImportProblem, ImportRefused
from .places import PlaceRegister, register
from .records import Offer
from .schedule import RRULE_DAYS, ScheduleItem, format_schedule
from .store import (
    AUDIENCE_TAXONOMY,
    LABELS_TAXONOMY,
    NEEDS_TAXONOMY,
    location_rows,
    organization_id,
    service_areas,
    term_id,
)
from .taxonomy import labels, needs

HSDS_PROFILE = "https://openreferral.org/imports/hsds/"


def _term(taxonomy: str, code: str, name: str) -> dict[str, Any]:
    return {"id": term_id(taxonomy, code), "code": code, "name": name, "taxonomy_id": taxonomy,
            "taxonomy": taxonomy, "language": "nb"}


def _attribute(sid: str, taxonomy: str, code: str, name: str, value: str) -> dict[str, Any]:
    return {"id": f"{sid}:{taxonomy}:{code}", "link_id": sid, "link_type": taxonomy,
            "link_entity": "service", "taxonomy_term_id": term_id(taxonomy, code),
            "value": value, "taxonomy_term": _term(taxonomy, code, name)}


def _schedule(sid: str, i: int, item: ScheduleItem) -> dict[str, Any]:
    if item.text is not None:
        return {"id": f"{sid}:schedule:{i:03d}", "service_id": sid, "description": item.text}
    assert item.opens is not None and item.closes is not None
    return {"id": f"{sid}:schedule:{i:03d}", "service_id": sid, "freq": "WEEKLY",
            "wkst": "MO", "byday": item.byday, "opens_at": item.opens.strftime("%H:%M"),
            "closes_at": item.closes.strftime("%H:%M")}


def offer_to_hsds(offer: Offer, places: PlaceRegister | None = None) -> dict[str, Any]:
    places = places or register()
    sid = offer.id
    org_id = organization_id(offer.organisation)
    areas = service_areas(offer, places)
    locations = []
    where = location_rows(offer, places)
    if where is not None:
        location, address, service_at_location = where
        locations.append({**service_at_location, "location": {**location, "addresses": [address]}})
    need_terms, label_terms = needs().terms, labels().terms
    attributes = [
        _attribute(sid, NEEDS_TAXONOMY, n, need_terms[n].label("nb"), str(i))
        for i, n in enumerate(offer.needs)
    ]
    attributes += [
        _attribute(sid, LABELS_TAXONOMY, c, label_terms[c].label("nb"), "true" if v else "false")
        for c, v in offer.labels.items()
    ]
    attributes += [
        _attribute(sid, AUDIENCE_TAXONOMY, a, a, str(i)) for i, a in enumerate(offer.audience)
    ]
    return {
        "id": sid,
        "organization_id": org_id,
        "name": offer.name,
        "description": offer.description,
        "url": offer.website or None,
        "email": offer.email or None,
        "status": "temporarily closed" if offer.reopens else "active",
        "assured_date": offer.last_verified.isoformat() if offer.last_verified else None,
        "organization": {"id": org_id, "name": offer.organisation, "description": ""},
        "service_areas": areas,
        "service_at_locations": locations,
        "phones": [{"id": f"{sid}:phone", "service_id": sid, "number": offer.phone,
                    "type": "voice"}] if offer.phone else [],
        "schedules": [_schedule(sid, i, item) for i, item in enumerate(offer.schedule)],
        "languages": [{"id": f"{sid}:language:{i:03d}", "service_id": sid, "code": code}
                      for i, code in enumerate(offer.languages)],
        "attributes": attributes,
    }


def write_hsds(offers: list[Offer]) -> str:
    services = [offer_to_hsds(o) for o in sorted(offers, key=lambda o: o.id)]
    page = {"total_items": len(services), "total_pages": 1, "page_number": 1,
            "size": len(services), "first_page": True, "last_page": True,
            "empty": not services, "contents": services}
    return json.dumps(page, ensure_ascii=False, indent=1) + "\n"


def _schedule_text(items: list[dict[str, Any]]) -> str:
    parsed = []
    for s in sorted(items, key=lambda s: str(s.get("id", ""))):
        if s.get("opens_at") and s.get("closes_at") and s.get("byday"):
            days = tuple(RRULE_DAYS.index(d.strip()) for d in s["byday"].split(",")
                         if d.strip() in RRULE_DAYS)
            parsed.append(ScheduleItem(days=days, opens=time.fromisoformat(s["opens_at"][:5]),
                                       closes=time.fromisoformat(s["closes_at"][:5])))
        elif s.get("description"):
            parsed.append(ScheduleItem(text=str(s["description"])))
    return format_schedule(tuple(parsed))


def service_to_row(service: dict[str, Any]) -> dict[str, str]:
    """One HSDS service in spreadsheet form, ready for the shared validation."""
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    areas = {a.get("extent_type"): text(a.get("extent")) for a in service.get("service_areas") or []}
    scope = ("national" if "country" in areas else "regional" if "fylkesnummer" in areas
             else "local")
    location: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for sal in service.get("service_at_locations") or []:
        location = sal.get("location") or {}
        address = (location.get("addresses") or [{}])[0]
        break
    attrs: dict[str, list[tuple[str, str]]] = {}
    for a in service.get("attributes") or []:
        term = a.get("taxonomy_term") or {}
        tax = term.get("taxonomy_id") or a.get("link_type") or ""
        code = term.get("code") or text(a.get("taxonomy_term_id")).split(":")[-1]
        attrs.setdefault(tax, []).append((text(a.get("value")), code))

    def ordered(tax: str) -> str:
        pairs = attrs.get(tax, [])
        return "|".join(code for _, code in sorted(pairs, key=lambda p: int(p[0] or 0)))

    label_values = dict((code, value) for value, code in attrs.get(LABELS_TAXONOMY, []))
    phones = service.get("phones") or []
    row = {
        "id": text(service.get("id")),
        "organisation": text((service.get("organization") or {}).get("name")),
        "name": text(service.get("name")),
        "description": text(service.get("description")),
        "needs": ordered(NEEDS_TAXONOMY),
        "kommunenummer": areas.get("kommunenummer", ""),
        "scope": scope,
        "address": text(address.get("address_1")),
        "postnummer": text(address.get("postal_code")),
        "poststed": text(address.get("city")),
        "latitude": text(location.get("latitude")),
        "longitude": text(location.get("longitude")),
        "phone": format_phone(text(phones[0].get("number"))) if phones else "",
        "email": text(service.get("email")),
        "website": text(service.get("url")),
        "schedule": _schedule_text(service.get("schedules") or []),
        "audience": ordered(AUDIENCE_TAXONOMY),
        "languages": "|".join(text(lang.get("code")) for lang in service.get("languages") or []),
        "last_verified": text(service.get("assured_date")),
    }
    for column in CSV_LABELS:
        value = label_values.get(column)
        row[column] = "" if value is None else ("ja" if value == "true" else "nei")
    row["_labels"] = json.dumps({c: v == "true" for c, v in label_values.items()})
    return row


def read_hsds(text: str, today: date | None = None, places: PlaceRegister | None = None) -> list[Offer]:
    """Parse a page (or a bare list) of HSDS services; all-or-nothing like the CSV importer."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused([ImportProblem(exc.lineno, None, N_("The file is not valid JSON: {error}"),
                                           {"error": exc.msg})]) from None
    services = data.get("contents") if isinstance(data, dict) else data
    if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
        raise ImportRefused([ImportProblem(None, None, N_(
            "An HSDS file must hold a list of services, or a page with them under “contents”."))])
    rows = [(i, service_to_row(s)) for i, s in enumerate(services, start=1)]
    offers = validate_rows(rows, today or date.today(), places or register(), record=True)
    # Labels that the spreadsheet has no column for (no_referral, no_nav) survive the trip.
    extra = {row["id"]: json.loads(row["_labels"]) for _, row in rows}
    return [_with_labels(o, extra.get(o.id, {})) for o in offers]


def _with_labels(offer: Offer, known: dict[str, bool]) -> Offer:
    from dataclasses import replace

    merged = {**known, **offer.labels}
    return offer if merged == offer.labels else replace(offer, labels=merged)
