"""Suggesting duplicates: open complaints of the same category, close by in place and time,
among those the person may see."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from features.complaints.models import ComplaintCase
from features.complaints.queries import complaints, visible_complaints
from features.complaints.statuses import FINISHED
from hub.api import Record, User

NEAR_METRES = 250
NEAR_HOURS = 48
DEGREES_AROUND = 0.003
EARTH_RADIUS_METRES = 6_371_000


def suggestions(
    session: Session, user: User, record: Record, case: ComplaintCase, limit: int = 5
) -> list[tuple[Record, int]]:
    """Open complaints ``user`` may see that may report the same thing as ``record``, nearest
    first, each with its distance in metres."""
    if record.latitude is None or record.longitude is None or case.status in FINISHED:
        return []
    window = timedelta(hours=NEAR_HOURS)
    candidates = session.scalars(
        complaints(Record).where(
            *visible_complaints(user),
            Record.id != record.id,
            ComplaintCase.category == case.category,
            ComplaintCase.status.not_in(FINISHED),
            ComplaintCase.duplicate_of_id.is_(None),
            ComplaintCase.received_at.between(case.received_at - window, case.received_at + window),
            Record.latitude.between(
                record.latitude - DEGREES_AROUND, record.latitude + DEGREES_AROUND
            ),
            Record.longitude.between(
                record.longitude - DEGREES_AROUND, record.longitude + DEGREES_AROUND
            ),
        )
    ).all()
    near = [(other, round(distance(record, other))) for other in candidates]
    near = [(other, metres) for other, metres in near if metres <= NEAR_METRES]
    return sorted(near, key=lambda pair: pair[1])[:limit]


def distance(one: Record, other: Record) -> float:
    """Metres between two records' locations (haversine)."""
    lat1, lat2 = math.radians(one.latitude), math.radians(other.latitude)
    half_lat = (lat2 - lat1) / 2
    half_lon = math.radians(other.longitude - one.longitude) / 2
    a = math.sin(half_lat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_lon) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))
