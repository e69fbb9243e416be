"""each case's kecamatan and city, and the rankings' rollups

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-02

The cases get the kecamatan and the city of their kelurahan (by its code's prefix), whether the
source deleted their record and the moment they are overdue from, filled in for every case, and
partial covering indexes for the medians. The daily counts and the backlog start empty, built
by ``simpul complaints rebuild-rollups``; until then the rankings count the cases themselves.
"""

import sqlalchemy as sa
from alembic import op

import hub.models.base

FINISHED = ("resolved", "closed")
RESPONDED = "first_response_at IS NOT NULL AND source_deleted IS false"
COMPLETED = "status = 'resolved' AND resolved_at IS NOT NULL AND source_deleted IS false"
AREAS = ["regency_code", "district_code", "area_code", "agency_code"]

revision = "0018"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_code", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("regency_code", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("source_deleted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("overdue_at", hub.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    for name, columns in (
        ("ix_complaint_cases_district_received", ["district_code", "received_at"]),
        ("ix_complaint_cases_regency_received", ["regency_code", "received_at"]),
        ("ix_complaint_cases_overdue_at", ["overdue_at"]),
    ):
        op.create_index(name, "complaint_cases", columns)
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
    op.create_table(
        "complaint_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("regency_code", sa.String(length=16), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("closed_not_fixed", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "area_code", "agency_code", "category", name=op.f("pk_complaint_daily")
        ),
    )
    op.create_index("ix_complaint_daily_district_day", "complaint_daily", ["district_code", "day"])
    op.create_index("ix_complaint_daily_regency_day", "complaint_daily", ["regency_code", "day"])
    op.create_table(
        "complaint_backlog",
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("district_code", sa.String(length=16), nullable=False),
        sa.Column("regency_code", sa.String(length=16), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_code", "agency_code", name=op.f("pk_complaint_backlog")),
    )
    op.create_table(
        "complaint_rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("overdue_until", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_rollup_state")),
    )
    _fill_cases()


def _fill_cases() -> None:
    """Each case's kecamatan and city from its kelurahan's code, its record's deletion, and
    when it is overdue from: its response due time while unanswered or its completion due time
    while unfinished, whichever comes first."""
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE complaint_cases SET overdue_at = CASE"
            " WHEN first_response_at IS NULL AND response_due_at IS NOT NULL"
            " AND (status IN :finished OR completion_due_at IS NULL"
            " OR response_due_at <= completion_due_at) THEN response_due_at"
            " WHEN status NOT IN :finished THEN completion_due_at END"
        ).bindparams(sa.bindparam("finished", FINISHED, expanding=True))
    )
    cases = sa.table(
        "complaint_cases",
        sa.column("record_id", sa.BigInteger()),
        sa.column("area_code", sa.String()),
        sa.column("district_code", sa.String()),
        sa.column("regency_code", sa.String()),
        sa.column("source_deleted", sa.Boolean()),
    )
    records = sa.table("records", sa.column("id", sa.BigInteger()), sa.column("deleted_at"))
    deleted = sa.exists().where(records.c.id == cases.c.record_id, records.c.deleted_at.isnot(None))
    connection.execute(sa.update(cases).values(source_deleted=deleted))
    codes = connection.execute(sa.select(cases.c.area_code).distinct()).scalars().all()
    for code in codes:
        parts = code.split(".") if code else []
        district = ".".join(parts[:3]) if len(parts) >= 3 else None
        regency = ".".join(parts[:2]) if len(parts) >= 2 else None
        if district or regency:
            connection.execute(
                sa.update(cases)
                .where(cases.c.area_code == code)
                .values(district_code=district, regency_code=regency)
            )


def downgrade() -> None:
    op.drop_table("complaint_rollup_state")
    op.drop_table("complaint_backlog")
    op.drop_index("ix_complaint_daily_regency_day", table_name="complaint_daily")
    op.drop_index("ix_complaint_daily_district_day", table_name="complaint_daily")
    op.drop_table("complaint_daily")
    for name in (
        "ix_complaint_cases_completions",
        "ix_complaint_cases_responses",
        "ix_complaint_cases_overdue_at",
        "ix_complaint_cases_regency_received",
        "ix_complaint_cases_district_received",
    ):
        op.drop_index(name, table_name="complaint_cases")
    with op.batch_alter_table("complaint_cases", schema=None) as batch_op:
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("source_deleted")
        batch_op.drop_column("regency_code")
        batch_op.drop_column("district_code")
