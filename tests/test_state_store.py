"""Conversation state and message ids in the database, on real SQLite and real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from losen.bot.dbstate import DatabaseStateStore, place_from_json, place_to_json
from losen.bot.message_ids import MessageIds
from losen.bot.state import TTL, ConversationState
from losen.catalogue.db import MIGRATIONS, open_database
from losen.catalogue.models import Base, ChatMessageId, ConversationStateRow, OfferReport
from losen.intents import Place
from sqlalchemy import func, select

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TOYEN = Place("0301", "Tøyen", "bydel", bydel="Gamle Oslo", bydel_id="030101")


def _state(now: datetime, **changes: object) -> ConversationState:
    return ConversationState().touch(now, **changes)


def test_the_migrations_match_the_models_and_step_down(database_url: str) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    engine, _ = open_database(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        command.upgrade(config, "head")


def test_a_state_comes_back_whole_from_another_store(database_url: str) -> None:
    _, sessions = open_database(database_url)
    state = _state(NOW, language="nn", needs=("food", "social"), place=TOYEN, pending="place",
                   shown=("oslo-toyen-mat", "oslo-side-mat"))
    DatabaseStateStore(sessions).save("telegram:7", state)

    _, other = open_database(database_url)  # another instance: its own engine
    loaded = DatabaseStateStore(other).load("telegram:7", NOW + timedelta(minutes=5))
    assert loaded == state
    assert loaded.updated is not None and loaded.updated.tzinfo is not None
    assert DatabaseStateStore(other).load("telegram:8", NOW) == ConversationState()


def test_places_are_written_as_explicit_json() -> None:
    text = place_to_json(TOYEN)
    assert text is not None and '"kommunenummer": "0301"' in text
    assert place_from_json(text) == TOYEN
    assert place_from_json(None) is None and place_to_json(None) is None


def test_save_is_an_upsert_and_an_older_turn_never_overwrites_a_newer(database_url: str) -> None:
    _, sessions = open_database(database_url)
    a, b = DatabaseStateStore(sessions), DatabaseStateStore(sessions)
    a.save("telegram:1", _state(NOW, needs=("food",), pending="place"))
    b.save("telegram:1", _state(NOW + timedelta(seconds=2), needs=("food",), place=TOYEN))
    # The first instance finishes an older turn late: the newer state stays.
    a.save("telegram:1", _state(NOW + timedelta(seconds=1), needs=("money",)))
    loaded = a.load("telegram:1", NOW + timedelta(seconds=3))
    assert loaded.place == TOYEN and loaded.needs == ("food",)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ConversationStateRow)) == 1


def test_expired_states_are_ignored_and_purged(database_url: str) -> None:
    _, sessions = open_database(database_url)
    store = DatabaseStateStore(sessions)
    store.save("telegram:1", _state(NOW, needs=("food",)))
    later = NOW + TTL + timedelta(seconds=1)
    assert store.load("telegram:1", later) == ConversationState()
    # The next save (by any instance) deletes every expired row.
    DatabaseStateStore(sessions).save("telegram:2", _state(later, needs=("money",)))
    with sessions() as session:
        assert list(session.scalars(select(ConversationStateRow.conversation))) == ["telegram:2"]
    assert store.purge(later + TTL + timedelta(seconds=1)) == 1


def test_delete_forgets_the_conversation(database_url: str) -> None:
    _, sessions = open_database(database_url)
    store = DatabaseStateStore(sessions)
    store.save("telegram:1", _state(NOW, needs=("food",)))
    store.delete("telegram:1")
    store.delete("telegram:1")  # twice is fine
    assert store.load("telegram:1", NOW) == ConversationState()


def test_message_ids_are_kept_48_hours_and_forgotten_on_request(database_url: str) -> None:
    _, sessions = open_database(database_url)
    ids = MessageIds(sessions)
    ids.record(-1001234567890, [5, 6], NOW)
    ids.record(-1001234567890, [6, 7], NOW + timedelta(hours=1))  # 6 again: one row
    ids.record(42, [5], NOW)
    assert ids.for_chat(-1001234567890, NOW + timedelta(hours=2)) == [5, 6, 7]
    assert ids.for_chat(-1001234567890, NOW + timedelta(hours=48, minutes=30)) == [7]
    assert ids.purge(NOW + timedelta(hours=48, minutes=30)) == 3
    ids.forget_chat(-1001234567890)
    assert ids.for_chat(-1001234567890, NOW) == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ChatMessageId)) == 0


def test_recording_purges_ids_older_than_48_hours(database_url: str) -> None:
    _, sessions = open_database(database_url)
    MessageIds(sessions).record(1, [1, 2], NOW)
    MessageIds(sessions).record(2, [3], NOW + timedelta(hours=49))
    with sessions() as session:
        assert list(session.scalars(select(ChatMessageId.message_id))) == [3]


def test_not_right_reports_are_counted_per_offer_without_who(database_url: str) -> None:
    from losen.catalogue.reports import OfferReports
    from sqlalchemy import inspect

    engine, sessions = open_database(database_url)
    reports = OfferReports(sessions)
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    reports.record("oslo-toyen-mat", "phone", now)
    reports.record("oslo-toyen-mat", "phone", now + timedelta(hours=1))
    reports.record("oslo-toyen-mat", "hours", now + timedelta(days=2))
    reports.record("trd-tirsdag", "made-up kind", now)
    assert reports.count("oslo-toyen-mat") == 3
    assert reports.count("oslo-toyen-mat", since=(now + timedelta(days=1)).date()) == 1
    assert reports.count("nowhere") == 0
    columns = {c["name"] for c in inspect(engine).get_columns("offer_report")}
    assert columns == {"id", "offer_id", "day", "what", "count"}  # nothing that says who
    with sessions() as session:
        kinds = set(session.execute(select(OfferReport.offer_id, OfferReport.what)))
    assert kinds == {("oslo-toyen-mat", "phone"), ("oslo-toyen-mat", "hours"),
                     ("trd-tirsdag", "other")}
