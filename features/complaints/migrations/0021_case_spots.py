"""each case where its complaint is, and the unfinished complaints overdue in the backlog

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02

A case keeps its record's coordinates, and the index of cases by received time holds what the
map of a period reads, so the map reads no record. The backlog counts the unfinished complaints
overdue (late for the first response, for the fix, either), moved up to now through indexes of
the unfinished cases' due times; where the rollups are built, the backlog is counted again.
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
UNFINISHED = "status NOT IN ('resolved', 'closed') AND source_deleted IS false"
UNANSWERED = f"{UNFINISHED} AND first_response_at IS NULL"
DUE_INDEXES = {
    "ix_complaint_cases_response_due": ("response_due_at", UNANSWERED),
    "ix_complaint_cases_completion_due": ("completion_due_at", UNFINISHED),
}
LATE = ("late", "late_response", "late_fix")
UNTIL = "(SELECT overdue_until FROM complaint_rollup_state)"
LATE_SQL = {
    "late_response": f"first_response_at IS NULL AND response_due_at < {UNTIL}",
    "late_fix": f"completion_due_at < {UNTIL}",
}
LATE_SQL["late"] = f"({LATE_SQL['late_response']}) OR ({LATE_SQL['late_fix']})"
PLACES = "COALESCE(area_code, ''), COALESCE(agency_code, ''), COALESCE(district_code, ''),"
PLACES += " COALESCE(regency_code, '')"


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
    for name, (column, where) in DUE_INDEXES.items():
        condition = sa.text(where)
        op.create_index(name, TABLE, [column], postgresql_where=condition, sqlite_where=condition)
    with op.batch_alter_table("complaint_backlog") as batch_op:
        for name in LATE:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    _count_backlog()


def _count_backlog() -> None:
    """The backlog counted again from the cases, with the late ones, if the rollups are built."""
    if op.get_bind().execute(sa.text("SELECT COUNT(*) FROM complaint_rollup_state")).scalar() == 0:
        return
    late = ", ".join(f"COUNT(CASE WHEN {LATE_SQL[name]} THEN 1 END)" for name in LATE)
    op.execute("DELETE FROM complaint_backlog")
    op.execute(
        "INSERT INTO complaint_backlog (area_code, agency_code, district_code, regency_code,"
        f" open, {', '.join(LATE)}) SELECT {PLACES}, COUNT(CASE WHEN status = 'open' THEN 1 END),"
        f" {late} FROM {TABLE} WHERE {UNFINISHED} GROUP BY {PLACES}"
    )


def downgrade() -> None:
    with op.batch_alter_table("complaint_backlog") as batch_op:
        for name in reversed(LATE):
            batch_op.drop_column(name)
    for name in reversed(DUE_INDEXES):
        op.drop_index(name, table_name=TABLE)
    op.drop_index("ix_complaint_cases_received", table_name=TABLE)
    op.create_index("ix_complaint_cases_received", TABLE, ["received_at"])
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
