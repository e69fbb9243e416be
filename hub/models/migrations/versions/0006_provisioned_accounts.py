"""users.provisioned_by: accounts kept in step with a staffing source

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("provisioned_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_provisioned_by_sources"),
            "sources",
            ["provisioned_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_provisioned_by_sources"), type_="foreignkey")
        batch_op.drop_column("provisioned_by")
