"""Complaint handling: the hub's own state of each complaint, its history, the outbox, and the
hub's copy of each citizen's photo."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from features.complaints.statuses import FINISHED
from hub.api import Base, BigId, Json, UTCDateTime, utcnow

RESPONDED = text("first_response_at IS NOT NULL AND source_deleted IS false")
"""The cases a median response reads (the index of them holds all it reads)."""
COMPLETED = text("status = 'resolved' AND resolved_at IS NOT NULL AND source_deleted IS false")
"""The cases a median completion reads."""
UNFINISHED = text("status NOT IN ('resolved', 'closed') AND source_deleted IS false")
"""The cases that can be overdue now."""
UNANSWERED = text(
    "status NOT IN ('resolved', 'closed') AND source_deleted IS false AND first_response_at IS NULL"
)
"""The unfinished cases that can be late for their first response."""
SPOT_COLUMNS = (
    "received_at",
    "regency_code",
    "district_code",
    "area_code",
    "status",
    "source_deleted",
    "latitude",
    "longitude",
)
"""The cases by received time, with what the map of a period reads of them."""


class ComplaintCase(Base):
    """How the city is handling one complaint (a record of kind ``complaint``).

    ``status`` is the hub's canonical status; ``area_code`` and ``agency_code`` are where the
    complaint is routed now (a hand-off moves them); the timestamps feed SLA and rankings.
    ``remind_at`` is when the scheduler next looks at it, to tell people that a deadline
    approaches or passed (None: nothing more to tell). ``district_code`` and ``regency_code``
    are the kecamatan and the city of ``area_code`` (by its prefix), so that a filter on either
    is an index lookup; ``source_deleted``, ``latitude`` and ``longitude`` mirror the record's
    (whether the source deleted it, and where it is), so that a map reads the cases alone.
    """

    __tablename__ = "complaint_cases"
    __table_args__ = (
        Index("ix_complaint_cases_area_received", "area_code", "received_at"),
        Index("ix_complaint_cases_agency_received", "agency_code", "received_at"),
        Index("ix_complaint_cases_status_received", "status", "received_at"),
        Index("ix_complaint_cases_received", *SPOT_COLUMNS),
        Index("ix_complaint_cases_remind_at", "remind_at"),
        Index("ix_complaint_cases_district_received", "district_code", "received_at"),
        Index("ix_complaint_cases_regency_received", "regency_code", "received_at"),
        Index("ix_complaint_cases_overdue_at", "overdue_at"),
        Index(
            "ix_complaint_cases_response_due",
            "response_due_at",
            postgresql_where=UNANSWERED,
            sqlite_where=UNANSWERED,
        ),
        Index(
            "ix_complaint_cases_completion_due",
            "completion_due_at",
            postgresql_where=UNFINISHED,
            sqlite_where=UNFINISHED,
        ),
        Index(
            "ix_complaint_cases_responses",
            "received_at",
            "regency_code",
            "district_code",
            "area_code",
            "agency_code",
            "first_response_at",
            postgresql_where=RESPONDED,
            sqlite_where=RESPONDED,
        ),
        Index(
            "ix_complaint_cases_completions",
            "received_at",
            "regency_code",
            "district_code",
            "area_code",
            "agency_code",
            "resolved_at",
            postgresql_where=COMPLETED,
            sqlite_where=COMPLETED,
        ),
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
    district_code: Mapped[str | None] = mapped_column(
        String(16), default=lambda context: _part(context, 0)
    )
    regency_code: Mapped[str | None] = mapped_column(
        String(16), default=lambda context: _part(context, 1)
    )
    source_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    overdue_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=lambda context: overdue_moment(context.get_current_parameters())
    )


DISTRICT_PARTS, REGENCY_PARTS = 3, 2
"""How many parts the code of a kecamatan (``31.75.10``) and of a city (``31.75``) has."""


def area_parts(code: str | None) -> tuple[str | None, str | None]:
    """The kecamatan and the city that area ``code`` lies in, by its prefix (either is
    ``code`` itself when it is of that level; None when ``code`` is higher)."""
    parts = code.split(".") if code else []
    return (
        ".".join(parts[:DISTRICT_PARTS]) if len(parts) >= DISTRICT_PARTS else None,
        ".".join(parts[:REGENCY_PARTS]) if len(parts) >= REGENCY_PARTS else None,
    )


def overdue_moment(case: Any) -> datetime | None:
    """When a case (its columns, as a mapping or attributes) is overdue from, as things stand:
    its response due time while it has no first response, or its completion due time while it
    is not finished, whichever comes first; None if neither."""
    value = case.get if isinstance(case, dict) else lambda name: getattr(case, name)
    moments = []
    if value("first_response_at") is None and value("response_due_at") is not None:
        moments.append(value("response_due_at"))
    if value("status") not in FINISHED and value("completion_due_at") is not None:
        moments.append(value("completion_due_at"))
    return min(moments) if moments else None


def _part(context: Any, index: int) -> str | None:
    """The kecamatan (0) or city (1) of the ``area_code`` being inserted."""
    return area_parts(context.get_current_parameters().get("area_code"))[index]


class ComplaintDaily(Base):
    """The complaints received on one local ``day`` of one kelurahan and agency ('' for none),
    counted by what became of them; kept by :mod:`features.complaints.rollups`."""

    __tablename__ = "complaint_daily"
    __table_args__ = (
        Index("ix_complaint_daily_district_day", "district_code", "day"),
        Index("ix_complaint_daily_regency_day", "regency_code", "day"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(16))
    regency_code: Mapped[str] = mapped_column(String(16))
    received: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    closed_not_fixed: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    """Those overdue before the rollups' ``overdue_until``."""


class ComplaintBacklog(Base):
    """How many complaints of one kelurahan and agency ('' for none) are open now, and how many
    unfinished ones were overdue at the rollups' ``overdue_until``: late for their first response,
    late for the fix, and either."""

    __tablename__ = "complaint_backlog"

    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(16))
    regency_code: Mapped[str] = mapped_column(String(16))
    open: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    late_response: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    late_fix: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ComplaintRollupState(Base):
    """Whether the rollups are built, in which time zone their days are, and up to when their
    overdue counts go (one row)."""

    __tablename__ = "complaint_rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    overdue_until: Mapped[datetime] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
