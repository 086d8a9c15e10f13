"""Invites, roles, validated edits and the append-only audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from catalogue_fixture import offer
from losen.catalogue import audit, editing, people
from losen.catalogue.db import open_database
from losen.catalogue.errors import ImportRefused
from losen.catalogue.models import AuditEvent, Invite
from losen.catalogue.people import NotAllowed
from losen.catalogue.store import load_offers_by_ids, revision, save_offers
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
A, B = "org-laget-a", "org-laget-b"


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    _, sessions = open_database(database_url)
    with sessions.begin() as session:
        save_offers(session, [
            offer("a-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget A"),
            offer("b-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget B"),
        ])
    return sessions


def join(sessions: sessionmaker[Session], org: str | None, role: str, account: str) -> None:
    with sessions.begin() as session:
        token = people.create_invite(session, org, role, "cli", NOW)
        assert isinstance(people.redeem_invite(session, token, account, "Kari", NOW),
                          people.Redeemed)


def test_an_invite_is_stored_only_as_a_hash_and_works_once(sessions: sessionmaker[Session]
                                                           ) -> None:
    with sessions.begin() as session:
        token = people.create_invite(session, A, "editor", "cli", NOW)
    assert token.startswith("inv_") and len(token) <= 64
    with sessions() as session:
        stored = session.scalars(select(Invite)).one()
        assert token not in (stored.token_hash, stored.created_by)
        assert stored.token_hash == people.token_hash(token)
    with sessions.begin() as session:
        first = people.redeem_invite(session, token, "telegram:1", "Kari", NOW)
    with sessions.begin() as session:
        second = people.redeem_invite(session, token, "telegram:2", "Ola", NOW)
    assert first == people.Redeemed(A, "editor") and second == "used"
    with sessions() as session:
        assert people.roles_of(session, "telegram:1").orgs == {A: "editor"}
        assert not people.roles_of(session, "telegram:2").any


@pytest.mark.parametrize("case", ["expired", "revoked", "unknown"])
def test_expired_revoked_and_made_up_invites_give_nothing(sessions: sessionmaker[Session],
                                                          case: str) -> None:
    with sessions.begin() as session:
        token = people.create_invite(session, A, "admin", "cli", NOW)
    when = NOW
    with sessions.begin() as session:
        if case == "expired":
            when = NOW + people.INVITE_TTL + timedelta(seconds=1)
        elif case == "revoked":
            assert people.revoke_invite(session, token, NOW)
        else:
            token = "inv_" + "x" * 32
        assert people.redeem_invite(session, token, "telegram:1", "Kari", when) == case
    with sessions() as session:
        assert not people.roles_of(session, "telegram:1").any


def test_the_authorisation_rule_by_role_and_organisation() -> None:
    editor = people.Roles("e", orgs={A: "editor"})
    admin = people.Roles("a", orgs={A: "admin"})
    site = people.Roles("s", site_admin=True)
    nobody = people.Roles("n")
    for action in ("view", "edit", "add"):
        assert people.allowed(editor, action, A) and not people.allowed(editor, action, B)
    for action in ("upload", "invite", "remove_member"):
        assert not people.allowed(editor, action, A)
        assert people.allowed(admin, action, A) and not people.allowed(admin, action, B)
    assert all(people.allowed(site, act, org) for act in people.ADMIN_ACTIONS for org in (A, B))
    assert not any(people.allowed(nobody, act, A) for act in people.ADMIN_ACTIONS)
    assert not people.allowed(editor, "delete_everything", A)


def test_an_edit_is_validated_saved_audited_and_counted(sessions: sessionmaker[Session]) -> None:
    join(sessions, A, "editor", "telegram:1")
    with sessions() as session:
        before = revision(session)
    with sessions.begin() as session:
        editing.set_field(session, "telegram:1", "a-mat", "phone", "915 55 555", NOW)
        editing.set_field(session, "telegram:1", "a-mat", "schedule", "tirsdag 10-14", NOW)
    with sessions() as session:
        changed = load_offers_by_ids(session, ["a-mat"])[0]
        assert changed.phone == "+4791555555"
        assert [(i.days, i.opens.hour if i.opens else None) for i in changed.schedule] == \
            [((1,), 10)]
        assert revision(session) == before + 2
        log = [(e.actor, e.action, e.field, e.old, e.new) for e in audit.events(session, A)]
    assert ("telegram:1", "edit", "phone", "22 99 99 01", "91 55 55 55") in log
    assert any(f == "schedule" and new == "tirsdag 10:00-14:00" for _, _, f, _, new in log)


@pytest.mark.parametrize(("field", "value"), [
    ("phone", "12"), ("schedule", "mandag 10-"), ("address", "Storgata 1, 9999"),
    ("address", "bare en gate"), ("website", "x" * 600), ("email", "ikke-epost"),
    ("free", "kanskje"), ("organisation", "Laget B"), ("kommunenummer", "4601"),
])
def test_bad_input_is_refused_and_nothing_is_half_saved(sessions: sessionmaker[Session],
                                                        field: str, value: str) -> None:
    join(sessions, A, "editor", "telegram:1")
    with sessions() as session:
        before = load_offers_by_ids(session, ["a-mat"])[0]
        events = len(audit.events(session))
    with pytest.raises((ImportRefused, NotAllowed)), sessions.begin() as session:
        editing.set_field(session, "telegram:1", "a-mat", field, value, NOW)
    with sessions() as session:
        assert load_offers_by_ids(session, ["a-mat"])[0] == before
        assert len(audit.events(session)) == events


def test_a_move_to_another_kommune_follows_the_postal_code(sessions: sessionmaker[Session]
                                                           ) -> None:
    join(sessions, A, "editor", "telegram:1")
    with sessions.begin() as session:
        moved = editing.set_field(session, "telegram:1", "a-mat", "address",
                                  "Kongens gate 2, 7011 Trondheim", NOW)
    assert (moved.address, moved.postnummer, moved.poststed, moved.kommunenummer) == \
        ("Kongens gate 2", "7011", "Trondheim", "5001")
    assert moved.latitude is None  # the old map point no longer marks the place


def test_editors_of_one_organisation_cannot_touch_another(sessions: sessionmaker[Session]) -> None:
    join(sessions, A, "admin", "telegram:1")
    for act in (lambda s: editing.set_field(s, "telegram:1", "b-mat", "phone", "91555555", NOW),
                lambda s: editing.confirm(s, "telegram:1", "b-mat", NOW),
                lambda s: editing.pause(s, "telegram:1", "b-mat", date(2026, 12, 1), NOW),
                lambda s: editing.resume(s, "telegram:1", "b-mat", NOW),
                lambda s: editing.add_offer(s, "telegram:1", B, {"name": "x"}, NOW),
                lambda s: editing.set_field(s, "telegram:1", "no-such", "phone", "1", NOW)):
        with pytest.raises(NotAllowed), sessions.begin() as session:
            act(session)
    with sessions() as session:
        assert audit.events(session) == []


def test_pause_hides_until_the_day_it_reopens_and_survives_a_reimport(
        sessions: sessionmaker[Session]) -> None:
    from losen.catalogue.transfer import import_offers

    join(sessions, A, "editor", "telegram:1")
    with sessions.begin() as session:
        paused = editing.pause(session, "telegram:1", "a-mat", date(2026, 12, 1), NOW)
    assert paused.paused(date(2026, 11, 30)) and not paused.paused(date(2026, 12, 1))
    with sessions() as session:
        stored = load_offers_by_ids(session, ["a-mat"])[0]
    import_offers(sessions, [stored.__class__(**{**_fields(stored), "reopens": None})])
    with sessions() as session:
        assert load_offers_by_ids(session, ["a-mat"])[0].reopens == date(2026, 12, 1)
    with pytest.raises(ImportRefused), sessions.begin() as session:
        editing.pause(session, "telegram:1", "a-mat", NOW.date(), NOW)
    with sessions.begin() as session:
        assert editing.resume(session, "telegram:1", "a-mat", NOW).reopens is None


def _fields(o: object) -> dict[str, object]:
    return {name: getattr(o, name) for name in o.__slots__}  # type: ignore[attr-defined]


def test_a_new_offer_gets_an_id_of_its_own_and_is_confirmed_today(
        sessions: sessionmaker[Session]) -> None:
    join(sessions, A, "editor", "telegram:1")
    fields = {"name": "Middag", "needs": "food|social", "address": "Storgata 1",
              "postnummer": "0182", "phone": "22 11 22 11", "schedule": "onsdag 17-19"}
    with sessions.begin() as session:
        first = editing.add_offer(session, "telegram:1", A, fields, NOW)
        second = editing.add_offer(session, "telegram:1", A, fields, NOW)
    assert first.id == "laget-a-middag" and second.id == "laget-a-middag-2"
    assert first.organisation == "Laget A" and first.kommunenummer == "0301"
    assert first.last_verified == NOW.date()


def test_the_audit_log_refuses_updates_and_deletes(sessions: sessionmaker[Session]) -> None:
    join(sessions, A, "editor", "telegram:1")
    with sessions.begin() as session:
        editing.confirm(session, "telegram:1", "a-mat", NOW)
    for statement in (update(AuditEvent).values(actor="someone else"), delete(AuditEvent)):
        with pytest.raises(DBAPIError), sessions.begin() as session:
            session.execute(statement)
    with sessions() as session:
        assert [e.actor for e in audit.events(session)] == ["telegram:1"]


def test_removing_a_member_takes_effect_at_once(sessions: sessionmaker[Session]) -> None:
    join(sessions, A, "editor", "telegram:1")
    with sessions.begin() as session:
        assert people.remove_member(session, A, "telegram:1") is not None
    with pytest.raises(NotAllowed), sessions.begin() as session:
        editing.confirm(session, "telegram:1", "a-mat", NOW)


def test_two_edits_of_one_offer_at_once_take_turns_and_both_land(
        sessions: sessionmaker[Session]) -> None:
    import threading
    import time

    join(sessions, A, "editor", "telegram:1")
    join(sessions, A, "editor", "telegram:2")
    started, errors = threading.Event(), []

    def first() -> None:
        with sessions.begin() as session:
            editing.set_field(session, "telegram:1", "a-mat", "phone", "915 55 555", NOW)
            started.set()
            time.sleep(0.5)  # hold the offer while the second edit arrives

    def second() -> None:
        started.wait(5)
        try:
            with sessions.begin() as session:
                editing.set_field(session, "telegram:2", "a-mat", "schedule", "tirsdag 10-14",
                                  NOW)
        except Exception as exc:  # what would reach the volunteer
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    with sessions() as session:
        final = load_offers_by_ids(session, ["a-mat"])[0]
    assert final.phone == "+4791555555" and final.schedule[0].days == (1,)


@pytest.mark.parametrize(("column", "value"), [
    ("name", "x" * 301), ("description", "x" * 4001), ("address", "Gate 1\x00"),
    ("name", "Suppe\x1b[31m"),
])
def test_overlong_values_and_control_characters_are_refused_by_the_importer(
        column: str, value: str) -> None:
    from losen.catalogue.csvio import HEADER, validate_rows
    from losen.catalogue.places import register

    row = dict.fromkeys(HEADER, "")
    row.update(id="x", organisation="Laget A", name="Suppe", needs="food", scope="national")
    row[column] = value
    with pytest.raises(ImportRefused) as refused:
        validate_rows([(2, row)], NOW.date(), register())
    assert [p.column for p in refused.value.problems] == [column]
