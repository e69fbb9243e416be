"""indexes for rankings over a period: cases by received time, deleted records

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch_op:
        batch_op.create_index("ix_complaint_cases_received", ["received_at"], unique=False)
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
    with op.batch_alter_table("complaint_cases") as batch_op:
        batch_op.drop_index("ix_complaint_cases_received")
