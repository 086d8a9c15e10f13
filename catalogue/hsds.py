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

import phonenumbers
from losen.locales import N_

from .csvio import CSV_LABELS, format_phone, validate_rows
from .errors import ImportProblem, ImportRefused
from .places import PlaceRegister, register
from .records import LABEL_CODES, Offer
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


class _Shape(Exception):
    """A value in a service that is not of the form HSDS gives it (a list where text belongs,
    a day code that is no day, an hour that is no time)."""

    def __init__(self, field: str, value: Any) -> None:
        super().__init__(field)
        self.field, self.value = field, value

    def problem(self, record: int) -> ImportProblem:
        shown = self.value if isinstance(self.value, str) else json.dumps(self.value,
                                                                            ensure_ascii=False)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        return ImportProblem(record, self.field,
                             N_("“{value}” does not have the form HSDS 3.0 gives this field."),
                             {"value": shown}, record=True)


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Shape(field, value)
    return value


def _objects(value: Any, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Shape(field, value)
    return value


def _text(value: Any, field: str) -> str:
    """Text or a number as text; an object, a list or true/false is not a value here."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Shape(field, value)
    return str(value)


def _time(value: Any) -> time:
    try:
        return time.fromisoformat(_text(value, "schedules")[:5])
    except ValueError:
        raise _Shape("schedules", value) from None


def _schedule_text(items: list[dict[str, Any]]) -> str:
    parsed = []
    for s in sorted(items, key=lambda s: str(s.get("id", ""))):
        if s.get("opens_at") and s.get("closes_at") and s.get("byday"):
            codes = [d.strip() for d in _text(s["byday"], "schedules").split(",")]
            if not all(code in RRULE_DAYS for code in codes):
                raise _Shape("schedules", s["byday"])
            parsed.append(ScheduleItem(days=tuple(RRULE_DAYS.index(code) for code in codes),
                                       opens=_time(s["opens_at"]), closes=_time(s["closes_at"])))
        elif s.get("description"):
            parsed.append(ScheduleItem(text=_text(s["description"], "schedules")))
    return format_schedule(tuple(parsed))


def _phone_text(number: str) -> str:
    """The number as the spreadsheet writes it; one that cannot be read is left for the
    validation to name."""
    try:
        return format_phone(number)
    except phonenumbers.NumberParseException:
        return number


def service_to_row(service: dict[str, Any]) -> dict[str, str]:
    """One HSDS service in spreadsheet form, ready for the shared validation. Raises
    :class:`_Shape` for a value of the wrong form."""
    areas: dict[str, str] = {}
    for a in _objects(service.get("service_areas"), "service_areas"):
        kind = a.get("extent_type")
        if kind in ("country", "kommunenummer", "fylkesnummer"):  # other kinds are not read
            areas[kind] = _text(a.get("extent"), "service_areas")
    scope = ("national" if "country" in areas else "regional" if "fylkesnummer" in areas
             else "local")
    location: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for sal in _objects(service.get("service_at_locations"), "service_at_locations"):
        location = _object(sal.get("location"), "service_at_locations")
        address = (_objects(location.get("addresses"), "service_at_locations") or [{}])[0]
        break
    attrs: dict[str, list[tuple[str, str]]] = {}
    for a in _objects(service.get("attributes"), "attributes"):
        term = _object(a.get("taxonomy_term"), "attributes")
        tax = _text(term.get("taxonomy_id") or a.get("link_type"), "attributes")
        code = term.get("code") or _text(a.get("taxonomy_term_id"), "attributes").split(":")[-1]
        attrs.setdefault(tax, []).append((_text(a.get("value"), "attributes"),
                                          _text(code, "attributes")))

    def position(value: str) -> int:
        try:
            return int(value or 0)
        except ValueError:  # not a number, or one of thousands of digits
            raise _Shape("attributes", value) from None

    def ordered(tax: str) -> str:
        pairs = attrs.get(tax, [])
        return "|".join(code for _, code in sorted(pairs, key=lambda p: position(p[0])))

    label_values = dict((code, value) for value, code in attrs.get(LABELS_TAXONOMY, []))
    if not all(code in LABEL_CODES and value in ("true", "false")
               for code, value in label_values.items()):
        raise _Shape("attributes", label_values)
    phones = _objects(service.get("phones"), "phones")
    row = {
        "id": _text(service.get("id"), "id"),
        "organisation": _text(_object(service.get("organization"), "organization").get("name"),
                              "organization"),
        "name": _text(service.get("name"), "name"),
        "description": _text(service.get("description"), "description"),
        "needs": ordered(NEEDS_TAXONOMY),
        "kommunenummer": areas.get("kommunenummer", ""),
        "scope": scope,
        "address": _text(address.get("address_1"), "service_at_locations"),
        "postnummer": _text(address.get("postal_code"), "service_at_locations"),
        "poststed": _text(address.get("city"), "service_at_locations"),
        "latitude": _text(location.get("latitude"), "service_at_locations"),
        "longitude": _text(location.get("longitude"), "service_at_locations"),
        "phone": _phone_text(_text(phones[0].get("number"), "phones")) if phones else "",
        "email": _text(service.get("email"), "email"),
        "website": _text(service.get("url"), "url"),
        "schedule": _schedule_text(_objects(service.get("schedules"), "schedules")),
        "audience": ordered(AUDIENCE_TAXONOMY),
        "languages": "|".join(_text(lang.get("code"), "languages")
                              for lang in _objects(service.get("languages"), "languages")),
        "last_verified": _text(service.get("assured_date"), "assured_date"),
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
    except (ValueError, RecursionError) as exc:  # a number of 5,000 digits, lists in lists …
        raise ImportRefused([ImportProblem(None, None, N_("The file is not valid JSON: {error}"),
                                           {"error": str(exc)})]) from None
    services = data.get("contents") if isinstance(data, dict) else data
    if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
        raise ImportRefused([ImportProblem(None, None, N_(
            "An HSDS file must hold a list of services, or a page with them under “contents”."))])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[ImportProblem] = []
    for i, service in enumerate(services, start=1):
        try:
            rows.append((i, service_to_row(service)))
        except _Shape as shape:
            problems.append(shape.problem(i))
    offers = validate_rows(rows, today or date.today(), places or register(), problems,
                           record=True)
    # Labels that the spreadsheet has no column for (no_referral, no_nav) survive the trip.
    extra = {row["id"]: json.loads(row["_labels"]) for _, row in rows}
    return [_with_labels(o, extra.get(o.id, {})) for o in offers]


def _with_labels(offer: Offer, known: dict[str, bool]) -> Offer:
    from dataclasses import replace

    merged = {**known, **offer.labels}
    return offer if merged == offer.labels else replace(offer, labels=merged)
