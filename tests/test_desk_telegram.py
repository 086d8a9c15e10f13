"""Volunteers on Telegram, end to end: real python-telegram-bot against the Bot API server on
127.0.0.1, the catalogue in a real database (SQLite and PostgreSQL), read back as people asking
for help would see it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from botapi import FakeBotApi
from losen.catalogue import audit, people
from losen.catalogue.csvio import write_csv
from losen.catalogue.reports import CAUTION_AFTER
from losen.catalogue.store import load_offers, load_offers_by_ids
from losen.locales import gettext
from telegram.ext import Application
from telegram_harness import Instance, buttons, polling, replies

ORG = "org-testlaget"
NOW = datetime.now(UTC)


def nb(msgid: str, **params: str) -> str:
    return gettext("nb", msgid, **params)


@pytest.fixture
def instance(database_url: str) -> Instance:
    return Instance.live(database_url)


@pytest.fixture
async def bot(api: FakeBotApi, instance: Instance) -> AsyncIterator[Application]:
    async with polling(instance.application(api)) as application:
        yield application


def invite(instance: Instance, role: str = "editor") -> str:
    with instance.sessions.begin() as session:
        return people.create_invite(session, ORG, role, "cli", NOW)


async def press(api: FakeBotApi, chat: int, label: str, count: int) -> list[str]:
    """Tap the button whose label contains ``label`` under the last message; the texts once
    there are ``count``."""
    under = buttons(api, chat)
    data = next(d for d, text in under.items() if label in text)
    api.push_update(chat, "callback_query", data=data)
    return await replies(api, chat, count)


async def test_from_an_invite_link_to_a_changed_opening_time(
        api: FakeBotApi, bot: Application, instance: Instance,
        capsys: pytest.CaptureFixture[str]) -> None:
    payload = invite(instance)
    started = time.monotonic()
    api.push_text(501, f"/start {payload}")
    texts = await replies(api, 501, 1)
    assert "Testlaget" in texts[0]
    assert all(d.startswith("v:") for d in buttons(api, 501))  # nothing to forge
    texts = await press(api, 501, "oslo-toyen-mat", 2)
    assert "mandag-fredag 12:00-15:00" in texts[1]
    texts = await press(api, 501, nb("Opening hours"), 3)
    api.push_text(501, "tirsdag 10-14")
    texts = await replies(api, 501, 4)
    elapsed = time.monotonic() - started
    assert nb("Saved.") in texts[3] and "tirsdag 10:00-14:00" in texts[3]
    # People asking see it at once on this instance, and the change is in the audit log.
    changed = instance.dialogue.index.offer("oslo-toyen-mat")
    assert changed is not None and [i.days for i in changed.schedule] == [(1,)]
    with instance.sessions() as session:
        log = [(e.actor, e.action, e.field, e.new) for e in audit.events(session, ORG)]
    assert ("telegram:501", "edit", "schedule", "tirsdag 10:00-14:00") in log
    with capsys.disabled():
        print(f"\ninvite → changed opening time: 4 messages, {elapsed:.2f} s of bot time")


async def test_another_instance_sees_the_edit_after_its_refresh(
        api: FakeBotApi, bot: Application, instance: Instance, database_url: str) -> None:
    other = Instance.live(database_url)
    assert other.refresher is not None and not other.refresher.refresh()  # nothing new yet
    api.push_text(502, f"/start {invite(instance)}")
    await replies(api, 502, 1)
    await press(api, 502, "oslo-toyen-mat", 2)
    await press(api, 502, nb("Phone"), 3)
    api.push_text(502, "915 55 555")
    await replies(api, 502, 4)
    assert other.refresher.refresh()
    changed = other.dialogue.index.offer("oslo-toyen-mat")
    assert changed is not None and changed.phone == "+4791555555"
    jobs = [job.name for job in bot.job_queue.jobs()] if bot.job_queue else []
    assert "refresh-catalogue" in jobs


async def test_pause_hides_the_offer_from_people_asking(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    api.push_text(503, f"/start {invite(instance)}")
    await replies(api, 503, 1)
    await press(api, 503, "oslo-toyen-mat", 2)
    await press(api, 503, "⏸", 3)
    api.push_text(503, "31.12")  # not a year: the next 31 December
    texts = await replies(api, 503, 4)
    assert "31. desember" in texts[3]
    api.push_text(504, "matutdeling på Tøyen")
    answer = (await replies(api, 504, 1))[0]
    assert "oslo-toyen-mat" not in answer and "oslo-side-mat" in answer


async def test_a_guided_new_offer_is_saved_only_when_confirmed(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    api.push_text(505, f"/start {invite(instance)}")
    await replies(api, 505, 1)
    await press(api, 505, "➕", 2)
    for n, answer in enumerate(["Suppe på torsdager"], start=3):
        api.push_text(505, answer)
        await replies(api, 505, n)
    await press(api, 505, "Mat", 4)
    for n, answer in enumerate(["Storgata 1, 99", "Storgata 1, 0182 Oslo", "12",
                                "22 11 22 11", "torsdag 17-19"], start=5):
        api.push_text(505, answer)
        await replies(api, 505, n)
    texts = await replies(api, 505, 9)
    assert "Storgata 1, 0182" in texts[8]  # a bad address was refused, a good one taken
    assert "«12»" in texts[6] and "22 11 22 11" in texts[8]
    with instance.sessions() as session:
        assert not [o for o in load_offers(session) if o.name == "Suppe på torsdager"]
    texts = await press(api, 505, "✅", 10)
    with instance.sessions() as session:
        (new,) = [o for o in load_offers(session) if o.name == "Suppe på torsdager"]
    assert (new.kommunenummer, new.phone, new.needs) == ("0301", "+4722112211", ("food",))
    assert instance.dialogue.index.offer(new.id) is not None


async def test_not_right_becomes_a_task_and_a_caution_until_confirmed(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    for chat in range(510, 510 + CAUTION_AFTER):
        api.push_text(chat, "matutdeling på Tøyen")
        await replies(api, chat, 1)
        under = buttons(api, chat)
        first = next(d for d in under if d.startswith("wrong:"))
        api.push_update(chat, "callback_query", data=first)
        await replies(api, chat, 2)
        api.push_update(chat, "callback_query", data=f"{first}:phone")
        await replies(api, chat, 3)
    api.push_text(520, "matutdeling på Tøyen")
    shown = (await replies(api, 520, 1))[0]
    assert "⚠️" in shown  # several reports: people are told to call first
    reported = instance.dialogue.index.cautions
    (offer_id,) = reported
    name = instance.dialogue.index.offer(offer_id).name  # type: ignore[union-attr]
    api.push_text(521, f"/start {invite(instance)}")
    await replies(api, 521, 1)
    texts = await press(api, 521, name, 2)
    assert f"{nb('phone number')}: {CAUTION_AFTER}" in texts[1]
    await press(api, 521, "✅", 3)
    assert offer_id not in instance.dialogue.index.cautions
    with instance.sessions() as session:  # the people who reported left no trace in the log
        assert {e.actor for e in audit.events(session)} == {"telegram:521"}


async def test_an_admin_invites_and_removes_an_editor_from_the_bot(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    api.push_text(570, f"/start {invite(instance, 'admin')}")
    await replies(api, 570, 1)
    texts = await press(api, 570, nb("Invite an editor"), 2)
    link = next(word for word in texts[1].split() if word.startswith("https://t.me/"))
    assert link.startswith("https://t.me/losen_test_bot?start=inv_")
    api.push_text(571, "/start " + link.split("start=")[1])
    assert "Testlaget" in (await replies(api, 571, 1))[0]
    texts = await press(api, 570, nb("Back"), 3)
    texts = await press(api, 570, nb("Editors"), 4)
    assert "Test" in texts[3]
    await press(api, 570, nb("Remove {name}", name="Test"), 5)
    with instance.sessions() as session:
        assert not people.roles_of(session, "telegram:571").any
        assert people.roles_of(session, "telegram:570").orgs == {ORG: "admin"}
    api.push_text(571, "/mine")
    assert "invitasjon" in (await replies(api, 571, 2))[1]


async def test_people_without_an_invite_get_a_kind_refusal(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    api.push_text(530, "/mine")
    assert "invitasjon" in (await replies(api, 530, 1))[0]
    api.push_text(531, "/start inv_thisisnotarealinvite0000000000000")
    assert "kjenner ikke igjen" in (await replies(api, 531, 1))[0]
    payload = invite(instance)
    api.push_text(532, f"/start {payload}")
    await replies(api, 532, 1)
    api.push_text(533, f"/start {payload}")
    assert "allerede brukt" in (await replies(api, 533, 1))[0]


async def test_a_file_from_someone_asking_for_help_is_not_even_fetched(
        api: FakeBotApi, bot: Application) -> None:
    api.push_document(560, "brev.pdf", b"%PDF-1.4 ...", "application/pdf")
    assert "tekst" in (await replies(api, 560, 1))[0]
    assert not api.calls_of("getFile")


async def test_crisis_comes_first_in_the_middle_of_an_edit(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    api.push_text(540, f"/start {invite(instance)}")
    await replies(api, 540, 1)
    await press(api, 540, "oslo-toyen-mat", 2)
    await press(api, 540, nb("Phone"), 3)
    api.push_text(540, "jeg vil ikke leve lenger")
    texts = await replies(api, 540, 4)
    assert "113" in texts[3]
    with instance.sessions() as session:
        assert load_offers_by_ids(session, ["oslo-toyen-mat"])[0].phone == "+4722999901"


async def test_an_admin_uploads_the_spreadsheet_and_confirms_the_changes(
        api: FakeBotApi, bot: Application, instance: Instance) -> None:
    with instance.sessions() as session:
        offers = [o for o in load_offers(session) if o.organisation == "Testlaget"]
    kept = [o for o in offers if o.id != "bodo-mat"]
    text = write_csv(kept).replace("22 99 99 01", "22 99 99 02", 1)
    api.push_text(550, f"/start {invite(instance, 'editor')}")
    await replies(api, 550, 1)
    api.push_document(550, "tilbud.csv", text.encode())
    refusal = (await replies(api, 550, 2))[1]
    assert "administrator" in refusal  # an editor may not replace the whole list
    assert not api.calls_of("getFile")  # and the file was not even fetched
    api.push_text(551, f"/start {invite(instance, 'admin')}")
    await replies(api, 551, 1)
    api.push_document(551, "tilbud.csv", text.encode())
    plan = (await replies(api, 551, 2))[1]
    assert "bodo-mat" in plan and "phone" in plan
    with instance.sessions() as session:
        assert load_offers_by_ids(session, ["bodo-mat"])  # nothing written before "save"
    await press(api, 551, "✅", 3)
    with instance.sessions() as session:
        assert not load_offers_by_ids(session, ["bodo-mat"])
    assert instance.dialogue.index.offer("bodo-mat") is None
