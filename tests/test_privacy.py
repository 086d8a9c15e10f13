"""Privacy as a test: what people write is never stored or logged, by any path.

Every message below carries a unique sentinel word. It goes through every way text reaches
Losen (a request, a crisis, an edited message, a place command, a /start payload, a forged
button, a file's name, the terminal chat, `losen ask`, and a request while the database is
gone), and then the whole database (every table, every column), every log line and every file
the processes wrote are searched for it: zero occurrences. Logs carry no chat or user ids.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botapi import FakeBotApi
from losen.bot.telegram_cli import keep_user_text_out_of_logs
from losen.catalogue.db import open_database
from sqlalchemy import MetaData, select
from telegram_harness import Instance, exactly, polling, replies
from test_telegram_run import _env, losen_run

LIBRARIES = ("telegram", "httpx", "httpcore", "apscheduler")
CHAT = 918273645
"""A chat (and user) id that appears nowhere else, so a logged id would be found."""
WORDS = ["Zorblaxqu", "Vintrixel", "Quomberfad", "Plinxaroth", "Skrutvelde", "Drimbolique",
         "Fnargelsen", "Yxtrombel", "Wobblequist", "Kelptomund"]


def sentinel(n: int) -> str:
    return WORDS[n]


def files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def occurrences(blobs: dict[Path, bytes], words: list[str]) -> list[str]:
    """Where a word occurs, in any case, as UTF-8 or UTF-16 (how SQLite may store text)."""
    found = []
    for path, data in blobs.items():
        low = data.lower()
        for word in words:
            forms = (word.lower().encode(), word.lower().encode("utf-16-le"))
            found += [f"{word} in {path.name}" for form in forms if form in low]
    return found


def test_the_search_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"xx" + WORDS[0].upper().encode() + b"xx")
    (tmp_path / "b").write_bytes(WORDS[1].encode("utf-16-le"))
    assert sorted(occurrences(files_under(tmp_path), WORDS)) == [f"{WORDS[1]} in b",
                                                                f"{WORDS[0]} in a"]


def database_dump(url: str) -> str:
    """Every row of every table, as text."""
    engine, sessions = open_database(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with sessions() as session:
            return "\n".join(repr(row) for table in meta.sorted_tables
                             for row in session.execute(select(table)))
    finally:
        engine.dispose()


async def test_nothing_anyone_writes_is_stored_or_logged_by_any_path(
        api: FakeBotApi, tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _env(api, database_url, LOSEN_LOG_LEVEL="DEBUG", HOME=str(home),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               LOSEN_CACHE_DIR=str(home / "cache" / "losen"))
    log = tmp_path / "run.log"
    with losen_run(env, log):
        api.push_text(CHAT, f"hei, jeg heter {sentinel(0)} og trenger mat på Tøyen")
        await replies(api, CHAT, 1, seconds=60)
        steps = [
            (f"jeg vil ikke leve lenger, {sentinel(1)}", "message"),
            (f"/sted {sentinel(2)}", "message"),
            (f"/start {sentinel(3)}", "message"),
            (f"{sentinel(4)} vis flere", "edited_message"),
            (f"need:{sentinel(5)}", "callback_query"),
            (f"{sentinel(6)} " * 800, "message"),  # a long message, split in the answer
        ]
        for n, (text, kind) in enumerate(steps, start=2):
            if kind == "message":
                api.push_text(CHAT, text)
            elif kind == "callback_query":
                api.push_update(CHAT, kind, data=text)
            else:
                api.push_update(CHAT, kind, text=text, message_id=1)
            await replies(api, CHAT, n, seconds=30)
        api.push_document(CHAT, f"{sentinel(7)}.pdf", b"%PDF", "application/pdf")
        await replies(api, CHAT, len(steps) + 2, seconds=30)
    chat = subprocess.run([sys.executable, "-m", "losen.bot.cli", "chat"], env=env, text=True,
                          input=f"trenger klær, {sentinel(8)}\nBergen\nha det\n",
                          capture_output=True, timeout=120)
    ask = subprocess.run([sys.executable, "-m", "losen.bot.cli", "ask", "--jsonl"], env=env,
                         text=True, input=f"leksehjelp {sentinel(9)} i Bodø\n",
                         capture_output=True, timeout=120)
    assert chat.returncode == 0 and ask.returncode == 0, chat.stderr + ask.stderr
    written = files_under(tmp_path)
    assert any(p.suffix.startswith(".sqlite") for p in written) or "postgresql" in database_url
    words = WORDS
    assert occurrences(written, words) == []  # database files, WAL, caches, the log
    logged = log.read_text() + chat.stderr + ask.stderr
    assert "DEBUG" in logged  # Losen's own log was on at its most talkative ...
    assert str(CHAT) not in logged  # ... and holds no chat or user id in plain form
    assert not [w for w in words if w.lower() in database_dump(database_url).lower()]
    # The answers were real: the bot did read and answer each of these.
    assert any("113" in t for t in api.texts_to(CHAT))


async def test_the_error_path_keeps_nothing_either(
        api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    instance = Instance.open(f"sqlite:///{folder / 'losen.sqlite3'}")
    caplog.set_level(logging.DEBUG)
    libraries = {name: logging.getLogger(name).level for name in LIBRARIES}
    keep_user_text_out_of_logs()  # as `losen run` does before it starts
    try:
        async with polling(instance.application(api)):
            api.push_text(CHAT, f"trenger mat {sentinel(0)}")
            await replies(api, CHAT, 1)
            instance.engine.dispose()
            kept = files_under(folder)
            shutil.rmtree(folder)
            api.push_text(CHAT, f"{sentinel(1)} på Tøyen")
            await exactly(api, CHAT, 2)
    finally:
        instance.engine.dispose()
        for name, level in libraries.items():
            logging.getLogger(name).setLevel(level)
    lines = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert not [w for w in WORDS if w.lower() in lines.lower()]
    assert str(CHAT) not in "\n".join(r.getMessage() for r in caplog.records
                                      if r.name.startswith("losen"))
    assert occurrences(kept, WORDS) == []
    assert any("OperationalError" in r.getMessage() for r in caplog.records)  # it did fail
