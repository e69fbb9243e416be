"""finance column mappings

Revision ID: 0020
Revises: (the hub's 0003)
Create Date: 2026-12-02

The columns an officer mapped for a file whose header the importer did not know, per source and
header signature.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.models.base

revision = "0020"
down_revision = None
branch_labels = ("finance",)
depends_on = "0003"


def upgrade() -> None:
    op.create_table(
        "finance_column_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.String(length=32), nullable=False),
        sa.Column(
            "columns", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by"],
            ["users.id"],
            name=op.f("fk_finance_column_mappings_saved_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_finance_column_mappings_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_column_mappings")),
        sa.UniqueConstraint(
            "source_id", "signature", name=op.f("uq_finance_column_mappings_source_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("finance_column_mappings")
