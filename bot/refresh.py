"""Keeping each instance's catalogue in memory in step with the database.

Matching runs over offers in memory (fast at a hundred thousand offers), so a volunteer's edit
must reach every running instance: each write counts a revision in the database, and every
instance compares it with the revision it loaded, on a timer and right after its own edits.
Only when it changed is the catalogue read again; the index is swapped whole, so an answer is
never made from half an update.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from losen.catalogue.matching import CatalogueIndex
from losen.catalogue.reports import CAUTION_AFTER, OfferReports, cautioned
from losen.catalogue.store import load_offers, revision
from sqlalchemy.orm import Session, sessionmaker

from .dialogue import Dialogue, UnmetRecorder
from .state import StateStore

log = logging.getLogger("losen.refresh")
INTERVAL = 10.0
"""Seconds between checks: another instance's edit shows within this."""


def load_index(sessions: sessionmaker[Session]) -> tuple[int, CatalogueIndex]:
    """The catalogue and its revision, read in one transaction so they belong together."""
    with sessions() as session:
        rev = revision(session)
        index = CatalogueIndex(load_offers(session))
        index.cautions = cautioned(session)
    return rev, index


@dataclass
class CatalogueRefresher:
    sessions: sessionmaker[Session]
    dialogue: Dialogue
    loaded: int = -1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self) -> bool:
        """Reload when the catalogue changed since it was loaded; whether it did. Called from
        the timer's thread and after edits: one reload at a time, and never an older catalogue
        over a newer one."""
        with self._lock:
            with self.sessions() as session:
                current = revision(session)
            if current <= self.loaded:
                return False
            loaded, index = load_index(self.sessions)
            if loaded > self.loaded:
                self.loaded, self.dialogue.index = loaded, index
                log.info("catalogue reloaded at revision %d", loaded)
            return True


def live_dialogue(sessions: sessionmaker[Session], states: StateStore,
                  record_unmet: UnmetRecorder | None = None
                  ) -> tuple[Dialogue, CatalogueRefresher]:
    """The dialogue over the catalogue as it is now, and what keeps it current. A report that
    brings an offer to the caution reloads at once, so the next person here sees it."""
    loaded, index = load_index(sessions)
    dialogue = Dialogue(index, states, record_unmet=record_unmet)
    refresher = CatalogueRefresher(sessions, dialogue, loaded)
    reports = OfferReports(sessions)

    def record_report(offer_id: str, what: str, now: datetime) -> int:
        total = reports.record(offer_id, what, now)
        if total == CAUTION_AFTER:
            refresher.refresh()
        return total

    dialogue.record_report = record_report
    return dialogue, refresher
