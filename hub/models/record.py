"""Normalized records from every source, and the errors met while reading them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, BigId, Hundredths, Json, UTCDateTime, utcnow


class Record(Base):
    """One normalized record; its identity is (source, external id).

    ``category``, ``status`` and ``area_code`` are what the portal filters and groups by;
    ``amount`` is an exact quantity (money in Rupiah, openings) that SQL can add up; anything
    else a kind needs lives in ``attributes``, and ``payload`` keeps the source's own words.
    """

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_records_kind_status", "kind", "status"),
        Index("ix_records_kind_area", "kind", "area_code"),
        Index("ix_records_kind_created", "kind", "created_at"),
        Index(
            "ix_records_deleted",
            "id",
            postgresql_where=text("deleted_at IS NOT NULL"),
            sqlite_where=text("deleted_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    area_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("areas.code"))
    title: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    amount: Mapped[Decimal | None] = mapped_column(Hundredths)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attributes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_run_id: Mapped[int | None] = mapped_column(BigId)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecordError(Base):
    """A payload that could not be stored: which run, which stage, why, and the payload itself."""

    __tablename__ = "record_errors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(128))
    stage: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
