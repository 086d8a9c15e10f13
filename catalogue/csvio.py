"""The spreadsheet CSV that volunteers edit: read it strictly, write it canonically.

Reading is all-or-nothing: every problem in the file is collected (line and column named, in
plain Norwegian) and the file is refused as a whole, because a half-imported catalogue is worse
than an unchanged one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

import phonenumbers
from losen.locales import N_

from .errors import ImportProblem, ImportRefused
from .places import PlaceRegister, register
from .records import SCOPES, Offer
from .schedule import ScheduleError, format_schedule, parse_schedule
from .taxonomy import NEED_CODES
from .textfold import fold

HEADER: tuple[str, ...] = (
    "id", "organisation", "name", "description", "needs", "kommunenummer", "scope", "address",
    "postnummer", "poststed", "latitude", "longitude", "phone", "email", "website", "schedule",
    "audience", "languages", "free", "drop_in", "anonymous", "last_verified",
)
CSV_LABELS: tuple[str, ...] = ("free", "drop_in", "anonymous")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LENGTH = {"organisation": 300, "name": 300, "description": 4000, "address": 300,
              "poststed": 120, "phone": 40, "email": 300, "website": 500, "schedule": 1000,
              "audience": 500, "languages": 200}
"""The longest value of each free-text column: what the database columns hold, with margin."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters no spreadsheet cell means to hold (tab and line breaks are allowed)."""
_YES = {"ja", "j", "yes", "y", "true"}
_NO = {"nei", "n", "no", "false"}
# Mainland Norway, Svalbard and Jan Mayen, with a margin.
_LAT, _LON = (57.0, 81.5), (-9.5, 34.0)


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


