"""Keeping each complaint's case in step with what its source says.

Called through the ``records_changed`` hook inside the sync's transaction: a new complaint gets
its case (routed to its kelurahan and its category's agency, with SLA due times); a status the
source changed is recorded in the history, and a complaint the citizen disputed is reopened.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from features.complaints.models import ComplaintCase, ComplaintEvent
from features.complaints.routing import Routing
from features.complaints.statuses import CANONICAL, FINISHED, OPEN
from hub.api import RecordChange, utcnow

KIND = "complaint"
SOURCE_ACTOR = "source"


def follow_changes(session: Session, routing: Routing, changes: list[RecordChange]) -> None:
    complaints = [change for change in changes if change.kind == KIND]
    if not complaints:
        return
    ids = [change.record_id for change in complaints]
    cases = {
        case.record_id: case
        for case in session.scalars(select(ComplaintCase).where(ComplaintCase.record_id.in_(ids)))
    }
    now = utcnow()
    new_cases, events = [], []
    for change in complaints:
        case = cases.get(change.record_id)
        if case is None:
            new_cases.append(new_case(routing, change, now))
        elif change.status != change.previous_status and change.status != case.status:
            events.append(follow_status(case, _status(change.status), change.updated_at or now))
    # Core inserts, one statement a page: the ORM's bulk insert would split the rows by which
    # columns are None, into hundreds of statements.
    if new_cases:
        session.execute(insert(ComplaintCase.__table__), new_cases)
    if events:
        session.execute(insert(ComplaintEvent.__table__), events)


def new_case(routing: Routing, change: RecordChange, now: datetime) -> dict:
    """The case of a complaint first seen: routed, with due times; a complaint that arrives
    already answered counts as answered when its source last changed it."""
    received = change.created_at or now
    status = _status(change.status)
    answered_at = change.updated_at or now
    rule = routing.rule(change.category)
    return {
        "record_id": change.record_id,
        "status": status,
        "category": change.category,
        "area_code": change.area_code,
        "agency_code": rule.agency if rule else None,
        "received_at": received,
        "first_response_at": answered_at if status != OPEN else None,
        "resolved_at": answered_at if status in FINISHED else None,
        "response_due_at": rule.response_due(received) if rule else None,
        "completion_due_at": rule.completion_due(received) if rule else None,
        "reopened": 0,
        "updated_at": now,
    }


def follow_status(case: ComplaintCase, status: str, at: datetime) -> dict:
    """Apply a status the source changed; return the history event for it."""
    disputed = case.status in FINISHED and status == OPEN
    event = {
        "record_id": case.record_id,
        "at": at,
        "actor": SOURCE_ACTOR,
        "action": "dispute" if disputed else "status",
        "from_status": case.status,
        "to_status": status,
        "note": "",
        "detail": {},
    }
    case.status = status
    case.updated_at = utcnow()
    if disputed:
        case.reopened += 1
        case.resolved_at = None
        case.resolution = None
    if status != OPEN and case.first_response_at is None:
        case.first_response_at = at
    if status in FINISHED and case.resolved_at is None:
        case.resolved_at = at
    return event


def _status(value: str | None) -> str:
    return value if value in CANONICAL else OPEN
