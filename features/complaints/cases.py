"""Keeping each complaint's case in step with what its source says.

Called through the ``records_changed`` hook inside the sync's transaction: a new complaint gets
its case (routed to its kelurahan and its category's agency, with SLA due times and the moment
its first reminder is due); a status the source changed is recorded in the history, and a
complaint the citizen disputed is reopened.

A page's cases are read, changed and written as plain rows (a namespace of each case's
columns), with a few set-based statements a page: a sync sees many thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from features.complaints import rollups
from features.complaints.models import ComplaintCase, ComplaintEvent, area_parts, overdue_moment
from features.complaints.reminders import first_look
from features.complaints.routing import CategoryRule, Routing
from features.complaints.settings import ReminderSettings
from features.complaints.statuses import CANONICAL, FINISHED, OPEN
from hub.api import Record, RecordChange, among, insert_rows, utcnow

KIND = "complaint"
SOURCE_ACTOR = "source"
COLUMNS = tuple(ComplaintCase.__table__.columns.keys())
TABLE = ComplaintCase.__table__
UPDATE = update(TABLE).where(TABLE.c.record_id == bindparam("b_id"))
"""The update of a case by record id; the columns it sets are the keys of its parameters."""


@dataclass
class Followed:
    """What a page of changes did to the cases: the new ones (their columns), and those the
    citizen disputed (their columns, as attributes)."""

    new: list[dict] = field(default_factory=list)
    disputed: list[SimpleNamespace] = field(default_factory=list)


def follow_changes(
    session: Session, routing: Routing, rules: ReminderSettings, changes: list[RecordChange]
) -> Followed:
    followed = Followed()
    complaints = [change for change in changes if change.kind == KIND]
    if not complaints:
        return followed
    ids = [change.record_id for change in complaints]
    found = select(
        Record.id, Record.deleted_at.is_not(None), Record.latitude, Record.longitude
    ).where(among(session, Record.id, ids))
    records = {row[0]: row[1:] for row in session.execute(found)}
    stored = _stored(session, [change.record_id for change in complaints if not change.created])
    routes = {category: routing.rule(category) for category in {c.category for c in complaints}}
    now = utcnow()
    cases: dict[int, SimpleNamespace] = {}
    events = []
    moves: list[tuple[rollups.Snapshot | None, rollups.Snapshot | None]] = []
    for change in complaints:
        gone, latitude, longitude = records.get(change.record_id, (False, None, None))
        mirrored = {"source_deleted": bool(gone), "latitude": latitude, "longitude": longitude}
        if change.record_id not in stored:
            new = new_case(routes[change.category], rules, change, now) | mirrored
            followed.new.append(new)
            continue
        case = cases.setdefault(change.record_id, SimpleNamespace(**stored[change.record_id]))
        before = rollups.snapshot(case)
        vars(case).update(mirrored)
        if change.status != change.previous_status and change.status != case.status:
            events.append(follow_status(case, _status(change.status), change.updated_at or now))
            if events[-1]["action"] == "dispute":
                followed.disputed.append(case)
        moves.append((before, rollups.after(case)))
    # One COPY (or executemany) a page: the ORM's bulk insert would split the rows by which
    # columns are None, into hundreds of statements.
    insert_rows(session, TABLE, followed.new)
    _write(session, stored, cases)
    if events:
        session.execute(insert(ComplaintEvent.__table__), events)
    rollups.moved(session, moves)
    rollups.added(session, [case["record_id"] for case in followed.new])
    return followed


def new_case(
    rule: CategoryRule | None, rules: ReminderSettings, change: RecordChange, now: datetime
) -> dict:
    """The case of a complaint first seen, routed by its category's ``rule``, with due times;
    a complaint that arrives already answered counts as answered when its source last changed
    it."""
    received = change.created_at or now
    status = _status(change.status)
    answered_at = change.updated_at or now
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
    case["remind_at"] = first_look(SimpleNamespace(**case), rules, now)
    return case


def follow_status(case: Any, status: str, at: datetime) -> dict:
    """Apply a status the source changed to ``case`` (a case or its columns as attributes);
    return the history event for it."""
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


def _stored(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The columns of the stored cases of ``ids``, by record id."""
    if not ids:
        return {}
    columns = [getattr(ComplaintCase, name) for name in COLUMNS]
    rows = session.execute(select(*columns).where(among(session, ComplaintCase.record_id, ids)))
    return {row.record_id: row._asdict() for row in rows}


def _write(
    session: Session, stored: dict[int, dict[str, Any]], cases: dict[int, SimpleNamespace]
) -> None:
    """Write the columns of ``cases`` that changed since they were read from ``stored``: one
    executemany UPDATE per set of changed columns (as the ORM's flush would)."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record_id, case in cases.items():
        changed = {
            name: getattr(case, name)
            for name, value in stored[record_id].items()
            if getattr(case, name) != value
        }
        if changed:
            shapes.setdefault(tuple(sorted(changed)), []).append({"b_id": record_id, **changed})
    for rows in shapes.values():
        session.execute(UPDATE, rows)


def _status(value: str | None) -> str:
    return value if value in CANONICAL else OPEN
