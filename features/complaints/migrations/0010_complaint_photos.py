"""the hub's copy of each complaint's photo

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-08

Every complaint stored already whose attributes give a photo address (``photo_url``, or
``media_url``) wants its photo from now on.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import hub.models.base

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

PAGE = 1000
URL_LENGTH = 2000


def upgrade() -> None:
    op.create_table(
        "complaint_photos",
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stored_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_complaint_photos_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_complaint_photos")),
    )
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_photos_next_attempt", ["next_attempt_at"], unique=False)
    _want_the_photos_of_stored_complaints()


def _want_the_photos_of_stored_complaints() -> None:
    records = sa.table(
        "records",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("attributes", sa.JSON()),
        sa.column("deleted_at", sa.DateTime()),
    )
    photos = sa.table(
        "complaint_photos",
        sa.column("record_id", sa.Integer()),
        sa.column("url", sa.Text()),
        sa.column("state", sa.String()),
        sa.column("attempts", sa.Integer()),
        sa.column("next_attempt_at", hub.models.base.UTCDateTime()),
        sa.column("updated_at", hub.models.base.UTCDateTime()),
    )
    bind = op.get_bind()
    now = datetime.now(UTC)
    last = 0
    while True:
        rows = bind.execute(
            sa.select(records.c.id, records.c.attributes)
            .where(
                records.c.kind == "complaint",
                records.c.deleted_at.is_(None),
                records.c.id > last,
            )
            .order_by(records.c.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        wanted = [
            {
                "record_id": row.id,
                "url": url,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "updated_at": now,
            }
            for row in rows
            if (url := _photo_url(row.attributes))
        ]
        if wanted:
            bind.execute(photos.insert(), wanted)


def _photo_url(attributes: object) -> str | None:
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    if not isinstance(attributes, dict):
        return None
    value = attributes.get("photo_url") or attributes.get("media_url")
    if not isinstance(value, str):
        return None
    value = value.strip()
    fetchable = value.startswith(("https://", "http://")) and len(value) <= URL_LENGTH
    return value if fetchable else None


def downgrade() -> None:
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_photos_next_attempt")

    op.drop_table("complaint_photos")
