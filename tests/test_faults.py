"""Faults: the database away, full or read-only, through the real stack.

Real python-telegram-bot against the Bot API server on 127.0.0.1 and real databases. While the
database cannot be used, a crisis is still answered in full (understanding and the help lines
need no database), everything else hears "try again in a little while", nothing crashes, the
logs name the error's type and never what was written, and the service resumes by itself when
the database is back. ``losen catalogue import`` refuses with a clear message and leaves the
file whole and the catalogue as it was.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import select
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botapi import FakeBotApi
from conftest import DATA, POSTGRES_ENV, _postgres_url
from losen.bot.cli import main
from losen.bot.dialogue import Dialogue
from losen.bot.state import ConversationState, MemoryStateStore
from losen.bot.telegram import build_application
from losen.catalogue import people
from losen.catalogue.db import open_database
from losen.catalogue.store import revision
from losen.catalogue.transfer import export_text
from losen.locales import gettext
from sqlalchemy import Engine, event, make_url, text
from telegram_harness import Instance, buttons, exactly, polling, replies

CRISIS = "jeg vil ikke leve lenger"
FOOD = "trenger mat på Tøyen"
TRY_AGAIN = "Prøv igjen om litt"
"""The first sentence of every "try again soon" answer, already in the nb catalogue."""
SAFE = gettext("nb", "Are you safe right now?")
URGENT = gettext("nb", "If it is urgent, call 113.")
NOTHING_SAVED = gettext("nb", "Nothing was saved.")
FULL = gettext("nb", "The database is full: there is no room left on its disk. Nothing was "
                     "changed. Make room and try again.")
READ_ONLY = gettext("nb", "The database can only be read, not written. Nothing was changed. "
                          "Check that Losen may write to it (the file's permissions, or the "
                          "server's settings).")
AWAY = gettext("nb", "Cannot reach the database. Nothing was changed. Check that it is running "
                     "and that LOSEN_DATABASE_URL (or --database) is right, then try again.")


def is_crisis_answer(reply: str) -> bool:
    return "113" in reply and "116 123" in reply and SAFE in reply and TRY_AGAIN not in reply


def is_try_again(reply: str) -> bool:
    return TRY_AGAIN in reply and URGENT in reply and "oslo-toyen-mat" not in reply


def our_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("losen"))


def assert_no_text_and_no_traceback(caplog: pytest.LogCaptureFixture, *written: str) -> None:
    """Losen's log names what failed, never what was written; nothing logs a traceback (PTB
    logs one for an update no handler could cope with)."""
    ours = our_log(caplog).lower()
    for words in written:
        assert words.lower() not in ours
    assert not [r for r in caplog.records if r.exc_info], \
        [r.getMessage() for r in caplog.records if r.exc_info]


# ---------------------------------------------------------------------- a database that goes away
class TcpProxy:
    """A TCP forwarder on 127.0.0.1 to the database server. ``stop`` is the database becoming
    unreachable: the port is closed (new connections are refused) and every forwarded
    connection is cut, as when the server or the network goes. ``start`` again is it coming
    back, on the same port."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener, self._stopping = listener, threading.Event()
        self._spawn(self._accept, listener, self._stopping)

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
            threads, self._threads = self._threads, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(5)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):  # closed by stop()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if stopping.is_set():
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@dataclass
class Outage:
    """A database the test can take away (``down``) and give back (``up``)."""

    url: str
    down: Callable[[Instance | None], None]
    up: Callable[[], None]


def _sqlite_outage(tmp_path: Path, how: str) -> Outage:
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "losen.sqlite3"
    away = tmp_path / "away"

    def down(instance: Instance | None) -> None:
        if how == "folder":
            folder.rename(away)  # the volume is gone
        else:
            # Connections closed first: the last one folds the write-ahead log into the file,
            # so the file alone holds everything and can be set aside.
            if instance is not None:
                instance.engine.dispose()
            away.mkdir()
            path.rename(away / path.name)
            path.mkdir()  # the file is replaced by a directory: it cannot be opened
        # A pooled SQLite connection keeps the file it opened (an open file survives a rename
        # on POSIX), so the outage shows to the next connection: close the pool, as a restart
        # or a recycled connection would.
        if instance is not None:
            instance.engine.dispose()

    def up() -> None:
        if how == "folder":
            away.rename(folder)
        else:
            path.rmdir()
            (away / path.name).rename(path)

    return Outage(f"sqlite:///{path}", down, up)


