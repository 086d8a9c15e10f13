"""The volunteers' desk: keeping an organisation's offers current from the messenger.

Independent of any channel, like the dialogue: Telegram hands in an account
(``telegram:<user id>``), the person's language and what they did (opened an invite, wrote
``/mine``, pressed a button, typed an answer, sent a file); the desk answers with text and
buttons. Each call is one unit of work: roles are read, the change is made, the audit log is
written and the buttons are minted in one transaction, or nothing is.

Authorisation happens in ``losen.catalogue`` on every change (``people.require``); the desk
never decides by itself who may do what. Buttons carry a server-side token only
(``desk_buttons``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from losen.catalogue import audit, editing, people
from losen.catalogue.db import DATABASE_ERRORS
from losen.catalogue.errors import ImportRefused
from losen.catalogue.people import NotAllowed
from losen.locales import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from . import desk_buttons, desk_state, desk_upload, desk_views
from .actions import Action
from .desk_state import Step
from .desk_views import Reply

log = logging.getLogger("losen.desk")
NEW_STEPS = ("name", "needs", "address", "phone", "schedule")
"""The guided new offer asks for these, in this order; the rest can be edited afterwards."""
FREE_TEXT = ("name", "description")
"""Answers that describe an offer, where words like "selvmord" are expected, not a crisis."""


@dataclass
class Turn:
    """One call's unit of work: the session, who, in which language, and the buttons made."""

    session: Session
    account: str
    lang: str
    now: datetime
    changed: bool = False
    actions: list[Action] = field(default_factory=list)

    def button(self, label: str, action: str, row: int, offer_id: str | None = None,
               arg: str | None = None) -> None:
        data = desk_buttons.mint(self.session, self.account, action, self.now, offer_id, arg)
        self.actions.append(Action(data, label, row))

    def reply(self, text: str) -> Reply:
        return Reply(text, tuple(self.actions))

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass
class Desk:
    sessions: sessionmaker[Session]
    invite_link: Callable[[str], str] = lambda payload: f"/start {payload}"
    """Turns an invite payload into what to share (Telegram: a t.me deep link)."""
    on_change: Callable[[], object] | None = None
    """Called after a change to the catalogue, so this instance shows it at once."""

    # ------------------------------------------------------------------ entry points
    def join(self, account: str, name: str, payload: str, lang: str, now: datetime) -> Reply:
        """``/start inv_…``: the invite makes this account an editor or admin."""
        def work(t: Turn) -> Reply:
            result = people.redeem_invite(t.session, payload, account, name, now)
            if isinstance(result, str):
                return t.reply(desk_views.invite_problem(result, lang))
            audit.record(t.session, now, account, "join", organization_id=result.organization_id,
                         field="role", new=result.role)
            return desk_views.welcome(t, result.organization_id, result.role)
        return self._run(account, lang, now, work)

    def mine(self, account: str, lang: str, now: datetime) -> Reply:
        """``/mine``: the organisation's offers, or a kind refusal for everyone else."""
        def work(t: Turn) -> Reply:
            desk_state.clear(t.session, account)
            return desk_views.home(t)
        return self._run(account, lang, now, work)

    def cancel(self, account: str, lang: str, now: datetime) -> Reply:
        def work(t: Turn) -> Reply:
            had = desk_state.load(t.session, account, now) is not None
            desk_state.clear(t.session, account)
            return t.reply(_(lang, "Cancelled. Nothing was changed.") if had
                           else _(lang, "There was nothing to cancel."))
        return self._run(account, lang, now, work)

    def waiting(self, account: str, now: datetime) -> Step | None:
        """The step this account is in, if any: then its next text is an answer to the desk."""
        with self.sessions() as session:
            return desk_state.load(session, account, now)

    def text(self, account: str, text: str, lang: str, now: datetime) -> Reply:
        """A typed answer to the step the volunteer is in."""
        def work(t: Turn) -> Reply:
            step = desk_state.load(t.session, account, now)
            if step is None:
                return desk_views.home(t)
            return self._answer(t, step, text)
        return self._run(account, lang, now, work)

    def press(self, account: str, data: str, lang: str, now: datetime) -> Reply:
        """A button: looked up on the server, for this account only, then authorised again."""
        def work(t: Turn) -> Reply:
            pressed = desk_buttons.lookup(t.session, data, account, now)
            if pressed is None:
                return t.reply(_(lang, "That button no longer works. Write /mine to start "
                                       "again."))
            return self._do(t, pressed)
        return self._run(account, lang, now, work)

    def may_upload(self, account: str) -> bool | None:
        """Whether a file from this account is worth fetching: True for admins, who may send
        one; False for editors, who are told who can; None for everyone else."""
        with self.sessions() as session:
            roles = people.roles_of(session, account)
        if roles.site_admin or "admin" in roles.orgs.values():
            return True
        return False if roles.any else None

    def document(self, account: str, data: bytes, lang: str, now: datetime) -> Reply:
        """A spreadsheet sent as a file: checked whole, shown as changes, saved on "confirm"."""
        return self._run(account, lang, now, lambda t: desk_upload.preview(t, data))

    def purge(self, now: datetime) -> int:
        """Forget expired steps (with their drafts) and buttons; how many rows went."""
        with self.sessions.begin() as session:
            return desk_state.purge(session, now) + desk_buttons.purge(session, now)

    # ------------------------------------------------------------------ the work
    def _run(self, account: str, lang: str, now: datetime, work: Callable[[Turn], Reply]
             ) -> Reply:
        turn: Turn | None = None
        try:
            with self.sessions.begin() as session:
                turn = Turn(session, account, lang, now)
                reply = work(turn)
        except NotAllowed:
            return self._after_error(account, lang, now, desk_views.refusal)
        except ImportRefused as exc:
            problems = exc
            return self._after_error(account, lang, now,
                                     lambda t: desk_views.problems(t, problems))
        except IntegrityError as exc:
            # Two changes to one thing at the same moment: nothing was saved, and trying
            # again is the right thing to do.
            log.warning("desk change not saved: %s", type(exc).__name__)
            return Reply(_(lang, "Someone else changed this at the same moment, or the "
                                 "database is busy. Nothing was saved; please try again."))
        except DATABASE_ERRORS as exc:
            # The database away, full, read-only or locked too long: the transaction did not
            # commit, so nothing was saved.
            log.warning("desk change not saved: %s", type(exc).__name__)
            return self.unavailable(lang)
        if turn.changed and self.on_change is not None:
            try:
                self.on_change()
            except DATABASE_ERRORS as exc:  # saved; the refresh timer shows it a little later
                log.warning("catalogue not reloaded after a change: %s", type(exc).__name__)
        return reply

    @staticmethod
    def unavailable(lang: str) -> Reply:
        """The database cannot be used right now: nothing was saved, try again soon."""
        return Reply(" ".join((_(lang, "Something went wrong on my side. Please try again in "
                                       "a little while."),
                               _(lang, "Nothing was saved."))))

    def _after_error(self, account: str, lang: str, now: datetime,
                     view: Callable[[Turn], Reply]) -> Reply:
        """The change was rolled back whole; say why in a transaction of its own (its buttons
        must be kept even though the change was not)."""
        try:
            with self.sessions.begin() as session:
                return view(Turn(session, account, lang, now))
        except DATABASE_ERRORS as exc:
            log.warning("desk reply not made: %s", type(exc).__name__)
            return self.unavailable(lang)

    def _do(self, t: Turn, pressed: desk_buttons.Pressed) -> Reply:
        action, offer_id, arg = pressed.action, pressed.offer_id, pressed.arg
        s, account = t.session, t.account
        if action == "home":
            desk_state.clear(s, account)
            return desk_views.home(t)
        if action == "org" and arg:
            people.require(s, account, "view", arg)
            return desk_views.organisation(t, arg)
        if action == "cancel":
            desk_state.clear(s, account)
            return desk_views.home(t, _(t.lang, "Cancelled. Nothing was changed."))
        if action in ("new", "invite", "members", "remove"):
            return self._organisation_action(t, action, arg, offer_id)
        if action == "upload_ok" and arg and offer_id:  # offer_id holds the plan's digest
            t.changed = True
            return desk_upload.confirm_upload(t, arg, offer_id)
        if action == "need" and arg:
            return self._new_need(t, arg)
        if action == "save_new":
            return self._save_new(t, arg)
        if offer_id is None:
            raise NotAllowed(action)
        if action == "open":
            people.require(s, account, "view", editing.offer_in_session(s, offer_id)[1])
            desk_state.clear(s, account)
            return desk_views.offer_card(t, offer_id)
        if action == "confirm":
            offer = editing.confirm(s, account, offer_id, t.now)
            t.changed = True
            desk_state.clear(s, account)
            return desk_views.offer_card(t, offer_id, _(t.lang, "Thank you! “{name}” is "
                                                        "confirmed as of today.", name=offer.name),
                                         brief=True)
        if action == "resume":
            offer = editing.resume(s, account, offer_id, t.now)
            t.changed = True
            return desk_views.offer_card(t, offer_id, _(t.lang, "“{name}” is open again and "
                                                        "shown to people asking.", name=offer.name),
                                         brief=True)
        if action == "label" and arg:
            # The button names the value it sets, so tapping it twice changes nothing more.
            code, _sep, value = arg.partition("=")
            if code not in editing.CSV_LABELS or value not in ("ja", "nei"):
                raise NotAllowed(action)
            editing.set_field(s, account, offer_id, code, value, t.now)
            t.changed = True
            return desk_views.labels(t, offer_id)
        if action == "labels":
            people.require(s, account, "edit", editing.offer_in_session(s, offer_id)[1])
            return desk_views.labels(t, offer_id)
        if action in ("field", "pause"):
            people.require(s, account, "edit", editing.offer_in_session(s, offer_id)[1])
            if action == "field" and f"field:{arg}" not in desk_views.PROMPTS:
                raise NotAllowed(action)
            name = f"field:{arg}" if action == "field" else "pause"
            desk_state.save(s, account, Step(name, offer_id), t.now)
            return desk_views.prompt(t, name, offer_id)
        raise NotAllowed(action)

    def _organisation_action(self, t: Turn, action: str, org_id: str | None,
                             offer_id: str | None) -> Reply:
        s, account = t.session, t.account
        if org_id is None:
            raise NotAllowed(action)
        if action == "new":
            people.require(s, account, "add", org_id)
            desk_state.save(s, account, Step("new:name", None, {"org": org_id}), t.now)
            return desk_views.prompt(t, "new:name", None)
        if action == "invite":
            people.require(s, account, "invite", org_id)
            payload = people.create_invite(s, org_id, "editor", account, t.now)
            audit.record(s, t.now, account, "invite", organization_id=org_id, field="role",
                         new="editor")
            return desk_views.invite_made(t, org_id, self.invite_link(payload))
        if action == "members":
            people.require(s, account, "remove_member", org_id)
            return desk_views.members(t, org_id)
        if action == "remove" and offer_id:  # the button's offer_id holds the member's account
            return self._remove_member(t, org_id, offer_id)
        raise NotAllowed(action)

    def _remove_member(self, t: Turn, org_id: str, member: str) -> Reply:
        """An organisation admin removes one of its editors (admins only by a site admin)."""
        roles = people.require(t.session, t.account, "remove_member", org_id)
        target = people.roles_of(t.session, member).orgs.get(org_id)
        if target is None:
            return desk_views.members(t, org_id, _(t.lang, "They were already removed."))
        if target == "admin" and not roles.site_admin:
            raise NotAllowed("remove_member")
        people.remove_member(t.session, org_id, member)
        audit.record(t.session, t.now, t.account, "remove_member", organization_id=org_id,
                     field="member", old=f"{member} ({target})")
        return desk_views.members(t, org_id, _(t.lang, "Removed. They can no longer change "
                                               "the offers."))

    # ------------------------------------------------------------------ typed answers
    def _answer(self, t: Turn, step: Step, text: str) -> Reply:
        s, account = t.session, t.account
        if step.name.startswith("field:") and step.offer_id:
            column = step.name.removeprefix("field:")
            offer = editing.set_field(s, account, step.offer_id, column, text, t.now)
            t.changed = True
            desk_state.clear(s, account)
            return desk_views.offer_card(t, offer.id, _(t.lang, "Saved."),
                                         only=column if column in desk_views.SHOWN else None,
                                         brief=column not in desk_views.SHOWN)
        if step.name == "pause" and step.offer_id:
            reopens = desk_views.parse_day(text, t.today)
            if reopens is None:
                raise editing.refused("reopens", desk_views.DAY_HELP)
            offer = editing.pause(s, account, step.offer_id, reopens, t.now)
            t.changed = True
            desk_state.clear(s, account)
            return desk_views.offer_card(t, offer.id, _(t.lang, "Paused. People asking will "
                                                        "not see it until {day}.",
                                                        day=desk_views.day_text(reopens, t.lang)),
                                         brief=True)
        if step.name.startswith("new:"):
            return self._new_answer(t, step, text)
        desk_state.clear(s, account)
        return desk_views.home(t)

    def _new_answer(self, t: Turn, step: Step, text: str) -> Reply:
        what = step.name.removeprefix("new:")
        org_id = str(step.draft.get("org", ""))
        people.require(t.session, t.account, "add", org_id)
        draft = dict(step.draft)
        if what == "confirm":
            return desk_views.new_summary(t, draft)
        if what == "name":
            draft["name"] = editing.check("name", text, t.now)
        elif what == "address":
            street, code, _place = editing.parse_address(text)
            draft["postnummer"] = editing.check("postnummer", code, t.now)
            draft["address"] = street
        elif what in ("phone", "schedule"):
            draft[what] = "" if text.strip().casefold() in ("-", "ingen", "inga", "nei", "no") \
                else editing.check(what, text, t.now)
        else:  # needs are chosen with buttons
            return desk_views.prompt(t, step.name, None)
        return self._next_new_step(t, what, draft)

    def _new_need(self, t: Turn, need: str) -> Reply:
        step = desk_state.load(t.session, t.account, t.now)
        if step is None or step.name != "new:needs":
            return t.reply(_(t.lang, "That button no longer works. Write /mine to start again."))
        people.require(t.session, t.account, "add", str(step.draft.get("org", "")))
        return self._next_new_step(t, "needs", {**step.draft, "needs": need})

    def _next_new_step(self, t: Turn, done: str, draft: dict[str, object]) -> Reply:
        following = NEW_STEPS[NEW_STEPS.index(done) + 1:]
        if following:
            name = f"new:{following[0]}"
            desk_state.save(t.session, t.account, Step(name, None, draft), t.now)
            return desk_views.prompt(t, name, None)
        draft = {**draft, "nonce": secrets.token_urlsafe(8)}
        desk_state.save(t.session, t.account, Step("new:confirm", None, draft), t.now)
        return desk_views.new_summary(t, draft)

    def _save_new(self, t: Turn, nonce: str | None) -> Reply:
        """Only the summary the button was made under: a button of an earlier, abandoned
        summary must not save a later draft."""
        step = desk_state.load(t.session, t.account, t.now)
        if step is None or step.name != "new:confirm" or step.draft.get("nonce") != nonce:
            return t.reply(_(t.lang, "That button no longer works. Write /mine to start again."))
        fields = {k: str(v) for k, v in step.draft.items() if k not in ("org", "nonce")}
        offer = editing.add_offer(t.session, t.account, str(step.draft.get("org", "")), fields,
                                  t.now)
        t.changed = True
        desk_state.clear(t.session, t.account)
        return desk_views.offer_card(t, offer.id, _(t.lang, "Saved. “{name}” is now shown to "
                                                    "people asking.", name=offer.name))
