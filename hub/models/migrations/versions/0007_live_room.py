"""live room: screens, playlists, screen tokens, and which sources store which kinds

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "live_screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=True),
        sa.Column("widgets", JSON, nullable=False),
        sa.Column("columns", sa.Integer(), nullable=False),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_live_screens_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_screens")),
        sa.UniqueConstraint("name", name=op.f("uq_live_screens_name")),
    )
    op.create_table(
        "live_playlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("screens", JSON, nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_playlists")),
        sa.UniqueConstraint("name", name=op.f("uq_live_playlists_name")),
    )
    op.create_table(
        "live_screen_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", hub.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["live_playlists.id"],
            name=op.f("fk_live_screen_tokens_playlist_id_live_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_screen_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_live_screen_tokens_token_hash")),
    )
    op.create_table(
        "live_source_kinds",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_live_source_kinds_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "kind", name=op.f("pk_live_source_kinds")),
    )
    op.execute(
        "INSERT INTO live_source_kinds (source_id, kind) "
        "SELECT DISTINCT source_id, kind FROM records"
    )


def downgrade() -> None:
    op.drop_table("live_source_kinds")
    op.drop_table("live_screen_tokens")
    op.drop_table("live_playlists")
    op.drop_table("live_screens")
