"""Import and export of whole catalogue files, in one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

from losen.locales import N_
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .csvio import read_csv, write_csv
from .db import take_turns
from .errors import ImportProblem, ImportRefused
from .hsds import read_hsds, write_hsds
from .models import Service
from .records import Offer
from .store import bump_revision, count_offers, load_offers, save_offers

Format = Literal["csv", "hsds"]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    updated: int


def detect_format(path: Path, text: str) -> Format:
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return "hsds"
    return "csv"


def parse_file(path: Path, today: date | None = None) -> list[Offer]:
    """Read and validate a CSV or HSDS file; raises :class:`ImportRefused`."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused([ImportProblem(None, None, N_(
            "The file is not UTF-8. Save it as “CSV UTF-8” and try again."))]) from None
    if detect_format(path, text) == "hsds":
        return read_hsds(text, today)
    return read_csv(text, today)


def import_offers(sessions: sessionmaker[Session], offers: list[Offer]) -> ImportSummary:
    """Upsert the offers in one unit of work: all of them or, on any error, none. A pause set
    in the bot survives a re-import (the spreadsheet has no column for it)."""
    with sessions.begin() as session:
        ids = [o.id for o in offers]
        existing: set[str] = set()
        reopens: dict[str, date] = {}
        for i in range(0, len(ids), 500):
            for sid, day in session.execute(select(Service.id, Service.reopens)
                                            .where(Service.id.in_(ids[i:i + 500]))):
                existing.add(sid)
                if day is not None:
                    reopens[sid] = day
        save_offers(session, [replace(o, reopens=reopens[o.id]) if o.id in reopens else o
                              for o in offers])
        bump_revision(session)
    return ImportSummary(added=len(ids) - len(existing), updated=len(existing))


def export_text(sessions: sessionmaker[Session], fmt: Format) -> str:
    with sessions() as session:
        offers = load_offers(session)
    return write_csv(offers) if fmt == "csv" else write_hsds(offers)


def demo_offers(today: date | None = None) -> list[Offer]:
    text = resources.files(__package__).joinpath("data", "demo.csv").read_text("utf-8")
    return read_csv(text, today)


def load_demo_if_empty(sessions: sessionmaker[Session]) -> int:
    """Fill an empty catalogue with the demo offers, so a first ``losen chat`` is useful.

    Only the chat and the bot call this; an import never adds demo offers to a file's own.
    """
    with sessions.begin() as session:
        # Instances starting together on an empty database: one loads, the others see it.
        take_turns(session, DEMO_LOCK)
        if count_offers(session):
            return 0
        offers = demo_offers()
        save_offers(session, offers)
        bump_revision(session)
    return len(offers)


DEMO_LOCK = 0x105E5
