"""the daily counts per kelurahan and agency, without the category

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

Nothing reads the daily counts by category, and with it in their key they hardly fold the
cases together. The rows of each day, kelurahan and agency are summed into one; going down,
each such row stands for no category ('').
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLE, MERGED = "complaint_daily", "complaint_daily_merged"
INDEXES = {
    "ix_complaint_daily_district_day": ["district_code", "day"],
    "ix_complaint_daily_regency_day": ["regency_code", "day"],
}
COUNTS = ("received", "answered", "resolved", "closed_not_fixed", "overdue")
KEY = ("day", "area_code", "agency_code")


def upgrade() -> None:
    sums = ", ".join(f"SUM({name})" for name in COUNTS)
    _replace(
        [],
        f"SELECT {', '.join(KEY)}, MAX(district_code), MAX(regency_code), {sums}"
        f" FROM {TABLE} GROUP BY {', '.join(KEY)}",
    )


def downgrade() -> None:
    _replace(
        [sa.Column("category", sa.String(length=100), nullable=False)],
        f"SELECT {', '.join(KEY)}, '', district_code, regency_code, {', '.join(COUNTS)}"
        f" FROM {TABLE}",
    )


def _replace(category: list[sa.Column], rows: str) -> None:
    """Make the daily counts' table again with the ``category`` column (or none), filled with
    ``rows`` selected from the table it replaces."""
    columns = [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        *category,
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("regency_code", sa.String(length=16), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
    ]
    key = [*KEY, *(column.name for column in category)]
    op.create_table(MERGED, *columns, sa.PrimaryKeyConstraint(*key, name=f"pk_{MERGED}"))
    names = ", ".join(column.name for column in columns)
    op.execute(f"INSERT INTO {MERGED} ({names}) {rows}")
    for index in INDEXES:
        op.drop_index(index, table_name=TABLE)
    op.drop_table(TABLE)
    op.rename_table(MERGED, TABLE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT pk_{MERGED} TO pk_{TABLE}")
    for index, indexed in INDEXES.items():
        op.create_index(index, TABLE, indexed)
