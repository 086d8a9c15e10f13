"""``losen admin``: invites that work once, revoking, members, and the audit log, run
in-process through the real command line on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from botapi import BOT_USER, FakeBotApi
from catalogue_fixture import offer
from losen.bot.cli import main
from losen.catalogue import audit, people
from losen.catalogue.db import open_database
from losen.catalogue.models import AuditEvent, Base, Invite
from losen.catalogue.store import organization_id, save_offers
from losen.locales import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

A, B = organization_id("Laget A"), organization_id("Laget B")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")
PAYLOAD = re.compile(r"inv_[A-Za-z0-9_-]+")
ENV = ("LOSEN_LANG", "LOSEN_TELEGRAM_TOKEN", "LOSEN_TELEGRAM_BOT_USERNAME",
       "LOSEN_TELEGRAM_API_URL", "LOSEN_DATABASE_URL")


@pytest.fixture
def sessions(database_url: str, monkeypatch: pytest.MonkeyPatch) -> sessionmaker[Session]:
    """Two organisations, Laget A with two offers and Laget B with one; Norwegian at the
    terminal and no Telegram settings."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    engine, sessions = open_database(database_url)
    with sessions.begin() as session:
        save_offers(session, [
            offer("a-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget A"),
            offer("a-lekser", "homework", "0301", "0653", "tirsdag 16:00-18:00",
                  organisation="Laget A"),
            offer("b-mat", "food", "0301", "0653", "mandag 12:00-15:00", organisation="Laget B"),
        ])
    engine.dispose()
    return sessions


def admin(database_url: str, capsys: pytest.CaptureFixture[str], *args: str
          ) -> tuple[int, str, str]:
    code = main(["--database", database_url, "admin", *args])
    out, err = capsys.readouterr()
    return code, out, err