class _Row:
    """Validates one row, collecting problems instead of stopping at the first."""

    def __init__(self, line: int, raw: dict[str, str], places: PlaceRegister,
                 record: bool = False) -> None:
        self.line, self.raw, self.places, self.record = line, raw, places, record
        self.problems: list[ImportProblem] = []

    def problem(self, column: str, message: str, **params: str) -> None:
        self.problems.append(ImportProblem(self.line, column, message, params, self.record))

    def get(self, column: str) -> str:
        return (self.raw.get(column) or "").strip()

    def offer(self, today: date) -> Offer | None:
        get = self.get
        for column, value in self.raw.items():
            if column in HEADER and _CONTROL.search(value or ""):
                self.problem(column, N_("This field holds control characters; type the text "
                                        "again without them."))
        for column, limit in MAX_LENGTH.items():
            if len(get(column)) > limit:
                self.problem(column, N_("That is too long: at most {limit} characters."),
                             limit=str(limit))
        offer_id = get("id")
        if not _ID.match(offer_id):
            self.problem("id", N_("Every row needs an id of letters, digits and hyphens."))
        for column in ("organisation", "name"):
            if not get(column):
                self.problem(column, N_("This field cannot be empty."))

        needs = _split_list(get("needs"))
        if not needs:
            self.problem("needs", N_("Give at least one need, for example food or social."))
        for need in needs:
            if need not in NEED_CODES:
                self.problem("needs", N_("Unknown need “{value}”. Use one of: {allowed}."),
                             value=need, allowed=", ".join(NEED_CODES))

        scope = get("scope").lower()
        if scope not in SCOPES:
            self.problem("scope", N_("Scope must be local, regional or national, not “{value}”."),
                         value=get("scope"))
        kommunenummer = get("kommunenummer")
        if kommunenummer and len(kommunenummer) == 3 and kommunenummer.isdigit():
            kommunenummer = "0" + kommunenummer  # spreadsheets drop the leading zero of 0301
        if scope == "national" and kommunenummer:
            self.problem("kommunenummer", N_("A national offer has no kommunenummer."))
        elif scope in ("local", "regional") and not kommunenummer:
            self.problem("kommunenummer", N_("A local or regional offer needs a kommunenummer."))
        elif kommunenummer and self.places.kommune(kommunenummer) is None:
            self.problem("kommunenummer", N_("There is no kommune with number “{value}”."),
                         value=kommunenummer)

        postnummer, poststed = get("postnummer"), get("poststed")
        if postnummer:
            if len(postnummer) == 3 and postnummer.isdigit():
                postnummer = "0" + postnummer
            pc = self.places.postal_code(postnummer)
            if pc is None:
                self.problem("postnummer", N_("“{value}” is not a Norwegian postal code."),
                             value=postnummer)
            else:
                if (scope == "local" and self.places.kommune(kommunenummer) is not None
                        and pc.kommunenummer != kommunenummer):
                    self.problem("postnummer",
                                 N_("Postal code {code} lies in kommune {actual}, not {given}."),
                                 code=postnummer, actual=pc.kommunenummer, given=kommunenummer)
                if poststed and fold(poststed) != fold(pc.poststed):
                    self.problem("poststed", N_("Postal code {code} is {expected}, not “{value}”."),
                                 code=postnummer, expected=pc.poststed, value=poststed)
                poststed = pc.poststed
        elif poststed:
            self.problem("postnummer", N_("Give the postal code together with the postal place."))

        latitude = self._coordinate("latitude", _LAT)
        longitude = self._coordinate("longitude", _LON)
        if (latitude is None) != (longitude is None):
            self.problem("latitude", N_("Give both latitude and longitude, or neither."))

        phone = self._phone()
        email = get("email")
        if email and not _EMAIL.match(email):
            self.problem("email", N_("“{value}” is not an e-mail address."), value=email)
        website = get("website")
        if website and not website.lower().startswith(("http://", "https://")):
            website = "https://" + website

        try:
            schedule = parse_schedule(get("schedule"))
        except ScheduleError as exc:
            schedule = ()
            self.problem("schedule", N_("Cannot read the opening hours “{value}”. Write for "
                                        "example “mandag-fredag 10:00-14:00;lørdag 12:00-15:00”."),
                         value=str(exc))

        labels: dict[str, bool] = {}
        for column in CSV_LABELS:
            value = get(column).lower()
            if value in _YES:
                labels[column] = True
            elif value in _NO:
                labels[column] = False
            elif value:
                self.problem(column, N_("Write ja, nei or leave empty, not “{value}”."), value=value)

        last_verified = None
        if get("last_verified"):
            try:
                last_verified = date.fromisoformat(get("last_verified"))
            except ValueError:
                self.problem("last_verified", N_("“{value}” is not a date like 2026-11-24."),
                             value=get("last_verified"))
            else:
                if last_verified > today:
                    self.problem("last_verified", N_("The date {value} lies in the future."),
                                 value=get("last_verified"))

        if self.problems:
            return None
        return Offer(
            id=offer_id, organisation=get("organisation"), name=get("name"),
            description=get("description"), needs=tuple(dict.fromkeys(needs)),
            kommunenummer=kommunenummer or None, scope=scope,  # type: ignore[arg-type]
            address=get("address"), postnummer=postnummer, poststed=poststed,
            latitude=latitude, longitude=longitude, phone=phone, email=email, website=website,
            schedule=schedule, audience=_split_list(get("audience")),
            languages=tuple(lang.lower() for lang in _split_list(get("languages"))),
            labels=labels, last_verified=last_verified,
        )

    def _coordinate(self, column: str, bounds: tuple[float, float]) -> float | None:
        value = self.get(column).replace(",", ".")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            self.problem(column, N_("“{value}” is not a number."), value=value)
            return None
        if not bounds[0] <= number <= bounds[1]:
            self.problem(column, N_("{value} lies outside Norway."), value=value)
            return None
        return number

    def _phone(self) -> str:
        value = self.get("phone")
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "NO")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.problem("phone", N_("“{value}” is not a valid phone number."), value=value)
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def read_csv(text: str, today: date | None = None, places: PlaceRegister | None = None) -> list[Offer]:
    """Parse and validate the whole file; raise :class:`ImportRefused` with every problem."""
    return [offer for _, offer in read_csv_numbered(text, today, places)]


