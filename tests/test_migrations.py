"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hub import migrate
from hub.db import Database
from hub.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("empty_postgres_url")


def test_migrations_build_exactly_the_models(empty_database):
    db = Database(empty_database)
    try:
        migrate.upgrade(db.engine)
        migrate.upgrade(db.engine)

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        db.dispose()

    assert differences == []
    assert set(Base.metadata.tables) <= tables
