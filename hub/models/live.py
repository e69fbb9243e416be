"""The live room: wall screens, the playlists that rotate them, and the kiosks' screen tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, Json, UTCDateTime, utcnow


class Screen(Base):
    """One wall screen: its widgets in order, for one area (None: everything), in columns.

    ``widgets`` holds widget names; a name no installed plugin provides is shown as a
    placeholder, so a screen outlives the plugins it mentions.
    """

    __tablename__ = "live_screens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("areas.code"))
    widgets: Mapped[list[str]] = mapped_column(Json, default=list)
    columns: Mapped[int] = mapped_column(Integer, default=3)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Playlist(Base):
    """Screens (by name, in order) shown one after the other, each for ``interval_seconds``."""

    __tablename__ = "live_playlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    screens: Mapped[list[str]] = mapped_column(Json, default=list)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=20)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScreenToken(Base):
    """What a kiosk shows its playlist with, instead of signing in: read-only, live data only.

    The token itself is shown once; only its SHA-256 is kept. A revoked token is refused at
    once, on every page, request and open event stream.
    """

    __tablename__ = "live_screen_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("live_playlists.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SourceKind(Base):
    """A source has stored records of a kind: a widget showing that kind follows the source's
    health and "data as of". Kept up to date by the live room as records change."""

    __tablename__ = "live_source_kinds"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
