"""users.session_version, to end every session of a user; the account lockout columns go

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02

Failed sign-ins are now counted per client address in Redis, never on the account.
"""

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", hub.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_column("session_version")
