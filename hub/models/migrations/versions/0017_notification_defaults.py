"""notification_defaults: the choices of everyone who made none, as an administrator set them

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_defaults",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_only", sa.Boolean(), nullable=False),
        sa.Column("quiet_from", sa.Integer(), nullable=True),
        sa.Column("quiet_until", sa.Integer(), nullable=True),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_defaults")),
    )


def downgrade() -> None:
    op.drop_table("notification_defaults")