@contextlib.contextmanager
def _proxied_postgres() -> Iterator[Outage]:
    """A fresh schema on the test server, reached through a :class:`TcpProxy`."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} to run this on PostgreSQL")
    schemas = _postgres_url(base)
    url = make_url(next(schemas))
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()

    def down(_instance: Instance | None) -> None:
        proxy.stop()

    try:
        yield Outage(url.set(host="127.0.0.1", port=proxy.port)
                     .render_as_string(hide_password=False), down, proxy.start)
    finally:
        proxy.stop()
        schemas.close()  # drops the schema


@pytest.fixture(params=["sqlite-folder-gone", "sqlite-file-is-a-directory", "postgresql"])
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    """SQLite whose folder (or file) disappears, or PostgreSQL behind a TCP proxy that stops."""
    if request.param == "postgresql":
        with _proxied_postgres() as found:
            yield found
    else:
        yield _sqlite_outage(tmp_path, request.param.split("-")[1])


async def test_while_the_database_is_away_crisis_is_answered_and_the_rest_try_again(
        api: FakeBotApi, outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    """As ``losen run`` builds it (catalogue from the database, the volunteers' desk): the
    database goes away mid-conversation and comes back, and the same chat goes on."""
    caplog.set_level(logging.INFO)
    instance = Instance.live(outage.url)
    try:
        async with polling(instance.application(api)):
            api.push_text(701, FOOD)
            assert "oslo-toyen-mat" in (await replies(api, 701, 1))[0]
            outage.down(instance)

            api.push_text(701, CRISIS)
            assert is_crisis_answer((await exactly(api, 701, 2))[1])
            api.push_text(701, FOOD)
            assert is_try_again((await exactly(api, 701, 3))[2])
            api.push_update(701, "callback_query", data="more")  # a button
            assert is_try_again((await exactly(api, 701, 4))[3])
            api.push_update(701, "message", location={"latitude": 59.91, "longitude": 10.77})
            assert is_try_again((await exactly(api, 701, 5))[4])
            api.push_text(701, "/slett")  # the safe exit cannot work now: not "done"
            assert is_try_again((await exactly(api, 701, 6))[5])
            api.push_text(702, "/sted jeg vil ikke leve lenger")  # crisis in a command too
            assert is_crisis_answer((await exactly(api, 702, 1))[0])

            outage.up()
            api.push_text(701, FOOD)
            back = (await exactly(api, 701, 7))[6]
            assert "oslo-toyen-mat" in back and TRY_AGAIN not in back
    finally:
        instance.engine.dispose()
    ours = our_log(caplog)
    assert "answered without the database: OperationalError" in ours
    assert "could not record a message id: OperationalError" in ours  # none lost silently
    assert "error while handling an update" not in ours  # handled where it happened
    assert_no_text_and_no_traceback(caplog, "ikke leve", "trenger mat", "Tøyen")


async def test_the_volunteers_desk_says_try_again_and_keeps_the_step(
        api: FakeBotApi, outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    """A volunteer in the middle of changing an opening time when the database goes away: the
    desk says nothing was saved, a crisis is still answered, and after it returns the step is
    where it was."""
    caplog.set_level(logging.INFO)
    instance = Instance.live(outage.url)
    with instance.sessions.begin() as session:
        payload = people.create_invite(session, "org-testlaget", "admin", "cli",
                                       datetime.now(UTC))
    try:
        async with polling(instance.application(api)):
            api.push_text(711, f"/start {payload}")
            await replies(api, 711, 1)
            api.push_text(711, "/mine")
            await replies(api, 711, 2)

            def tap(label: str) -> None:
                data = next(d for d, t in buttons(api, 711).items() if label in t)
                api.push_update(711, "callback_query", data=data)

            tap("oslo-toyen-mat")
            await replies(api, 711, 3)
            tap(gettext("nb", "Opening hours"))
            await replies(api, 711, 4)
            outage.down(instance)

            for n, (kind, what) in enumerate([
                    ("text", "/mine"), ("text", "mine tilbud"),
                    ("text", "tirsdag 10-14"),  # the step cannot be read: not saved
                    ("document", b"id,name\n")], start=5):
                if kind == "document":
                    api.push_document(711, "tilbud.csv", what)  # type: ignore[arg-type]
                else:
                    api.push_text(711, what)  # type: ignore[arg-type]
                reply = (await exactly(api, 711, n))[n - 1]
                assert TRY_AGAIN in reply, reply
            assert NOTHING_SAVED in api.texts_to(711)[4]
            api.push_text(711, CRISIS)
            assert is_crisis_answer((await exactly(api, 711, 9))[8])

            outage.up()
            api.push_text(711, "tirsdag 10-14")
            saved = (await exactly(api, 711, 10))[9]
            assert gettext("nb", "Saved.") in saved and "tirsdag 10:00-14:00" in saved
    finally:
        instance.engine.dispose()
    assert "error while handling an update" not in our_log(caplog)
    assert_no_text_and_no_traceback(caplog, "tirsdag", "ikke leve")


@pytest.mark.parametrize("how", ["sqlite", "postgresql"])
def test_import_with_the_database_away_says_so(how: str, tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        if how == "sqlite":
            found = _sqlite_outage(tmp_path, "folder")
            open_database(found.url)[0].dispose()
        else:
            found = stack.enter_context(_proxied_postgres())
            open_database(found.url)[0].dispose()
        found.down(None)
        done = losen("catalogue", "import", str(DATA / "small.csv"), db=found.url)
    assert done.returncode == 1
    assert AWAY in done.stderr and "Traceback" not in done.stderr + done.stdout


# ---------------------------------------------------------------------- the error handler
class BrokenStore(MemoryStateStore):
    """A state store that fails with something that is not a database error (a bug)."""

    def load(self, conversation: str, now: Any) -> ConversationState:
        raise RuntimeError("a bug")


async def test_the_error_handler_answers_a_crisis_before_apologising(
        api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    from catalogue_fixture import index

    application = build_application("123:TEST", Dialogue(index(), BrokenStore()),
                                    base_url=api.base_url, rate_limit=False)
    async with polling(application):
        api.push_text(721, CRISIS)
        assert is_crisis_answer((await exactly(api, 721, 1))[0])
        api.push_text(721, FOOD)
        apology = (await exactly(api, 721, 2))[1]
    assert apology == gettext("nb", "Something went wrong on my side. Please try again in a "
                                    "little while.")
    assert "error while handling an update: RuntimeError" in our_log(caplog)
    assert_no_text_and_no_traceback(caplog, "ikke leve", "trenger mat")


# ---------------------------------------------------------------------- disk full, read-only
def seeded(tmp_path: Path) -> tuple[Path, str]:
    """An SQLite file with the fixture's catalogue, every connection closed."""
    path = tmp_path / "losen.sqlite3"
    url = f"sqlite:///{path}"
    Instance.live(url).engine.dispose()
    return path, url


def catalogue_of(url: str) -> tuple[int, str]:
    """The catalogue as exported, with its revision: what must not change."""
    engine, sessions = open_database(url)
    try:
        with sessions() as session:
            rev = revision(session)
        return rev, export_text(sessions, "csv")
    finally:
        engine.dispose()


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def disk_full(dbapi_connection: Any, _record: Any) -> None:
    """The disk is full from this connection's point of view: the file may not grow by a
    single page (SQLite then fails with "database or disk is full", SQLITE_FULL)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")


def take_the_last_room(engine: Engine, table: str, row: Callable[[int], dict[str, Any]],
                       columns: str) -> None:
    """A full disk refuses every write; ``max_page_count`` refuses only writes that need a new
    page. So fill the table's page (after VACUUM it is one page, with no free pages in the
    file) until it has no room left, as on a full disk every write would find."""
    n = 0
    while True:
        try:
            with engine.begin() as connection:
                connection.execute(text(f"INSERT INTO {table} VALUES ({columns})"), row(n))
        except Exception as exc:
            assert "database or disk is full" in str(exc), exc
            return
        n += 1


async def test_a_full_disk_answers_crisis_and_try_again_and_keeps_the_file_whole(
        api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, url = seeded(tmp_path)
    before = catalogue_of(url)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("VACUUM")
    instance = Instance.live(url)
    instance.engine.dispose()
    event.listen(instance.engine, "connect", disk_full)
    take_the_last_room(
        instance.engine, "conversation_state (conversation, language, needs, shown, updated)",
        lambda n: {"c": f"~{n}", "l": "", "e": "[]", "s": "[]", "u": "2000-01-01 00:00:00"},
        ":c, :l, :e, :s, :u")
    take_the_last_room(instance.engine, "chat_message_id (chat_id, message_id, sent_at)",
                       lambda n: {"c": 0, "m": n, "u": "2000-01-01 00:00:00"}, ":c, :m, :u")
    caplog.set_level(logging.INFO)
    try:
        async with polling(instance.application(api)):
            api.push_text(731, CRISIS)
            assert is_crisis_answer((await exactly(api, 731, 1))[0])
            api.push_text(731, FOOD)
            assert is_try_again((await exactly(api, 731, 2))[1])
    finally:
        instance.engine.dispose()
    ours = our_log(caplog)
    assert "answered without the database: OperationalError" in ours
    # Recording the message ids failed too, and the answers came all the same.
    assert "could not record a message id: OperationalError" in ours
    assert_no_text_and_no_traceback(caplog, "ikke leve", "trenger mat")
    assert integrity(path) == "ok"
    assert catalogue_of(url) == before


def many_offers(tmp_path: Path, count: int = 300) -> Path:
    """A valid catalogue file of ``count`` new offers: far more than a full disk has room for."""
    rows = list(csv.DictReader(io.StringIO((DATA / "small.csv").read_text("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for n in range(count):
        writer.writerow({**rows[n % len(rows)], "id": f"t-fill-{n}"})
    file = tmp_path / "many.csv"
    file.write_text(out.getvalue(), encoding="utf-8")
    return file


def test_a_full_disk_refuses_the_import_clearly_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, url = seeded(tmp_path)
    before = catalogue_of(url)
    file = many_offers(tmp_path)
    monkeypatch.delenv("LOSEN_LANG", raising=False)
    capsys.readouterr()
    # ``losen catalogue import`` in this process, so that every engine it makes gets the event.
    event.listen(Engine, "connect", disk_full)
    try:
        code = main(["--database", url, "catalogue", "import", str(file)])
    finally:
        event.remove(Engine, "connect", disk_full)
    out = capsys.readouterr()
    assert code == 1
    assert FULL in out.err and "Traceback" not in out.err + out.out
    assert integrity(path) == "ok"
    assert catalogue_of(url) == before
    # Once there is room, the same file goes in.
    done = losen("catalogue", "import", str(file), db=url)
    assert done.returncode == 0, done.stderr


def read_only(path: Path) -> str:
    """The file opened read-only. Tests may run as root, for whom a file of mode 0444 is
    writable all the same (root passes every permission check), so the read-only file is
    made by SQLite itself: the URI parameter ``mode=ro`` opens it without write access, as
    a 0444 file or a read-only mount would for anyone else."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


