"""an index for rankings over a period: cases by received time

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch_op:
        batch_op.create_index("ix_complaint_cases_received", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch_op:
        batch_op.drop_index("ix_complaint_cases_received")
