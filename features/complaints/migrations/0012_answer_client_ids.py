"""answers keep the client id their form chose

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01

An answer sent twice with the same ``client_id`` (a double tap, or a phone sending what it kept
without signal) is stored once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "uq_complaint_events_record_client", ["record_id", "client_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index("uq_complaint_events_record_client")
        batch_op.drop_column("client_id")
