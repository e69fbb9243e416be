"""Reading the hub's complaints as GeoReport v2 service requests.

A service request is a complaint record with its case: the case gives the status, the agency, the
service level and the time it was received; the latest answer officials wrote to the citizen is
its ``status_notes``. Its ``service_request_id`` is the record's id.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session

from features.complaints.kind import KIND
from features.complaints.models import ComplaintCase, ComplaintEvent
from features.complaints.routing import Routing
from features.open311.georeport import OPEN311_STATUSES, format_time, service_code
from features.open311.request_filters import RequestFilters
from features.open311.services import categories_by_code
from hub.api import Record

ANSWERS = ("answer", "merge")
"""The history events whose note is written to the citizen."""

last_change = case(
    (ComplaintCase.updated_at > Record.updated_at, ComplaintCase.updated_at),
    else_=func.coalesce(Record.updated_at, ComplaintCase.updated_at),
)
"""When a request last changed: at its source, or in the hub's handling of it."""

latest_answer = (
    select(ComplaintEvent.note)
    .where(
        ComplaintEvent.record_id == Record.id,
        ComplaintEvent.action.in_(ANSWERS),
        ComplaintEvent.note != "",
    )
    .order_by(ComplaintEvent.at.desc(), ComplaintEvent.id.desc())
    .limit(1)
    .correlate(Record)
    .scalar_subquery()
)


def find_requests(session: Session, filters: RequestFilters) -> list[Row]:
    """One page of the complaints ``filters`` ask for: newest first, or in the order they changed
    when filtered by change time (so that a client paging through them misses none)."""
    query = _requests()
    if filters.ids is not None:
        return list(session.execute(query.where(Record.id.in_(filters.ids)).order_by(Record.id)))
    if filters.categories:
        query = query.where(ComplaintCase.category.in_(filters.categories))
    if filters.statuses:
        query = query.where(ComplaintCase.status.in_(filters.statuses))
    if filters.requested_from:
        query = query.where(ComplaintCase.received_at >= filters.requested_from)
    if filters.requested_to:
        query = query.where(ComplaintCase.received_at <= filters.requested_to)
    if filters.updated_from:
        query = query.where(last_change >= filters.updated_from)
    if filters.updated_to:
        query = query.where(last_change <= filters.updated_to)
    if filters.updated_from or filters.updated_to:
        query = query.order_by(last_change, Record.id)
    else:
        query = query.order_by(ComplaintCase.received_at.desc(), Record.id.desc())
    offset = (filters.page - 1) * filters.page_size
    return list(session.execute(query.offset(offset).limit(filters.page_size)))


class ServiceCategories:
    """The category of a service code: a routed category, else (looked up once, when needed)
    a category only complaints from elsewhere have."""

    def __init__(self, session: Session, routing: Routing) -> None:
        self.session = session
        self.routed = categories_by_code(rule.category for rule in routing.categories)
        self.stored: dict[str, str] | None = None

    def __call__(self, code: str) -> str | None:
        if code in self.routed:
            return self.routed[code]
        if self.stored is None:
            self.stored = categories_by_code(
                self.session.scalars(
                    select(ComplaintCase.category)
                    .where(ComplaintCase.category.is_not(None))
                    .distinct()
                )
            )
        return self.stored.get(code)


def request_document(row: Row, routing: Routing, zone: tzinfo) -> dict[str, Any]:
    """One service request, with the specification's fields in its order."""
    attributes = row.attributes or {}
    agency = routing.agency(row.agency_code)
    return {
        "service_request_id": str(row.id),
        "status": OPEN311_STATUSES.word_for(row.status),
        "status_notes": row.answer or attributes.get("status_notes"),
        "service_name": row.category,
        "service_code": service_code(row.category) if row.category else None,
        "description": attributes.get("description"),
        "agency_responsible": agency.name if agency else attributes.get("agency_responsible"),
        "service_notice": None,
        "requested_datetime": format_time(row.received_at, zone),
        "updated_datetime": format_time(row.updated, zone),
        "expected_datetime": format_time(row.completion_due_at, zone),
        "address": attributes.get("address"),
        "address_id": None,
        "zipcode": None,
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": attributes.get("media_url") or attributes.get("photo_url"),
    }


def _requests() -> Select:
    return (
        select(
            Record.id,
            Record.latitude,
            Record.longitude,
            Record.attributes,
            ComplaintCase.status,
            ComplaintCase.category,
            ComplaintCase.agency_code,
            ComplaintCase.received_at,
            ComplaintCase.completion_due_at,
            last_change.label("updated"),
            latest_answer.label("answer"),
        )
        .join(ComplaintCase, ComplaintCase.record_id == Record.id)
        .where(Record.kind == KIND, Record.deleted_at.is_(None))
    )
