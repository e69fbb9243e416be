"""The features' migration branches, with the hub's: the schema of every model, from an empty
database and from one migrated when all revisions formed a single chain."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from hub import migrate
from hub.app import load_plugins
from hub.config import Settings
from hub.db import Database
from hub.models import Base
from hub.state import Hub
from hub.testing import create_schema

MADE_AFTER_THE_CHAIN = (
    "complaint_photos",
    "password_resets",
    "notification_deliveries",
    "notification_addresses",
    "notification_choices",
    "notifications",
    "complaint_digests",
    "notification_defaults",
    "finance_column_mappings",
    "complaint_daily",
    "complaint_backlog",
    "complaint_rollup_state",
)
"""Tables of revisions after the single chain, which a database of that chain never had."""
COLUMNS_MADE_AFTER_THE_CHAIN = (
    ("complaint_events", "uq_complaint_events_record_client", "client_id"),
    ("complaint_cases", "ix_complaint_cases_remind_at", "remind_at"),
)
"""Columns (with their index) of revisions after the single chain."""
ROLLUP_INDEXES = (
    "ix_complaint_cases_responses",
    "ix_complaint_cases_completions",
    "ix_complaint_cases_district_received",
    "ix_complaint_cases_regency_received",
    "ix_complaint_cases_overdue_at",
)
ROLLUP_COLUMNS = ("district_code", "regency_code", "source_deleted", "overdue_at")
"""The complaint cases' indexes and columns of the rollups' revision, after the chain."""
SPOT_INDEXES = (
    "ix_complaint_cases_response_due",
    "ix_complaint_cases_completion_due",
    "ix_complaint_cases_received",
)
SPOT_COLUMNS = ("latitude", "longitude")
CHAIN_RECEIVED_INDEX = "CREATE INDEX ix_complaint_cases_received ON complaint_cases (received_at)"
"""The complaint cases' indexes and columns of the case spots' revision, which replaced the
chain's index by received time."""
USERS_OF_THE_CHAIN = (
    "ALTER TABLE users DROP COLUMN session_version",
    "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE users ADD COLUMN locked_until TIMESTAMP",
)
"""The users table as the chain left it: a lockout on the account, no session version."""
HEADS = ["0004", "0017", "0020", "0021"]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("empty_postgres_url")


@pytest.fixture(scope="module")
def folders():
    settings = Settings(strict_plugins=True)
    return Hub(settings, load_plugins(settings)).migration_folders


def differences(db: Database) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def versions(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_every_branch_builds_exactly_the_models(empty_database, folders):
    db = Database(empty_database)
    try:
        migrate.upgrade(db.engine, folders)
        migrate.upgrade(db.engine, folders)
        assert differences(db) == []
        assert versions(db) == HEADS
    finally:
        db.dispose()


def test_a_database_of_the_single_chain_is_taken_on_where_it_was(empty_database, folders):
    db = Database(empty_database)
    try:
        create_schema(db.engine)
        with db.engine.begin() as connection:
            for table in MADE_AFTER_THE_CHAIN:
                connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
            for index in SPOT_INDEXES:
                connection.execute(text(f"DROP INDEX {index}"))
            for column in SPOT_COLUMNS:
                connection.execute(text(f"ALTER TABLE complaint_cases DROP COLUMN {column}"))
            connection.execute(text(CHAIN_RECEIVED_INDEX))
            for index in ROLLUP_INDEXES:
                connection.execute(text(f"DROP INDEX {index}"))
            for column in ROLLUP_COLUMNS:
                connection.execute(text(f"ALTER TABLE complaint_cases DROP COLUMN {column}"))
            for table, index, column in COLUMNS_MADE_AFTER_THE_CHAIN:
                connection.execute(text(f"DROP INDEX {index}"))
                connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            for statement in USERS_OF_THE_CHAIN:
                connection.execute(text(statement))
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('0008')"))

        migrate.upgrade(db.engine, folders)

        assert versions(db) == HEADS
        assert differences(db) == []
    finally:
        db.dispose()


def test_a_hub_that_adds_a_feature_later_creates_only_its_tables(empty_database, folders):
    db = Database(empty_database)
    try:
        migrate.upgrade(db.engine)
        migrate.upgrade(db.engine, folders)
        assert differences(db) == []
    finally:
        db.dispose()