def invite(database_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Make an invite on the command line; the payload it printed."""
    code, out, err = admin(database_url, capsys, "invite", *args)
    assert code == 0, err
    codes = set(PAYLOAD.findall(out))
    assert len(codes) == 1, out
    return codes.pop()


def redeem(sessions: sessionmaker[Session], token: str, account: str
           ) -> people.Redeemed | str:
    with sessions.begin() as session:
        return people.redeem_invite(session, token, account, "Kari", datetime.now(UTC))


def test_a_printed_invite_works_exactly_once(sessions: sessionmaker[Session], database_url: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = admin(database_url, capsys, "invite", "laget a", "--bot", "@losen_test_bot")
    assert code == 0
    link = re.search(r"https://t\.me/losen_test_bot\?start=(inv_[A-Za-z0-9_-]+)", out)
    assert link is not None, out
    token = link.group(1)
    assert gettext("nb", "Code: {code}", code=token) in out.splitlines()
    assert redeem(sessions, token, "telegram:1") == people.Redeemed(A, "editor")
    assert redeem(sessions, token, "telegram:2") == "used"
    with sessions() as session:
        assert people.roles_of(session, "telegram:1").orgs == {A: "editor"}
        assert not people.roles_of(session, "telegram:2").any


def test_the_database_holds_only_the_hash_of_the_printed_invite(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    token = invite(database_url, capsys, A)
    with sessions() as session:
        stored = session.scalars(select(Invite)).one()
        assert stored.token_hash == people.token_hash(token)
        secret = token.removeprefix(people.INVITE_PREFIX)
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                assert not any(secret in str(value) for value in row), table.name


def test_days_sets_when_the_invite_expires(sessions: sessionmaker[Session], database_url: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    invite(database_url, capsys, "Laget A")
    code, out, _ = admin(database_url, capsys, "invite", "Laget A", "--days", "2")
    assert code == 0
    with sessions() as session:
        default, short = session.scalars(select(Invite).order_by(Invite.id)).all()
    assert default.expires_at - default.created_at == timedelta(days=7)
    assert short.expires_at - short.created_at == timedelta(days=2)
    assert short.expires_at.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M") in out
    refused, _, err = admin(database_url, capsys, "invite", "Laget A", "--days", "0")
    assert refused == 2 and err
    with sessions() as session:
        assert len(session.scalars(select(Invite)).all()) == 2


def test_an_admin_invite_makes_an_admin_and_is_audited_without_its_secret(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    token = invite(database_url, capsys, "LAGET B", "--role", "admin")
    assert redeem(sessions, token, "telegram:7") == people.Redeemed(B, "admin")
    with sessions() as session:
        assert people.roles_of(session, "telegram:7").orgs == {B: "admin"}
        (event,) = audit.events(session)
    assert (event.actor, event.action, event.organization_id, event.field, event.old,
            event.new) == ("cli", "invite", B, "role", None, "admin")


def test_a_site_admin_invite_makes_a_site_admin(sessions: sessionmaker[Session],
                                                database_url: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    token = invite(database_url, capsys, "--site-admin")
    assert redeem(sessions, token, "telegram:9") == people.Redeemed(None, people.SITE_ADMIN)
    with sessions() as session:
        assert people.roles_of(session, "telegram:9").site_admin
        assert audit.events(session)[0].new == people.SITE_ADMIN
    code, out, _ = admin(database_url, capsys, "people", "--site-admins")
    assert code == 0 and re.search(r"^telegram:9\tKari\tsite_admin\t", out, re.MULTILINE)
    assert admin(database_url, capsys, "invite", "Laget A", "--site-admin")[0] == 2


def test_a_revoked_invite_no_longer_works(sessions: sessionmaker[Session], database_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    token = invite(database_url, capsys, "Laget A")
    code, _, _ = admin(database_url, capsys, "revoke", token)
    assert code == 0
    assert redeem(sessions, token, "telegram:1") == "revoked"
    again, out, err = admin(database_url, capsys, "revoke", token)
    assert again == 1 and not out and "inv_" not in err
    unknown, _, _ = admin(database_url, capsys, "revoke", "inv_nothing")
    assert unknown == 1
    with sessions() as session:
        actions = [(e.action, e.organization_id, e.old) for e in audit.events(session)]
    assert actions == [("invite", A, None), ("revoke", A, "editor")]


def test_a_used_invite_cannot_be_revoked_and_the_answer_says_how_to_remove_the_member(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    token = invite(database_url, capsys, "Laget A")
    redeem(sessions, token, "telegram:5")
    code, _, err = admin(database_url, capsys, "revoke", token)
    assert code == 1 and "losen admin revoke 'Laget A' telegram:5" in err
    with sessions() as session:
        assert people.roles_of(session, "telegram:5").orgs == {A: "editor"}


def test_removing_a_member_removes_their_roles(sessions: sessionmaker[Session],
                                               database_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    redeem(sessions, invite(database_url, capsys, "Laget A", "--role", "admin"), "telegram:12345")
    redeem(sessions, invite(database_url, capsys, "Laget B"), "telegram:12345")
    code, out, _ = admin(database_url, capsys, "people", "Laget A")
    assert code == 0 and re.search(r"^telegram:12345\tKari\tadmin\t\S+\tcli$", out, re.MULTILINE)
    code, _, _ = admin(database_url, capsys, "revoke", "Laget A", "12345")
    assert code == 0
    with sessions() as session:
        assert people.roles_of(session, "telegram:12345").orgs == {B: "editor"}
        last = audit.events(session)[-1]
    assert (last.actor, last.action, last.organization_id, last.old) == (
        "cli", "remove_member", A, "telegram:12345 (admin)")
    again, out, err = admin(database_url, capsys, "revoke", "Laget A", "telegram:12345")
    assert again == 1 and not out and "telegram:12345" in err
    assert admin(database_url, capsys, "revoke", "--site-admin", "12345")[0] == 1


def test_a_site_admin_can_be_removed(sessions: sessionmaker[Session], database_url: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    redeem(sessions, invite(database_url, capsys, "--site-admin"), "telegram:9")
    assert admin(database_url, capsys, "revoke", "--site-admin", "9")[0] == 0
    with sessions() as session:
        assert not people.roles_of(session, "telegram:9").any


def test_the_audit_log_shows_each_change_with_old_and_new(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    with sessions.begin() as session:
        audit.record(session, NOW, "telegram:1", "edit", organization_id=A, offer_id="a-mat",
                     field="phone", old="+4722000000", new="+4722999999")
        audit.record(session, NOW, "telegram:1", "edit", organization_id=A, offer_id="a-mat",
                     field="description", old="", new="Middag\n\x1b[2Jhver dag")
        audit.record(session, NOW, "telegram:2", "edit", organization_id=B, offer_id="b-mat",
                     field="phone", old="+4723000000", new="+4723999999")
    invite(database_url, capsys, "Laget A")
    code, out, _ = admin(database_url, capsys, "audit", "--org", "laget a")
    assert code == 0
    lines = out.splitlines()
    assert lines[1:3] == [
        "2026-11-24T13:00\ttelegram:1\tedit\torg-laget-a\ta-mat\tphone\t+4722000000 → +4722999999",
        '2026-11-24T13:00\ttelegram:1\tedit\torg-laget-a\ta-mat\tdescription\t"" → '
        "Middag\\n\\x1b[2Jhver dag"]
    assert re.fullmatch(r"\S+\tcli\tinvite\torg-laget-a\t-\trole\t- → editor", lines[3])
    assert len(lines) == 4 and "b-mat" not in out
    code, out, _ = admin(database_url, capsys, "audit", "--offer", "b-mat")
    assert code == 0 and out.splitlines()[1:] == [
        "2026-11-24T13:00\ttelegram:2\tedit\torg-laget-b\tb-mat\tphone\t+4723000000 → +4723999999"]
    code, out, _ = admin(database_url, capsys, "audit", "--limit", "1")
    events = [line for line in out.splitlines() if "\t" in line][1:]
    assert code == 0 and len(events) == 1 and "\tinvite\t" in events[0]


def test_the_organisations_are_listed_with_their_offers_and_members(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    redeem(sessions, invite(database_url, capsys, "Laget A"), "telegram:1")
    code, out, _ = admin(database_url, capsys, "orgs")
    assert code == 0
    assert out.splitlines()[1:] == [f"{A}\tLaget A\t2\t1", f"{B}\tLaget B\t1\t0"]


def test_without_a_username_telegram_is_asked_with_the_token(
        sessions: sessionmaker[Session], database_url: str, api: FakeBotApi,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("LOSEN_TELEGRAM_TOKEN", "4242:very-secret-token")
    monkeypatch.setenv("LOSEN_TELEGRAM_API_URL", api.base_url)
    caplog.set_level("DEBUG")
    code, out, err = admin(database_url, capsys, "invite", "Laget A")
    assert code == 0
    link = re.search(rf"https://t\.me/{BOT_USER['username']}\?start=(inv_[A-Za-z0-9_-]+)", out)
    assert link is not None, out
    assert redeem(sessions, link.group(1), "telegram:1") == people.Redeemed(A, "editor")
    assert len(api.calls_of("getMe")) == 1
    assert "very-secret-token" not in out + err + caplog.text


def test_when_telegram_cannot_be_asked_the_code_is_printed_with_what_to_do(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("LOSEN_TELEGRAM_TOKEN", "4242:very-secret-token")
    monkeypatch.setenv("LOSEN_TELEGRAM_API_URL", "http://127.0.0.1:9/bot")  # nobody listens
    caplog.set_level("DEBUG")
    code, out, err = admin(database_url, capsys, "invite", "Laget A")
    assert code == 0 and "t.me" not in out
    token = set(PAYLOAD.findall(out)).pop()
    assert f"/start {token}" in out and "LOSEN_TELEGRAM_BOT_USERNAME" in out and "getMe" in err
    assert "very-secret-token" not in out + err + caplog.text
    assert redeem(sessions, token, "telegram:1") == people.Redeemed(A, "editor")


def test_the_configured_username_needs_no_token(sessions: sessionmaker[Session],
                                                database_url: str,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOSEN_TELEGRAM_BOT_USERNAME", "@losen_test_bot")
    code, out, _ = admin(database_url, capsys, "invite", "Laget A")
    assert code == 0 and "https://t.me/losen_test_bot?start=inv_" in out
    refused, out, err = admin(database_url, capsys, "invite", "Laget A", "--bot", "t.me/x")
    assert refused == 2 and not out and "t.me/x" in err
    with sessions() as session:
        assert len(session.scalars(select(Invite)).all()) == 1


@pytest.mark.parametrize("args", [
    ("invite", "Laget Å"), ("people", "Laget Å"), ("revoke", "Laget Å", "123"),
    ("audit", "--org", "Laget Å")])
def test_an_unknown_organisation_is_named_and_changes_nothing(
        sessions: sessionmaker[Session], database_url: str,
        capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, out, err = admin(database_url, capsys, *args)
    assert code == 1 and not out
    assert err.strip() == gettext("nb", "There is no organisation called “{name}” (by name or "
                                        "id). See the organisations with: losen admin orgs",
                                  name="Laget Å")
    assert "Laget Å" in err and "losen admin orgs" in err and "Traceback" not in err
    with sessions() as session:
        assert not session.scalars(select(Invite)).all()
        assert not session.scalars(select(AuditEvent)).all()
