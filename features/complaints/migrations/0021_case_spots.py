"""each case where its complaint is, and the indexes the map and the overdue tile read

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02

A case keeps its record's coordinates, and the index of cases by received time holds what the
map of a period reads, so the map reads no record. The unfinished cases have an index of their
overdue moment holding what the overdue tile counts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLE = "complaint_cases"
SPOT_COLUMNS = [
    "received_at",
    "regency_code",
    "district_code",
    "area_code",
    "status",
    "source_deleted",
    "latitude",
    "longitude",
]
LATE_COLUMNS = [
    "overdue_at",
    "regency_code",
    "district_code",
    "area_code",
    "first_response_at",
    "response_due_at",
    "completion_due_at",
]
UNFINISHED = sa.text("status NOT IN ('resolved', 'closed') AND source_deleted IS false")


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
    for column in ("latitude", "longitude"):
        op.execute(
            f"UPDATE {TABLE} SET {column} = (SELECT records.{column} FROM records"
            f" WHERE records.id = {TABLE}.record_id)"
        )
    op.drop_index("ix_complaint_cases_received", table_name=TABLE)
    op.create_index("ix_complaint_cases_received", TABLE, SPOT_COLUMNS)
    op.create_index(
        "ix_complaint_cases_late",
        TABLE,
        LATE_COLUMNS,
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_complaint_cases_late", table_name=TABLE)
    op.drop_index("ix_complaint_cases_received", table_name=TABLE)
    op.create_index("ix_complaint_cases_received", TABLE, ["received_at"])
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
