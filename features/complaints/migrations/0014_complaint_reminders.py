"""when the scheduler next looks at a complaint, and how far each day's digest went

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-15

Every complaint not finished is looked at on the next ticks, the longest waiting first: those
whose deadline approaches or passed now are told to their people once; older ones are not.
"""

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

FINISHED = ("resolved", "closed")


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("remind_at", hub.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_complaint_cases_remind_at", ["remind_at"], unique=False)
    op.create_table(
        "complaint_digests",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_complaint_digests")),
    )
    cases = sa.table(
        "complaint_cases",
        sa.column("status", sa.String()),
        sa.column("received_at", hub.models.base.UTCDateTime(timezone=True)),
        sa.column("remind_at", hub.models.base.UTCDateTime(timezone=True)),
    )
    op.execute(
        cases.update().where(cases.c.status.not_in(FINISHED)).values(remind_at=cases.c.received_at)
    )


def downgrade() -> None:
    op.drop_table("complaint_digests")
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_cases_remind_at")
        batch_op.drop_column("remind_at")
