"""Shared fixtures: real SQLite files and, where LOSEN_TEST_POSTGRES_URL is set, real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from botapi import FakeBotApi
from sqlalchemy import create_engine, text

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 24)
POSTGRES_ENV = "LOSEN_TEST_POSTGRES_URL"


def _postgres_url(base: str) -> Iterator[str]:
    """A fresh schema on the test server for one test, dropped afterwards."""
    from losen.catalogue.db import database_url

    url = database_url(base)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on a real SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'losen.sqlite3'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} to run this on PostgreSQL")
    yield from _postgres_url(base)


@pytest.fixture
def small_csv() -> str:
    return (DATA / "small.csv").read_text("utf-8")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A Telegram Bot API server on 127.0.0.1 for real python-telegram-bot to talk to."""
    server = FakeBotApi()
    server.start()
    yield server
    server.stop()
