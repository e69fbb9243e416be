"""the hub's own users.agency_code and records index, once made by the complaints' migrations

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01

A database migrated when all revisions formed one chain has both already.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "agency_code" not in {column["name"] for column in inspector.get_columns("users")}:
        with op.batch_alter_table("users") as batch_op:
            batch_op.add_column(sa.Column("agency_code", sa.String(length=32), nullable=True))
    if "ix_records_deleted" not in {index["name"] for index in inspector.get_indexes("records")}:
        with op.batch_alter_table("records") as batch_op:
            batch_op.create_index(
                "ix_records_deleted",
                ["id"],
                unique=False,
                postgresql_where=sa.text("deleted_at IS NOT NULL"),
                sqlite_where=sa.text("deleted_at IS NOT NULL"),
            )


def downgrade() -> None:
    with op.batch_alter_table("records") as batch_op:
        batch_op.drop_index("ix_records_deleted")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("agency_code")
