"""What every entry point needs: a migrated database and the catalogue loaded from it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from losen.catalogue.db import open_database
from losen.catalogue.matching import settle
from losen.catalogue.records import Offer
from losen.catalogue.reports import OfferReports
from losen.catalogue.stats import UnmetNeeds
from losen.catalogue.store import load_offers
from losen.catalogue.transfer import load_demo_if_empty
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .dialogue import Dialogue
from .refresh import CatalogueRefresher, load_index
from .state import MemoryStateStore, StateStore

OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class App:
    engine: Engine
    sessions: sessionmaker[Session]
    loaded_revision: int = -1
    """The catalogue revision the last :meth:`dialogue` was built from."""

    def offers(self) -> list[Offer]:
        with self.sessions() as session:
            return load_offers(session)

    def refresher(self, dialogue: Dialogue) -> CatalogueRefresher:
        return CatalogueRefresher(self.sessions, dialogue, self.loaded_revision)

    def dialogue(self, states: StateStore | None = None) -> Dialogue:
        """The one dialogue every channel uses, over the catalogue as it is now; conversation
        state in memory unless a store is given (Telegram keeps it in the database)."""
        self.loaded_revision, index = load_index(self.sessions)
        settle()
        return Dialogue(index, states if states is not None else MemoryStateStore(),
                        record_unmet=UnmetNeeds(self.sessions).record,
                        record_report=OfferReports(self.sessions).record)


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
