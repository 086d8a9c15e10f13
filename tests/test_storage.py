"""Storage on real SQLite and real PostgreSQL: migrations, round trips, upserts, refusals."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from conftest import DATA, TODAY
from losen.catalogue.csvio import read_csv, write_csv
from losen.catalogue.db import open_database
from losen.catalogue.errors import ImportRefused
from losen.catalogue.hsds import read_hsds, write_hsds
from losen.catalogue.store import count_offers, load_offers
from losen.catalogue.transfer import export_text, import_offers, parse_file
from sqlalchemy import inspect, text

HSDS_TABLES = {
    "organization", "service", "location", "address", "service_at_location", "phone",
    "schedule", "service_area", "language", "taxonomy", "taxonomy_term", "attribute",
}


def test_migrations_from_empty_create_the_hsds_tables(database_url: str) -> None:
    engine, _ = open_database(database_url)
    tables = set(inspect(engine).get_table_names())
    assert tables >= HSDS_TABLES
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from losen.catalogue.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert version == ScriptDirectory.from_config(config).get_current_head()
    # Opening again is a no-op, not an error.
    open_database(database_url)


def test_round_trip_csv_db_hsds_db_csv_keeps_every_offer(database_url: str, small_csv: str,
                                                        tmp_path) -> None:  # type: ignore[no-untyped-def]
    offers = read_csv(small_csv, TODAY)
    _, sessions = open_database(database_url)
    import_offers(sessions, offers)
    hsds = export_text(sessions, "hsds")

    other = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    _, sessions2 = open_database(other)
    import_offers(sessions2, read_hsds(hsds, TODAY))
    assert export_text(sessions2, "csv") == write_csv(offers)
    assert export_text(sessions2, "hsds") == hsds


def test_hsds_carries_labels_the_spreadsheet_has_no_column_for(database_url: str,
                                                               small_csv: str) -> None:
    offers = [replace(o, labels={**o.labels, "no_nav": True}) for o in read_csv(small_csv, TODAY)]
    _, sessions = open_database(database_url)
    import_offers(sessions, offers)
    with sessions() as session:
        loaded = load_offers(session)
    assert all(o.labels.get("no_nav") is True for o in loaded)
    assert all(o.labels.get("no_nav") is True for o in read_hsds(write_hsds(loaded), TODAY))


def test_reimport_updates_by_id_and_never_duplicates(database_url: str, small_csv: str) -> None:
    _, sessions = open_database(database_url)
    first = import_offers(sessions, read_csv(small_csv, TODAY))
    assert (first.added, first.updated) == (4, 0)
    changed = small_csv.replace("Matutdeling på Tøyen", "Matutdeling på Grønland")
    changed = changed.replace("tirsdag 12:00-15:00;", "")
    second = import_offers(sessions, read_csv(changed, TODAY))
    assert (second.added, second.updated) == (0, 4)
    with sessions() as session:
        assert count_offers(session) == 4
        mat = next(o for o in load_offers(session) if o.id == "t-oslo-mat")
    assert mat.name == "Matutdeling på Grønland"
    assert len(mat.schedule) == 1


def test_a_refused_file_writes_nothing(database_url: str, small_csv: str) -> None:
    _, sessions = open_database(database_url)
    import_offers(sessions, read_csv(small_csv, TODAY))
    before = export_text(sessions, "csv")
    with pytest.raises(ImportRefused):
        parse_file(DATA / "bad.csv", TODAY)
    assert export_text(sessions, "csv") == before


def test_a_failing_write_rolls_back_the_whole_import(database_url: str, small_csv: str) -> None:
    offers = read_csv(small_csv, TODAY)
    _, sessions = open_database(database_url)
    too_long = replace(offers[1], id="x" * 500)  # longer than the column allows on PostgreSQL
    poisoned = [offers[0], too_long] if database_url.startswith("postgresql") else None
    if poisoned is None:
        # SQLite does not enforce lengths; poison with a duplicate primary key instead.
        poisoned = [offers[0], offers[0]]
    with pytest.raises(Exception):  # noqa: B017 - any database error will do
        import_offers(sessions, poisoned)
    with sessions() as session:
        assert count_offers(session) == 0


def test_instances_starting_together_on_postgresql_migrate_once() -> None:
    """Several instances behind a load balancer start at the same moment on an empty
    PostgreSQL database: every one must come up (they take turns through an advisory lock).
    SQLite is for one process; several instances need PostgreSQL."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import POSTGRES_ENV, _postgres_url
    from losen.catalogue.db import make_engine, migrate
    from sqlalchemy import inspect

    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} to run this on PostgreSQL")
    urls = _postgres_url(base)
    url = next(urls)
    try:
        engines = [make_engine(url) for _ in range(4)]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(migrate, engines))  # raises if any of them failed
        assert "offer_report" in inspect(engines[0]).get_table_names()
        for engine in engines:
            engine.dispose()
    finally:
        urls.close()


def test_instances_starting_together_load_the_demo_once(database_url: str) -> None:
    """Two instances start on the same empty catalogue: the demo is loaded once, no error."""
    from concurrent.futures import ThreadPoolExecutor

    from losen.catalogue.transfer import demo_offers, load_demo_if_empty

    _, sessions = open_database(database_url)
    with ThreadPoolExecutor(3) as pool:
        loaded = list(pool.map(lambda _: load_demo_if_empty(sessions), range(3)))
    with sessions() as session:
        assert count_offers(session) == len(demo_offers())
    assert sorted(loaded)[-1] == len(demo_offers())
