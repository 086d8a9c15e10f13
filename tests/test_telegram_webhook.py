"""Webhook mode: the real Starlette app on uvicorn, posted to over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from botapi import FakeBotApi, _free_port
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.state import MemoryStateStore
from losen.bot.telegram import ALLOWED_UPDATES, build_application
from losen.bot.webhook import WebhookSettingError, webhook_settings
from losen.catalogue.db import make_engine, open_database
from losen.catalogue.models import ChatMessageId, ConversationStateRow
from sqlalchemy import select
from telegram_harness import SECRET, TOKEN, Instance, exactly, webhook


async def test_an_update_with_the_secret_is_answered(api: FakeBotApi, database_url: str) -> None:
    instance = Instance.open(database_url)
    try:
        async with webhook(instance.application(api, polling=False), instance.engine) as hook:
            set_webhook = [params for method, params in api.calls if method == "setWebhook"]
            assert len(set_webhook) == 1
            assert set_webhook[0]["url"] == hook.url
            assert set_webhook[0]["secret_token"] == SECRET
            assert json.loads(set_webhook[0]["allowed_updates"]) == ALLOWED_UPDATES

            assert (await hook.post(api.text_update(61, "trenger mat på Tøyen"))).status_code == 200
            assert "oslo-toyen-mat" in (await exactly(api, 61, 1))[0]
            health = await hook.get("/healthz")
            assert health.status_code == 200
    finally:
        instance.engine.dispose()


WRONG_SECRETS = [None, "", "wrong", SECRET + "x", SECRET[:-1], "æøå".encode(),
                 SECRET.encode() + b"\xff"]


async def test_a_request_without_the_secret_gets_403_and_changes_nothing(
        api: FakeBotApi, database_url: str) -> None:
    instance = Instance.open(database_url)
    try:
        async with webhook(instance.application(api, polling=False), instance.engine) as hook:
            for chat, secret in enumerate(WRONG_SECRETS, start=620):
                response = await hook.post(api.text_update(chat, "trenger mat"), secret=secret)
                assert response.status_code == 403, secret
            # The same server answers the right secret, so the 403s were no accident.
            assert (await hook.post(api.text_update(63, "hei"))).status_code == 200
            await exactly(api, 63, 1)
            for chat in range(620, 620 + len(WRONG_SECRETS)):
                await exactly(api, chat, 0, settle=0)
        with instance.sessions() as session:
            assert session.scalars(select(ConversationStateRow.conversation)).all() == [
                "telegram:63"]
            assert session.scalars(select(ChatMessageId.chat_id).distinct()).all() == [63]
    finally:
        instance.engine.dispose()


async def test_malformed_updates_get_400_without_a_traceback(
        api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    instance = Instance.open(f"sqlite:///{tmp_path / 'losen.sqlite3'}")
    caplog.set_level(logging.DEBUG)
    try:
        async with webhook(instance.application(api, polling=False), instance.engine) as hook:
            for body in (b"{not json", b"[]", b'{"update_id": "1"}', b"\xff\xfe", b""):
                response = await hook.post(body)
                assert response.status_code == 400, body
                assert "Traceback" not in response.text
            assert (await hook.post(api.text_update(64, "hei"))).status_code == 200
            await exactly(api, 64, 1)
    finally:
        instance.engine.dispose()
    assert not [r for r in caplog.records if r.exc_info]
    assert "refused a malformed update" in caplog.text


def _unreachable_sqlite(tmp_path: Path) -> str:
    folder = tmp_path / "gone"
    folder.mkdir()
    url = f"sqlite:///{folder / 'losen.sqlite3'}"
    open_database(url)[0].dispose()
    return url


@pytest.mark.parametrize("kind", ["sqlite-folder-removed", "postgresql-closed-port"])
async def test_healthz_is_503_when_the_database_does_not_answer(
        api: FakeBotApi, tmp_path: Path, kind: str) -> None:
    if kind == "sqlite-folder-removed":
        engine = make_engine(_unreachable_sqlite(tmp_path))
    else:
        engine = make_engine(f"postgresql://losen@127.0.0.1:{_free_port()}/losen")
    application = build_application(TOKEN, Dialogue(index(), MemoryStateStore()),
                                    base_url=api.base_url, rate_limit=False, polling=False)
    try:
        async with webhook(application, engine) as hook:
            if kind == "sqlite-folder-removed":
                assert (await hook.get("/healthz")).status_code == 200
                engine.dispose()  # drop pooled connections: the next check must reconnect
                shutil.rmtree(tmp_path / "gone")
            health = await hook.get("/healthz")
            assert health.status_code == 503 and "Traceback" not in health.text
    finally:
        engine.dispose()


def test_webhook_settings_come_from_the_environment() -> None:
    assert webhook_settings({}) is None
    settings = webhook_settings({"LOSEN_WEBHOOK_URL": "https://bot.example.no/tg/hook?x=1",
                                 "LOSEN_WEBHOOK_SECRET": "abc-DEF_123"})
    assert settings is not None
    assert (settings.path, settings.host, settings.port) == ("/tg/hook", "0.0.0.0", 8080)
    settings = webhook_settings({"LOSEN_WEBHOOK_URL": "https://bot.example.no",
                                 "LOSEN_WEBHOOK_SECRET": "s", "LOSEN_WEBHOOK_LISTEN": "[::1]:9000"})
    assert settings is not None and (settings.path, settings.host, settings.port) == ("/", "::1", 9000)
    for env, setting in (
        ({}, "LOSEN_WEBHOOK_SECRET"),
        ({"LOSEN_WEBHOOK_SECRET": "has space"}, "LOSEN_WEBHOOK_SECRET"),
        ({"LOSEN_WEBHOOK_SECRET": "x" * 257}, "LOSEN_WEBHOOK_SECRET"),
        ({"LOSEN_WEBHOOK_SECRET": "ok", "LOSEN_WEBHOOK_LISTEN": "8080"}, "LOSEN_WEBHOOK_LISTEN"),
        ({"LOSEN_WEBHOOK_SECRET": "ok", "LOSEN_WEBHOOK_LISTEN": "h:99999"}, "LOSEN_WEBHOOK_LISTEN"),
    ):
        with pytest.raises(WebhookSettingError) as refused:
            webhook_settings({"LOSEN_WEBHOOK_URL": "https://bot.example.no/hook", **env})
        assert refused.value.setting == setting