def read_csv_numbered(text: str, today: date | None = None, places: PlaceRegister | None = None
                      ) -> list[tuple[int, Offer]]:
    """As :func:`read_csv`, each offer with the line its row starts on, so that checks made
    after reading (an upload's: one organisation, ids of its own) can name the line too."""
    today = today or date.today()
    places = places or register()
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRefused([ImportProblem(None, None, N_("The file is empty."))]) from None
    except csv.Error as exc:
        raise ImportRefused([ImportProblem(1, None, N_("The file is not valid CSV: {error}"),
                                           {"error": str(exc)})]) from None
    if tuple(header) != HEADER:
        missing = [h for h in HEADER if h not in header]
        extra = [h for h in header if h not in HEADER]
        raise ImportRefused([ImportProblem(
            1, None,
            N_("The header must be exactly: {expected}. Missing: {missing}. Unknown: {extra}."),
            {"expected": ",".join(HEADER), "missing": ", ".join(missing) or "-",
             "extra": ", ".join(extra) or "-"},
        )])

    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[ImportProblem] = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ImportProblem(line, None, N_("The file is not valid CSV: {error}"),
                                          {"error": str(exc)}))
            break
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADER):
            problems.append(ImportProblem(start, None,
                                          N_("The row has {found} fields, the header has {expected}."),
                                          {"found": str(len(values)), "expected": str(len(HEADER))}))
            continue
        rows.append((start, dict(zip(HEADER, values, strict=True))))
    offers = validate_rows(rows, today, places, problems)
    # validate_rows raises on any problem, so every row gave its offer, in order.
    return list(zip((start for start, _ in rows), offers, strict=True))


def validate_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    today: date,
    places: PlaceRegister,
    problems: list[ImportProblem] | None = None,
    record: bool = False,
) -> list[Offer]:
    """Validate rows in spreadsheet form (numbered); raise :class:`ImportRefused` on any problem.

    The HSDS importer turns each service into this form first, so both formats obey one set
    of rules.
    """
    problems = list(problems or ())
    offers: list[Offer] = []
    first_line: dict[str, int] = {}
    for start, raw in rows:
        row = _Row(start, raw, places, record)
        offer = row.offer(today)
        problems.extend(row.problems)
        offer_id = row.get("id")
        if offer_id in first_line:
            problems.append(ImportProblem(start, "id", N_("The id “{value}” is also in row {other}."),
                                          {"value": offer_id, "other": str(first_line[offer_id])},
                                          record))
        else:
            first_line[offer_id] = start
        if offer is not None:
            offers.append(offer)
    if problems:
        raise ImportRefused(problems)
    return offers


def format_phone(e164: str) -> str:
    """Norwegian numbers as people write them (22 99 99 01), others internationally."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "NO")
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 47
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nei")


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def offer_to_row(offer: Offer) -> list[str]:
    return [
        offer.id, offer.organisation, offer.name, offer.description, "|".join(offer.needs),
        offer.kommunenummer or "", offer.scope, offer.address, offer.postnummer, offer.poststed,
        _number(offer.latitude), _number(offer.longitude), format_phone(offer.phone), offer.email,
        offer.website, format_schedule(offer.schedule), "|".join(offer.audience),
        "|".join(offer.languages), *(_yes_no(offer.label(c)) for c in CSV_LABELS),
        offer.last_verified.isoformat() if offer.last_verified else "",
    ]


def write_csv(offers: Iterable[Offer]) -> str:
    """The canonical spreadsheet text, ordered by id so that diffs stay small."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for offer in sorted(offers, key=lambda o: o.id):
        writer.writerow(offer_to_row(offer))
    return buf.getvalue()
