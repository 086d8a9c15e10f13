"""The conversation, independent of any channel: understanding + catalogue + state → a reply.

Telegram, ``losen chat`` and ``losen ask`` all call :meth:`Dialogue.answer`, so every channel
gives the same answer to the same message. The dialogue decides *what* to say (a
:class:`Reply`); ``render`` decides how it looks in each channel.

When the database cannot be used (down, unreachable, full, read-only), a turn does not fail:
a crisis is answered from understanding alone (it is pure, and the help lines are data), and
everything else gets a ``database_down`` reply, "try again in a little while". Nothing of the
turn is kept then; the next turn tries the database again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from losen.catalogue.db import DATABASE_ERRORS
from losen.catalogue.matching import CatalogueIndex, Match, Query, match
from losen.catalogue.reports import REPORT_KINDS
from losen.catalogue.taxonomy import needs
from losen.catalogue.textfold import fold
from losen.intents import Place, Understanding, understand

from .actions import Action, actions_for
from .helplines import lines_for
from .locate import place_at
from .render import offer_json, render_text
from .reply import Reply
from .state import ConversationState, MemoryStateStore, StateStore

log = logging.getLogger("losen.dialogue")
PAGE = 3
ALTERNATIVE_RADIUS_KM = 300.0
UnmetRecorder = Callable[[str, str | None, datetime], None]
ReportRecorder = Callable[[str, str, datetime], object]
"""Called with an offer id and what was wrong (``phone``, ``hours``, ``place``, ``closed``,
``other``) when someone flags an offer; never with who tapped."""


@cache
def followups() -> dict[str, str]:
    text = resources.files(__package__).joinpath("data", "followups.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")][1:]
    return {fold(phrase): action.strip() for phrase, action in rows}


@dataclass(frozen=True)
class Answer:
    understanding: Understanding
    reply: Reply
    text: str
    actions: tuple[Action, ...] = ()

    def as_json(self, explain: bool = False) -> dict[str, Any]:
        data = self.understanding.as_json()
        data["language"] = self.reply.lang
        data["offers"] = [offer_json(m, explain) for m in self.reply.matches]
        data["alternatives"] = [offer_json(m, explain) for m in self.reply.alternatives]
        data["reply_kind"] = self.reply.kind
        data["reply"] = self.text
        data["actions"] = [{"data": a.data, "label": a.label} for a in self.actions]
        return data


@dataclass
class Dialogue:
    index: CatalogueIndex
    states: StateStore = field(default_factory=MemoryStateStore)
    record_unmet: UnmetRecorder | None = None
    record_report: ReportRecorder | None = None
    radius_km: float = 50.0

    def answer(self, conversation: str, text: str, now: datetime) -> Answer:
        u = understand(text)
        return self._or_without_store(u, u.language,
                                      lambda: self._answer_text(conversation, text, u, now))

    def without_store(self, u: Understanding | None, lang: str) -> Answer:
        """What can be said when the conversation's state cannot be read or kept: a crisis is
        answered in full from understanding alone; anything else (and nothing written, as
        with a button, ``u`` None) gets "try again soon"."""
        if u is None:
            u = Understanding(intent="out_of_scope")
        if u.crisis:
            return self._answer(u, self._crisis(u, lang))
        return self._answer(u, Reply("database_down", lang))

    def _or_without_store(self, u: Understanding, lang: str, turn: Callable[[], Answer]
                          ) -> Answer:
        try:
            return turn()
        except DATABASE_ERRORS as exc:
            # The type only: the error's message may quote what was being written.
            log.warning("answered without the database: %s", type(exc).__name__)
            return self.without_store(u, lang)

    @staticmethod
    def _crisis(u: Understanding, lang: str) -> Reply:
        kind = u.crisis_kind or "unclear"
        return Reply("crisis", lang, crisis_kind=kind, lines=tuple(lines_for(f"crisis:{kind}")))

    def _answer_text(self, conversation: str, text: str, u: Understanding, now: datetime
                     ) -> Answer:
        state = self.states.load(conversation, now)
        action = followups().get(fold(text))
        lang = u.language if len(fold(text).split()) > 1 or state.updated is None \
            else state.language
        if u.crisis:
            # Crisis first and alone; keep the context so help can follow when they are ready.
            self.states.save(conversation, state.touch(now, language=lang))
            return self._answer(u, self._crisis(u, lang))
        if action == "delete":
            self.states.delete(conversation)
            return self._answer(u, Reply("deleted", lang))
        if action == "more":
            return self._more(conversation, u, state, lang, now)
        reply, state = self._respond(u, state, lang, now)
        if reply.kind == "deleted":
            self.states.delete(conversation)
        else:
            self.states.save(conversation, state.touch(now, language=lang))
        return self._answer(u, reply)

    # ------------------------------------------------------------------ the turn
    def _respond(self, u: Understanding, state: ConversationState, lang: str, now: datetime
                 ) -> tuple[Reply, ConversationState]:
        intent = u.intent
        continuing = state.pending is not None and (u.needs or u.place) and intent in (
            "find_offer", "out_of_scope", "greeting", "thanks")
        if intent == "find_offer" or continuing:
            needs = u.needs or state.needs
            place = u.place or state.place
            return self._offers(needs, place, u, state, lang, now)
        if intent == "nav_question":
            matches = self._search(("nav_help",), u.place or state.place, now, text="",
                                   limit=PAGE * 2)
            no_nav = tuple(m for m in matches if m.offer.label("no_nav") is not False)[:PAGE]
            place = u.place or state.place
            shown = state.touch(now, needs=("nav_help",), place=place, pending=None,
                                shown=tuple(m.offer.id for m in no_nav)) if no_nav else state
            return Reply("nav", lang, lines=tuple(lines_for("nav")), matches=no_nav,
                         place=place), shown
        if intent == "human":
            return Reply("human", lang, lines=tuple(lines_for("human"))), state
        if intent == "volunteer":
            return Reply("volunteer", lang), state
        return Reply(intent, lang), state

    def _offers(self, needs: tuple[str, ...], place: Place | None, u: Understanding,
                state: ConversationState, lang: str, now: datetime
                ) -> tuple[Reply, ConversationState]:
        if needs and place is None:
            return Reply("ask_place", lang, need=needs[0]), \
                state.touch(now, needs=needs, place=None, pending="place", shown=())
        if place is not None and not needs:
            return Reply("ask_need", lang, place=place), \
                state.touch(now, needs=(), place=place, pending="need", shown=())
        if not needs:
            return Reply("ask_need", lang), state.touch(now, pending="need", shown=())
        assert place is not None
        found = self._search(needs, place, now, text=" ".join(u.organisations), limit=PAGE + 1)
        if not found:
            if self.record_unmet is not None:
                try:
                    self.record_unmet(needs[0], place.kommunenummer, now)
                except DATABASE_ERRORS as exc:
                    # A count for planners; the answer matters more (a channel with its state
                    # in memory, ``losen ask``, still answers on a read-only database).
                    log.warning("unmet need not counted: %s", type(exc).__name__)
            wider = self._search(needs, place, now, text="", radius=ALTERNATIVE_RADIUS_KM,
                                 limit=PAGE)
            return Reply("nothing", lang, need=needs[0], place=place,
                         alternatives=tuple(wider[:PAGE])), \
                state.touch(now, needs=needs, place=place, pending=None, shown=())
        page = tuple(found[:PAGE])
        return Reply("offers", lang, need=needs[0], place=place, matches=page,
                     more_available=len(found) > PAGE), \
            state.touch(now, needs=needs, place=place, pending=None,
                        shown=tuple(m.offer.id for m in page))

    def _more(self, conversation: str, u: Understanding, state: ConversationState, lang: str,
              now: datetime) -> Answer:
        if not state.needs or state.place is None:
            return self._answer(u, Reply("ask_need", lang))
        found = [m for m in self._search(state.needs, state.place, now, text="",
                                         limit=len(state.shown) + PAGE + 1)
                 if m.offer.id not in state.shown]
        page = tuple(found[:PAGE])
        self.states.save(conversation, state.touch(
            now, language=lang, shown=state.shown + tuple(m.offer.id for m in page)))
        kind = "offers" if page else "no_more"
        return self._answer(u, Reply(kind, lang, need=state.needs[0], place=state.place,
                                     matches=page, more_available=len(found) > PAGE,
                                     continued=True, first_index=len(state.shown)))

    def _search(self, needs: tuple[str, ...], place: Place | None, now: datetime, text: str,
                radius: float | None = None, limit: int | None = None) -> list[Match]:
        query = Query(needs=needs, kommunenummer=place.kommunenummer if place else None,
                      bydel_id=place.bydel_id if place else None, text=text,
                      radius_km=radius or self.radius_km)
        return match(self.index, query, now, limit)

    def _answer(self, u: Understanding, reply: Reply) -> Answer:
        return Answer(u, reply, render_text(reply), actions_for(reply))

    # ------------------------------------------------------------------ buttons, places
    def act(self, conversation: str, data: str, now: datetime) -> Answer:
        """A button was chosen. ``data`` comes from the person's device: it is checked
        against this conversation's state and never trusted to name anything else."""
        u = Understanding(intent="find_offer")
        return self._or_without_store(u, u.language,
                                      lambda: self._act(conversation, data, u, now))

    def _act(self, conversation: str, data: str, u: Understanding, now: datetime) -> Answer:
        state = self.states.load(conversation, now)
        lang = state.language
        verb, _, arg = data.partition(":")
        arg, _, what = arg.partition(":")
        if verb == "del":
            self.states.delete(conversation)
            return self._answer(u, Reply("deleted", lang))
        if verb == "more" and state.needs and state.place is not None:
            return self._more(conversation, u, state, lang, now)
        if verb == "need" and arg in needs().terms:
            reply, state = self._offers((arg,), state.place, u, state, lang, now)
            self.states.save(conversation, state.touch(now))
            return self._answer(u, reply)
        # Only the numbers our buttons carry: "²" and "١" are digits too, and a number of
        # thousands of digits is too long for int().
        number = int(arg) if arg.isascii() and arg.isdigit() and len(arg) <= 6 else None
        if verb in ("call", "wrong") and number is not None and number < len(state.shown):
            offer = self.index.offer(state.shown[number])
            if offer is not None and verb == "call" and not what:
                return self._answer(u, Reply("call", lang, offer=offer))
            if offer is not None and verb == "wrong" and not what:
                return self._answer(u, Reply("report_what", lang, offer=offer,
                                             first_index=number))
            if offer is not None and verb == "wrong" and what in REPORT_KINDS:
                if self.record_report is not None:
                    self.record_report(offer.id, what, now)
                return self._answer(u, Reply("reported", lang))
        return self._answer(u, Reply("expired", lang))

    def locate(self, conversation: str, lat: float, lon: float, now: datetime) -> Answer:
        """A shared location: the nearest kommune (and bydel) stands in for a written place."""
        u = Understanding(intent="find_offer", place=place_at(lat, lon))
        return self._or_without_store(u, u.language, lambda: self._locate(conversation, u, now))

    def _locate(self, conversation: str, u: Understanding, now: datetime) -> Answer:
        state = self.states.load(conversation, now)
        place = u.place
        if place is None:
            return self._answer(u, Reply("outside", state.language))
        reply, state = self._offers(state.needs, place, u, state, state.language, now)
        self.states.save(conversation, state.touch(now))
        return self._answer(u, reply)

    def set_place(self, conversation: str, text: str, now: datetime) -> Answer:
        """``/sted Bergen`` sets the place; ``/sted`` alone forgets it."""
        u = understand(text) if text.strip() else Understanding(intent="find_offer")
        if u.crisis:
            return self.answer(conversation, text, now)
        return self._or_without_store(u, u.language,
                                      lambda: self._set_place(conversation, text, u, now))

    def _set_place(self, conversation: str, text: str, u: Understanding, now: datetime
                   ) -> Answer:
        state = self.states.load(conversation, now)
        lang = u.language if text.strip() else state.language
        if u.place is None:
            self.states.save(conversation, state.touch(now, place=None, pending="place",
                                                       shown=(), language=lang))
            return self._answer(u, Reply("place_forgotten", lang))
        reply, state = self._offers(state.needs, u.place, u, state, lang, now)
        self.states.save(conversation, state.touch(now, language=lang))
        return self._answer(u, reply)

