"""Complaint handling: the hub's own state of each complaint, its history, the outbox, and the
hub's copy of each citizen's photo."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.api import Base, BigId, Json, UTCDateTime, utcnow


class ComplaintCase(Base):
    """How the city is handling one complaint (a record of kind ``complaint``).

    ``status`` is the hub's canonical status; ``area_code`` and ``agency_code`` are where the
    complaint is routed now (a hand-off moves them); the timestamps feed SLA and rankings.
    ``remind_at`` is when the scheduler next looks at it, to tell people that a deadline
    approaches or passed (None: nothing more to tell).
    """

    __tablename__ = "complaint_cases"
    __table_args__ = (
        Index("ix_complaint_cases_area_received", "area_code", "received_at"),
        Index("ix_complaint_cases_agency_received", "agency_code", "received_at"),
        Index("ix_complaint_cases_status_received", "status", "received_at"),
        Index("ix_complaint_cases_received", "received_at"),
        Index("ix_complaint_cases_remind_at", "remind_at"),
    )

    record_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(100))
    area_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("areas.code"))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("records.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplaintEvent(Base):
    """One step in a complaint's history: a status change, an answer, a hand-off, a merge.

    An answer keeps the ``client_id`` its form chose, so that the same answer sent twice is
    stored once.
    """

    __tablename__ = "complaint_events"
    __table_args__ = (
        Index("ix_complaint_events_record_at", "record_id", "at"),
        Index("uq_complaint_events_record_client", "record_id", "client_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("records.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    client_id: Mapped[str | None] = mapped_column(String(64))


class OutboxMessage(Base):
    """A write-back to a source app, kept until the source accepted it.

    ``idempotency_key`` goes with every attempt, so a retried delivery is applied once.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("records.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("complaint_events.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplaintPhoto(Base):
    """The hub's copy of the photo a complaint came with, fetched from ``url`` by the workers.

    ``state`` is ``pending`` (wanted, fetched when ``next_attempt_at`` comes), ``fetching``
    (handed to a worker, for a lease until ``next_attempt_at``), ``stored`` (``digest`` names the
    re-encoded JPEG in the file store) or ``missing`` (``reason`` and ``detail`` say why; fetched
    again at ``next_attempt_at`` when the failure may pass, never when it is None). ``attempts``
    counts the fetches of this ``url``; a job carries the URL and the attempt it was claimed
    for, so a job whose lease ran out or whose URL changed meanwhile changes nothing.
    """

    __tablename__ = "complaint_photos"
    __table_args__ = (Index("ix_complaint_photos_next_attempt", "next_attempt_at"),)

    record_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    digest: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ComplaintDigest(Base):
    """How far the daily digest of one (local) day went: every person up to ``last_user_id``
    has had theirs. A scheduler holds the row while it sends the next few."""

    __tablename__ = "complaint_digests"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_user_id: Mapped[int] = mapped_column(Integer, default=0)
