"""Alembic environment: runs on the connection that Losen hands over (see ``db.migrate``)."""

from alembic import context
from losen.catalogue.models import Base
from sqlalchemy import create_engine

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the alembic command line, for writing new revisions
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as connection:
            _run_on(connection)
    else:
        _run_on(connection)


def _run_on(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
