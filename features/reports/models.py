"""Ward activity reports: what kelurahan staff did, with photos and documents, and its review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.api import Base, UTCDateTime, utcnow

KIND = "activity_report"
"""The wall's name for activity reports: a screen showing them follows this kind."""
SUBMITTED, ACCEPTED, RETURNED = "submitted", "accepted", "returned"
REPORT_STATUSES = (SUBMITTED, ACCEPTED, RETURNED)


class ActivityReport(Base):
    """One activity of a kelurahan (kerja bakti, posyandu, ...), reported by its staff.

    ``client_id`` is chosen by the author's device, once per report, so that a create sent again
    after a lost connection finds the report it already made.
    """

    __tablename__ = "activity_reports"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id", name="uq_activity_reports_author_client"),
        Index("ix_activity_reports_area_date", "area_code", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    area_code: Mapped[str] = mapped_column(String(16), ForeignKey("areas.code"))
    activity_type: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(8), default="")
    participants: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED, index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", order_by="ReportAttachment.id", cascade="all, delete-orphan"
    )


class ReportAttachment(Base):
    """A photo (re-encoded, with a thumbnail) or a document of a report, kept in storage under
    the digest of its content."""

    __tablename__ = "report_attachments"
    __table_args__ = (
        UniqueConstraint("report_id", "digest", name="uq_report_attachments_report_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("activity_reports.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200))
    thumbnail_digest: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[ActivityReport] = relationship(back_populates="attachments")