async def test_a_read_only_database_answers_crisis_and_try_again(
        api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, url = seeded(tmp_path)
    before = catalogue_of(url)
    instance = Instance.open(read_only(path))
    caplog.set_level(logging.INFO)
    try:
        async with polling(instance.application(api)):
            api.push_text(741, CRISIS)
            assert is_crisis_answer((await exactly(api, 741, 1))[0])
            api.push_text(741, FOOD)
            assert is_try_again((await exactly(api, 741, 2))[1])
    finally:
        instance.engine.dispose()
    assert "answered without the database: OperationalError" in our_log(caplog)
    assert_no_text_and_no_traceback(caplog, "ikke leve", "trenger mat")
    assert integrity(path) == "ok"
    assert catalogue_of(url) == before


def test_a_read_only_database_refuses_the_import_clearly_and_changes_nothing(
        tmp_path: Path) -> None:
    path, url = seeded(tmp_path)
    before = catalogue_of(url)
    done = losen("catalogue", "import", str(many_offers(tmp_path)), db=read_only(path))
    assert done.returncode == 1
    assert READ_ONLY in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert integrity(path) == "ok"
    assert catalogue_of(url) == before


def test_losen_ask_keeps_its_state_in_memory_and_answers_from_a_read_only_database(
        tmp_path: Path) -> None:
    """Only the count of unmet needs is written, and failing to count does not stop the
    answer (the warning names the error's type)."""
    path, _url = seeded(tmp_path)
    nothing = losen("ask", "--json", "trenger leksehjelp i Vardø", db=read_only(path))
    assert nothing.returncode == 0, nothing.stderr
    assert json.loads(nothing.stdout)["reply_kind"] == "nothing"
    assert "unmet need not counted: OperationalError" in nothing.stderr
    assert "Vardø" not in nothing.stderr and "Traceback" not in nothing.stderr


def losen(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    """``losen`` as a real process, in bokmål."""
    env = {**os.environ, "LOSEN_DATABASE_URL": db}
    for name in ("LOSEN_TELEGRAM_TOKEN", "LOSEN_LANG"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "losen.bot.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)
