"""the durations of the complaints counted in buckets, for the medians of the rankings

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02

The rankings read their medians from these counts rather than from the cases, so the cases'
two covering indexes for medians go. Built rollups are counted again by
``simpul complaints rebuild-rollups``: until then the rankings count the cases themselves.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

AREAS = ["regency_code", "district_code", "area_code", "agency_code"]
RESPONDED = "first_response_at IS NOT NULL AND source_deleted IS false"
COMPLETED = "status = 'resolved' AND resolved_at IS NOT NULL AND source_deleted IS false"


def upgrade() -> None:
    op.create_table(
        "complaint_durations",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("regency_code", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "measure", "area_code", "agency_code", "bucket", name="pk_complaint_durations"
        ),
    )
    for level in ("district", "regency"):
        op.create_index(
            f"ix_complaint_durations_{level}_day",
            "complaint_durations",
            [f"{level}_code", "measure", "day"],
        )
    op.drop_index("ix_complaint_cases_responses", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_completions", table_name="complaint_cases")
    op.execute("DELETE FROM complaint_rollup_state")


def downgrade() -> None:
    for name, column, where in (
        ("ix_complaint_cases_responses", "first_response_at", RESPONDED),
        ("ix_complaint_cases_completions", "resolved_at", COMPLETED),
    ):
        op.create_index(
            name,
            "complaint_cases",
            ["received_at", *AREAS, column],
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )
    for level in ("district", "regency"):
        op.drop_index(f"ix_complaint_durations_{level}_day", table_name="complaint_durations")
    op.drop_table("complaint_durations")
