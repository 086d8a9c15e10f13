"""Where the catalogue lives and how it gets there: engine, migrations, sessions.

``LOSEN_DATABASE_URL`` chooses the database; without it, an SQLite file in the user's data
directory, so that ``losen chat`` works on a laptop with nothing set up. Migrations are applied
on start so that an upgrade never needs a separate step.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("losen", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'losen.sqlite3'}"


def database_url(url: str | None = None) -> str:
    """The URL in use, with plain ``postgresql://`` routed to psycopg 3."""
    url = url or os.environ.get("LOSEN_DATABASE_URL") or default_url()
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Write-ahead log: readers do not wait for the writer, and a commit is not a disk flush
    # (the log is flushed at checkpoints). The file stays consistent after a crash; a power
    # cut can lose the last moments of conversation state, never the file.
    # WAL is kept in the file: set it once; while another connection holds the file the
    # switch waits for a later connection, which then finds it done.
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database that does not answer must not hold back a crisis answer for long: give up
    # connecting after a few seconds (the dialogue then answers crisis without its state).
    connect_args = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


CONNECT_TIMEOUT = 3
"""Seconds to wait for PostgreSQL to accept a connection."""


DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout)
"""What the database raises when it cannot be used right now: unreachable or gone, full,
read-only, locked for too long (every driver error, ``OperationalError`` and
``InterfaceError`` among them), or no connection free in the pool. Whoever catches these
answers without the database, logs the error's type (never a message, which may quote data)
and tries the database again on the next call: the engine reconnects by itself."""

Fault = Literal["full", "read_only", "unreachable", "other"]
_SQLITE_FAULTS: dict[int, Fault] = {13: "full", 8: "read_only", 14: "unreachable",
                                    10: "unreachable", 26: "unreachable"}
"""SQLite's primary result codes: SQLITE_FULL, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR,
SQLITE_NOTADB."""


def fault_of(error: BaseException) -> Fault:
    """What kind of trouble a database error is, for a message a person can act on: the disk
    is full, the database may only be read, or it cannot be reached at all."""
    if isinstance(error, PoolTimeout):
        return "unreachable"
    cause = getattr(error, "orig", None) or error
    code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_FAULTS.get(code & 0xFF, "other")
    state = getattr(cause, "sqlstate", None)  # psycopg: PostgreSQL's SQLSTATE
    if state is None:
        # psycopg raises OperationalError without a SQLSTATE when no server answered.
        return "unreachable" if type(cause).__name__ == "OperationalError" else "other"
    if state == "53100":  # disk_full
        return "full"
    if state == "25006":  # read_only_sql_transaction (a standby, or default_transaction_read_only)
        return "read_only"
    if state.startswith(("08", "57P")):  # connection exception; admin shutdown, cannot connect
        return "unreachable"
    return "other"


MIGRATION_LOCK = 0x105E4
"""PostgreSQL advisory lock key held while migrating (any fixed number; "LOSEN" in spirit)."""


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Instances that start together on a new database take turns: the first migrates,
            # the others then find nothing to do. The lock ends with the transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """An engine on a migrated database, and the session factory for units of work."""
    engine = make_engine(url)
    migrate(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)


def take_turns(session: Session, key: int) -> None:
    """Serialise this transaction with other transactions that take the same ``key``, in this
    process or another: a PostgreSQL advisory lock, or on SQLite the file's write lock taken
    at once by a no-op write (others wait for it, up to the busy timeout). Both end at commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        session.execute(text("UPDATE alembic_version SET version_num = version_num"))


def dialect_insert(session: Session) -> Callable[[Any], Any]:
    """The ``insert`` of the session's dialect, which has ``on_conflict_do_update``/``nothing``.

    An upsert is one statement on both databases, so two instances writing the same row at the
    same moment both succeed instead of one failing on the primary key.
    """
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no upsert for the {name} dialect")
