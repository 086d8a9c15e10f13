"""The authorisation matrix of the volunteers' desk: role × organisation × action.

Every case presses a button the actor holds (minted for that actor's own account, as a button
they were once shown would be) and then checks the database: an action that is not allowed
changes nothing and writes nothing to the audit log. Buttons of another account, made-up
tokens and expired invites are cases too. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from catalogue_fixture import offer
from losen.bot import desk_buttons
from losen.bot.desk import Desk
from losen.catalogue import audit, editing, people
from losen.catalogue.db import open_database
from losen.catalogue.models import Member
from losen.catalogue.store import load_offers_by_ids, save_offers
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
A, B = "org-laget-a", "org-laget-b"
OFFER = {A: "a-mat", B: "b-mat"}
ACTORS = ("stranger", "editor_a", "admin_a", "site_admin", "removed_editor_a", "editor_b")
ROLES = {"editor_a": (A, "editor"), "admin_a": (A, "admin"), "site_admin": (None, "site_admin"),
         "removed_editor_a": (A, "editor"), "editor_b": (B, "editor")}
# action → (button action, arg, typed answer or None, needs an org admin)
ACTIONS = {
    "view offer": ("open", None, None),
    "confirm": ("confirm", None, None),
    "edit phone": ("field", "phone", "915 55 555"),
    "edit hours": ("field", "schedule", "tirsdag 10-14"),
    "edit address": ("field", "address", "Storgata 1, 0182 Oslo"),
    "toggle label": ("label", "drop_in=ja", None),
    "pause": ("pause", None, "1.1.2027"),
    "resume": ("resume", None, None),
    "new offer": ("new", "org", None),
    "invite editor": ("invite", "org", None),
    "list editors": ("members", "org", None),
    "remove editor": ("remove", "org", None),
}
WRITES = {"confirm", "edit phone", "edit hours", "edit address", "toggle label", "pause",
          "resume", "invite editor", "remove editor"}
EDITOR_ACTIONS = {"view offer", "confirm", "edit phone", "edit hours", "edit address",
                  "toggle label", "pause", "resume", "new offer"}


def expected(actor: str, org: str, action: str) -> bool:
    if actor == "site_admin":
        return True
    member = {"editor_a": A, "admin_a": A, "editor_b": B}.get(actor)
    if member != org:
        return False
    return action in EDITOR_ACTIONS or actor == "admin_a"


@pytest.fixture
def world(database_url: str) -> tuple[sessionmaker[Session], Desk]:
    _, sessions = open_database(database_url)
    with sessions.begin() as session:
        save_offers(session, [
            offer("a-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget A",
                  labels={"free": True, "drop_in": False}),
            offer("b-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget B",
                  labels={"free": True, "drop_in": False}),
        ])
        for org in (A, B):  # an editor to remove, in each organisation
            token = people.create_invite(session, org, "editor", "cli", NOW)
            people.redeem_invite(session, token, f"telegram:9{org[-1] == 'b':d}", "Ola", NOW)
        for actor, (org, role) in ROLES.items():
            token = people.create_invite(session, org, role, "cli", NOW)
            people.redeem_invite(session, token, account(actor), actor, NOW)
        people.remove_member(session, A, account("removed_editor_a"))
    return sessions, Desk(sessions)


def account(actor: str) -> str:
    return f"telegram:{ACTORS.index(actor) + 100}"


def snapshot(sessions: sessionmaker[Session]) -> tuple[object, ...]:
    with sessions() as session:
        return (tuple(load_offers_by_ids(session, ["a-mat", "b-mat"])),
                len(audit.events(session)),
                session.scalar(select(func.count()).select_from(Member)))


@pytest.mark.parametrize("actor", ACTORS)
def test_authorisation_matrix(world: tuple[sessionmaker[Session], Desk], actor: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """One actor's row of the matrix: every action on organisation A and B. The cases tried
    are printed (``pytest -s``); every mismatch is listed on failure."""
    sessions, desk = world
    tried, wrong = [], []
    for org in (A, B):
        for action in ACTIONS:
            allowed, changed = attempt(sessions, desk, actor, org, action)
            want = expected(actor, org, action)
            tried.append(f"{actor:17} {org[-1].upper()} {action:14} "
                         f"{'allowed' if want else 'refused':8} -> "
                         f"{'allowed' if allowed else 'refused'}{' (changed)' if changed else ''}")
            if allowed != want or (changed and not want) or (want and action in WRITES
                                                              and not changed):
                wrong.append(tried[-1])
    with capsys.disabled():
        print("\n" + "\n".join(tried))
    assert not wrong, "\n".join(wrong)


def attempt(sessions: sessionmaker[Session], desk: Desk, actor: str, org: str, action: str
            ) -> tuple[bool, bool]:
    """Press the actor's button for ``action`` (and type the answer it asks for): (was it
    allowed, did the database change)."""
    who = account(actor)
    verb, arg, typed = ACTIONS[action]
    offer_id: str | None = OFFER[org]
    if arg == "org":
        arg, offer_id = org, None
    if verb == "remove":
        offer_id = f"telegram:9{org == B:d}"  # that organisation's own editor
    if verb == "resume":
        with sessions.begin() as session:  # something to resume
            editing.pause(session, account("site_admin"), OFFER[org], NOW.date() + timedelta(7),
                          NOW)
    before = snapshot(sessions)
    with sessions.begin() as session:
        data = desk_buttons.mint(session, who, verb, NOW, offer_id=offer_id, arg=arg)
    reply = desk.press(who, data, "nb", NOW)
    allowed = not is_refusal(reply.text)
    if typed is not None:
        answer = desk.text(who, typed, "nb", NOW)
        assert "nothing was changed" not in answer.text.lower(), answer.text
    after = snapshot(sessions)
    if verb == "resume" and not allowed:
        with sessions.begin() as session:  # leave the offer as it was
            editing.resume(session, account("site_admin"), OFFER[org], NOW)
    return allowed, after != before


def is_refusal(text: str) -> bool:
    return "invitasjon" in text or "invite link" in text


def test_a_button_of_another_account_or_a_made_up_one_does_nothing(
        world: tuple[sessionmaker[Session], Desk]) -> None:
    sessions, desk = world
    with sessions.begin() as session:
        admins = desk_buttons.mint(session, account("admin_a"), "confirm", NOW, offer_id="a-mat")
    before = snapshot(sessions)
    for who, data in [(account("editor_b"), admins), (account("stranger"), admins),
                      (account("admin_a"), "v:" + "A" * 16), (account("admin_a"), "v:"),
                      (account("admin_a"), "confirm:a-mat"), (account("admin_a"), admins + "x")]:
        reply = desk.press(who, data, "nb", NOW)
        assert "no longer works" in reply.text or "virker ikke" in reply.text
    assert snapshot(sessions) == before
    # The owner's own button still works, until it is older than the buttons live.
    assert "confirm" not in desk.press(account("admin_a"), admins, "nb",
                                       NOW + desk_buttons.KEEP + timedelta(1)).text
    assert snapshot(sessions) == before


def test_an_expired_or_reused_invite_makes_no_one_an_editor(
        world: tuple[sessionmaker[Session], Desk]) -> None:
    sessions, desk = world
    with sessions.begin() as session:
        used = people.create_invite(session, A, "admin", "cli", NOW)
        old = people.create_invite(session, A, "admin", "cli", NOW - timedelta(days=8))
    desk.join("telegram:1", "Kari", used, "nb", NOW)
    for payload in (used, old, "inv_" + "z" * 32):
        desk.join("telegram:2", "Per", payload, "nb", NOW)
    with sessions() as session:
        assert people.roles_of(session, "telegram:1").orgs == {A: "admin"}
        assert not people.roles_of(session, "telegram:2").any


def test_a_label_button_sets_its_value_so_a_double_tap_changes_nothing_more(
        world: tuple[sessionmaker[Session], Desk]) -> None:
    sessions, desk = world
    who = account("editor_a")
    with sessions.begin() as session:
        yes = desk_buttons.mint(session, who, "label", NOW, offer_id="a-mat", arg="drop_in=ja")
        forged = desk_buttons.mint(session, who, "label", NOW, offer_id="a-mat",
                                   arg="organisation=Laget B")
    desk.press(who, yes, "nb", NOW)
    desk.press(who, yes, "nb", NOW)
    with sessions() as session:
        assert load_offers_by_ids(session, ["a-mat"])[0].label("drop_in") is True
    before = snapshot(sessions)
    assert is_refusal(desk.press(who, forged, "nb", NOW).text)
    assert snapshot(sessions) == before


def test_a_save_button_saves_only_what_it_was_shown_under(
        world: tuple[sessionmaker[Session], Desk]) -> None:
    from losen.catalogue.csvio import write_csv

    sessions, desk = world
    who = account("admin_a")
    with sessions() as session:
        mine = load_offers_by_ids(session, ["a-mat"])
    good = desk.document(who, write_csv(mine).replace("Laget A", "Laget A").encode()
                         .replace(b"12:00-15:00", b"12:00-16:00"), "nb", NOW)
    desk.document(who, b"", "nb", NOW)  # an empty file: would remove everything
    save = next(a.data for a in good.actions if "✅" in a.label)
    before = snapshot(sessions)
    reply = desk.press(who, save, "nb", NOW)
    assert "virker ikke" in reply.text or "no longer works" in reply.text
    assert snapshot(sessions) == before  # the earlier preview's button applied nothing


def test_the_guided_offer_survives_typing_at_its_summary_and_an_old_save_button(
        world: tuple[sessionmaker[Session], Desk]) -> None:
    sessions, desk = world
    who = account("editor_a")
    with sessions.begin() as session:
        start = desk_buttons.mint(session, who, "new", NOW, arg=A)

    def fill(name: str) -> str:
        desk.press(who, start, "nb", NOW)
        desk.text(who, name, "nb", NOW)
        with sessions.begin() as session:
            need = desk_buttons.mint(session, who, "need", NOW, arg="food")
        desk.press(who, need, "nb", NOW)
        for answer in ("Storgata 1, 0182 Oslo", "ingen", "onsdag 17-19"):
            desk.text(who, answer, "nb", NOW)
        summary = desk.text(who, "hva nå?", "nb", NOW)  # typed at the summary: shown again
        assert name in summary.text
        return next(a.data for a in summary.actions if "✅" in a.label)

    old = fill("Første utkast")
    new = fill("Andre utkast")
    assert "virker ikke" in desk.press(who, old, "nb", NOW).text
    desk.press(who, new, "nb", NOW)
    with sessions() as session:
        from losen.catalogue.store import load_offers

        names = {o.name for o in load_offers(session)}
    assert "Andre utkast" in names and "Første utkast" not in names
