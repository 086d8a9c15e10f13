"""``losen run`` as a real process: polling, webhook, and settings that cannot work."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from botapi import FakeBotApi, _free_port
from losen.bot.webhook import SECRET_HEADER
from losen.catalogue.db import open_database
from losen.catalogue.models import ConversationStateRow
from sqlalchemy import select
from telegram_harness import SECRET, TOKEN, replies


def _env(api: FakeBotApi, db: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOSEN_")}
    return {**env, "LOSEN_DATABASE_URL": db, "LOSEN_TELEGRAM_TOKEN": TOKEN,
            "LOSEN_TELEGRAM_API_URL": api.base_url, **settings}


@contextmanager
def losen_run(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[str]]:
    """``losen run`` in its own process; what it writes goes to ``log`` (a file, so that a
    chatty DEBUG log can never fill a pipe and stall it)."""
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "losen.bot.cli", "run"], env=env,
                                   stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()


def _state(db: str, conversation: str) -> ConversationStateRow | None:
    engine, sessions = open_database(db)
    try:
        with sessions() as session:
            return session.scalar(select(ConversationStateRow).where(
                ConversationStateRow.conversation == conversation))
    finally:
        engine.dispose()


async def test_losen_run_polls_and_keeps_state_in_the_database(api: FakeBotApi,
                                                               tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    log = tmp_path / "run.log"
    with losen_run(_env(api, db, LOSEN_LOG_LEVEL="DEBUG"), log) as process:
        api.push_text(81, "trenger mat, hilsen Kvitrefjell")
        assert "Hvor bor du" in (await replies(api, 81, 1, seconds=60))[0]
        row = _state(db, "telegram:81")
        assert row is not None and json.loads(row.needs) == ["food"] and row.pending == "place"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0, log.read_text()
    written = log.read_text()
    assert "DEBUG" in written  # the DEBUG log is there ...
    assert "Kvitrefjell" not in written and TOKEN not in written  # ... without text or token
    assert any(m == "getUpdates" and "message" in json.loads(p.get("allowed_updates", "[]"))
               for m, p in api.calls)


async def test_losen_run_serves_the_webhook(api: FakeBotApi, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/{port}"
    env = _env(api, db, LOSEN_WEBHOOK_URL=url, LOSEN_WEBHOOK_SECRET=SECRET,
               LOSEN_WEBHOOK_LISTEN=f"127.0.0.1:{port}")
    log = tmp_path / "run.log"
    with losen_run(env, log) as process:
        async with httpx.AsyncClient(timeout=5) as client:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "losen run did not start serving"
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            assert [p["secret_token"] for m, p in api.calls if m == "setWebhook"] == [SECRET]
            refused = await client.post(url, json=api.text_update(82, "trenger mat"))
            assert refused.status_code == 403
            posted = await client.post(url, json=api.text_update(83, "trenger mat"),
                                       headers={SECRET_HEADER: SECRET})
            assert posted.status_code == 200
            assert "Hvor bor du" in (await replies(api, 83, 1, seconds=30))[0]
            # Stopped right after accepting an update: it is still answered before exit.
            posted = await client.post(url, json=api.text_update(84, "hei"),
                                       headers={SECRET_HEADER: SECRET})
            process.send_signal(signal.SIGTERM)
            assert posted.status_code == 200
        assert process.wait(timeout=20) == 0, log.read_text()
    assert len(api.texts_to(84)) == 1
    assert api.texts_to(82) == []
    assert _state(db, "telegram:82") is None and _state(db, "telegram:83") is not None
    assert not any(m == "getUpdates" for m, _ in api.calls)


def test_losen_run_refuses_a_webhook_without_a_secret(api: FakeBotApi, tmp_path: Path) -> None:
    env = _env(api, f"sqlite:///{tmp_path / 'run.sqlite3'}",
               LOSEN_WEBHOOK_URL="https://bot.example.no/hook")
    done = subprocess.run([sys.executable, "-m", "losen.bot.cli", "run"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "LOSEN_WEBHOOK_SECRET" in done.stderr and "Traceback" not in done.stderr
    assert api.calls == []
