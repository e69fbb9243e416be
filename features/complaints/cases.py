"""Keeping each complaint's case in step with what its source says.

Called through the ``records_changed`` hook inside the sync's transaction: a new complaint gets
its case (routed to its kelurahan and its category's agency, with SLA due times and the moment
its first reminder is due); a status the source changed is recorded in the history, and a
complaint the citizen disputed is reopened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from features.complaints import rollups
from features.complaints.models import ComplaintCase, ComplaintEvent, area_parts, overdue_moment
from features.complaints.reminders import first_look
from features.complaints.routing import Routing
from features.complaints.settings import ReminderSettings
from features.complaints.statuses import CANONICAL, FINISHED, OPEN
from hub.api import Record, RecordChange, utcnow

KIND = "complaint"
SOURCE_ACTOR = "source"


@dataclass
class Followed:
    """What a page of changes did to the cases: the new ones (their columns), and those the
    citizen disputed."""

    new: list[dict] = field(default_factory=list)
    disputed: list[ComplaintCase] = field(default_factory=list)


def follow_changes(
    session: Session, routing: Routing, rules: ReminderSettings, changes: list[RecordChange]
) -> Followed:
    followed = Followed()
    complaints = [change for change in changes if change.kind == KIND]
    if not complaints:
        return followed
    ids = [change.record_id for change in complaints]
    cases = {
        case.record_id: case
        for case in session.scalars(select(ComplaintCase).where(ComplaintCase.record_id.in_(ids)))
    }
    found = select(Record.id, Record.deleted_at.is_not(None)).where(Record.id.in_(ids))
    deleted = dict(session.execute(found).all())
    now = utcnow()
    events = []
    moves: list[tuple[rollups.Snapshot | None, rollups.Snapshot | None]] = []
    for change in complaints:
        case = cases.get(change.record_id)
        if case is None:
            followed.new.append(new_case(routing, rules, change, now))
            followed.new[-1]["source_deleted"] = bool(deleted.get(change.record_id))
            moves.append((None, rollups.snapshot(ComplaintCase(**followed.new[-1]))))
            continue
        before = rollups.snapshot(case)
        case.source_deleted = bool(deleted.get(change.record_id))
        if change.status != change.previous_status and change.status != case.status:
            events.append(follow_status(case, _status(change.status), change.updated_at or now))
            if events[-1]["action"] == "dispute":
                followed.disputed.append(case)
        moves.append((before, rollups.after(case)))
    # Core inserts, one statement a page: the ORM's bulk insert would split the rows by which
    # columns are None, into hundreds of statements.
    if followed.new:
        session.execute(insert(ComplaintCase.__table__), followed.new)
    if events:
        session.execute(insert(ComplaintEvent.__table__), events)
    rollups.moved(session, moves)
    return followed


def new_case(
    routing: Routing, rules: ReminderSettings, change: RecordChange, now: datetime
) -> dict:
    """The case of a complaint first seen: routed, with due times; a complaint that arrives
    already answered counts as answered when its source last changed it."""
    received = change.created_at or now
    status = _status(change.status)
    answered_at = change.updated_at or now
    rule = routing.rule(change.category)
    district, regency = area_parts(change.area_code)
    case = {
        "record_id": change.record_id,
        "status": status,
        "category": change.category,
        "area_code": change.area_code,
        "district_code": district,
        "regency_code": regency,
        "agency_code": rule.agency if rule else None,
        "received_at": received,
        "first_response_at": answered_at if status != OPEN else None,
        "resolved_at": answered_at if status in FINISHED else None,
        "response_due_at": rule.response_due(received) if rule else None,
        "completion_due_at": rule.completion_due(received) if rule else None,
        "reopened": 0,
        "updated_at": now,
    }
    case["overdue_at"] = overdue_moment(case)
    case["remind_at"] = first_look(ComplaintCase(**case), rules, now)
    return case


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
        case.remind_at = case.updated_at
    if status != OPEN and case.first_response_at is None:
        case.first_response_at = at
    if status in FINISHED and case.resolved_at is None:
        case.resolved_at = at
    return event


def _status(value: str | None) -> str:
    return value if value in CANONICAL else OPEN
