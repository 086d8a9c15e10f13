"""What every entry point needs: a migrated database and the catalogue loaded from it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from losen.catalogue.db import open_database
from losen.catalogue.matching import settle
from losen.catalogue.records import Offer
from losen.catalogue.stats import UnmetNeeds
from losen.catalogue.store import load_offers
from losen.catalogue.transfer import load_demo_if_empty
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .dialogue import Dialogue
from .refresh import CatalogueRefresher, live_dialogue
from .state import MemoryStateStore, StateStore

OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class App:
    engine: Engine
    sessions: sessionmaker[Session]

    def offers(self) -> list[Offer]:
        with self.sessions() as session:
            return load_offers(session)

    def live(self, states: StateStore | None = None) -> tuple[Dialogue, CatalogueRefresher]:
        """The one dialogue every channel uses, over the catalogue as it is now, and what
        reloads it after volunteers' edits; conversation state in memory unless a store is
        given (Telegram keeps it in the database)."""
        dialogue, refresher = live_dialogue(
            self.sessions, states if states is not None else MemoryStateStore(),
            record_unmet=UnmetNeeds(self.sessions).record)
        settle()
        return dialogue, refresher

    def dialogue(self, states: StateStore | None = None) -> Dialogue:
        return self.live(states)[0]


def open_app(url: str | None = None, demo: bool = False) -> App:
    """Open (and migrate) the database; with ``demo``, fill an empty catalogue with the demo."""
    engine, sessions = open_database(url)
    if demo:
        load_demo_if_empty(sessions)
    return App(engine, sessions)


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware datetime; without an offset it is Oslo time."""
    if not value:
        return datetime.now(OSLO)
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=OSLO) if moment.tzinfo is None else moment


def cli_language() -> str:
    lang = os.environ.get("LOSEN_LANG", "nb")
    return lang if lang in ("nb", "nn", "en") else "nb"
