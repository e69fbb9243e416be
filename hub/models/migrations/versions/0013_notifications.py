"""notifications: people's inbox, the outbox of deliveries to their channels, their choices

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = hub.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("fold_key", sa.String(length=200), nullable=True),
        sa.Column("once_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("read_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("once_key", name=op.f("uq_notifications_once_key")),
    )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_index("ix_notifications_user_read", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notifications_user_fold", ["user_id", "fold_key"], unique=False)
    op.create_table(
        "notification_deliveries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("notification_id", BIG_ID, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_deliveries_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
    )
    with op.batch_alter_table("notification_deliveries") as batch_op:
        batch_op.create_index(
            "ix_notification_deliveries_state_next", ["state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_notification_deliveries_notification", ["notification_id"], unique=False
        )
    op.create_table(
        "notification_addresses",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_addresses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "channel", name=op.f("pk_notification_addresses")),
    )
    op.create_table(
        "notification_choices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest_only", sa.Boolean(), nullable=False),
        sa.Column("quiet_from", sa.Integer(), nullable=True),
        sa.Column("quiet_until", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_choices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_choices")),
    )


def downgrade() -> None:
    op.drop_table("notification_choices")
    op.drop_table("notification_addresses")
    op.drop_table("notification_deliveries")
    op.drop_table("notifications")
