"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from hub import migrate
from hub.db import Database
from hub.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("empty_postgres_url")


def hub_tables() -> MetaData:
    """The tables of the hub's own models, without those of any plugin."""
    tables = MetaData()
    for mapper in Base.registry.mappers:
        if mapper.class_.__module__.startswith("hub."):
            mapper.local_table.to_metadata(tables)
    return tables


def test_the_hub_migrations_build_exactly_its_models_with_no_plugin(empty_database):
    db = Database(empty_database)
    try:
        migrate.upgrade(db.engine)
        migrate.upgrade(db.engine)

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, hub_tables())
            tables = set(inspect(connection).get_table_names())
    finally:
        db.dispose()

    assert differences == []
    assert tables == {*hub_tables().tables, "alembic_version"}
