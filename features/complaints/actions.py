"""What officials do to a complaint: answer it, hand it off, assign it, merge it, reopen it.

Each action checks who may do it and what the workflow allows, changes the case, adds a history
event and an audit entry, (for answers) queues the write-back to the source app, and tells the
people a hand-off, an assignment or a reopening concerns, all in the caller's transaction. A
refused action raises :class:`~hub.problems.Problem` with a message for the person and changes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from features.complaints import notices, outbox, rollups
from features.complaints.access import may_handle
from features.complaints.cases import KIND
from features.complaints.kind import COMPLAINT
from features.complaints.models import ComplaintCase, ComplaintEvent, area_parts
from features.complaints.queries import complaints, visible_complaints
from features.complaints.routing import Routing
from features.complaints.statuses import (
    CLOSED,
    DISPOSITION,
    FINISHED,
    OPEN,
    RESOLUTIONS,
    RESOLVED,
    may_move,
)
from hub.api import (
    PHOTO,
    Area,
    Problem,
    Record,
    Storage,
    User,
    audit,
    checked_type,
    current_hub,
    note_change,
    process_photo,
    utcnow,
)

NOTE_LIMIT = 2000
PHOTO_LIMIT = 4
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


@dataclass(frozen=True)
class Upload:
    """A photo as the form sent it: the browser's file name and the spooled content."""

    name: str
    stream: BinaryIO


def answer(
    session: Session,
    user: User,
    storage: Storage,
    record_id: int,
    *,
    status: str,
    note: str,
    photos: Sequence[Upload] = (),
    resolution: str | None = None,
    max_bytes: int,
    writes_back: bool,
    client_id: str | None = None,
    seen_status: str | None = None,
) -> ComplaintEvent:
    """Answer a complaint with a note, photos and a new (or the same) status.

    ``client_id``, chosen by the form once per answer, makes the same answer sent again (a
    double tap, or a phone sending what it kept without signal) return the answer it made.
    ``seen_status`` is the status the person saw when they wrote: an answer to a complaint whose
    status changed since is refused, so an answer that waited on a phone overwrites nothing.
    """
    case = handled_case(session, user, record_id)
    client_id = _client_id(client_id)
    earlier = client_id and _answered_before(session, record_id, client_id)
    if earlier:
        return earlier
    if seen_status and seen_status != case.status:
        raise Problem(
            "changed",
            _l(
                "While your answer waited, the complaint changed: it is now “%(status)s”. Your"
                " answer was not saved; read the complaint again before you answer.",
                status=_status_label(case.status),
            ),
            "status",
            409,
        )
    note = _note(note)
    _check_answer(case, status, photos, resolution)
    digests = [_store_photo(storage, photo, max_bytes) for photo in photos]
    previous, before = case.status, rollups.snapshot(case)
    now = utcnow()
    case.status, case.updated_at = status, now
    case.first_response_at = case.first_response_at or now
    if status in FINISHED:
        case.resolved_at, case.resolution = now, resolution if status == CLOSED else None
    rollups.moved(session, [(before, rollups.after(case))])
    event = _event(session, case, user, "answer", previous, note, photos=digests)
    event.client_id = client_id or None
    audit(
        session,
        user,
        "complaint.answer",
        "complaint",
        record_id,
        status=status,
        photos=len(digests),
    )
    if writes_back:
        record = session.get(Record, record_id)
        outbox.queue_write_back(session, record, event.id, status, note, _author(user), digests)
    return event


def hand_off(
    session: Session,
    user: User,
    routing: Routing,
    record_id: int,
    *,
    area_code: str | None,
    agency_code: str | None,
    note: str,
) -> ComplaintEvent:
    """Hand a complaint off (disposisi) to another kelurahan and/or agency."""
    case = handled_case(session, user, record_id)
    if case.status in FINISHED:
        raise Problem("finished", _l("A finished complaint cannot be handed off."), "status")
    if not area_code and not agency_code:
        raise Problem("target", _l("Choose a kelurahan or an agency to hand off to."), "target")
    if area_code and session.get(Area, area_code) is None:
        raise Problem("area", _l("Unknown area %(code)s.", code=area_code), "area_code")
    if agency_code and routing.agency(agency_code) is None:
        raise Problem("agency", _l("Unknown agency %(code)s.", code=agency_code), "agency_code")
    previous, before = case.status, rollups.snapshot(case)
    detail = {
        "from_area": case.area_code,
        "from_agency": case.agency_code,
        "to_area": area_code or case.area_code,
        "to_agency": agency_code or case.agency_code,
    }
    case.area_code, case.agency_code = detail["to_area"], detail["to_agency"]
    case.district_code, case.regency_code = area_parts(case.area_code)
    case.assignee_id = None
    if may_move(case.status, DISPOSITION):
        case.status = DISPOSITION
    case.updated_at = utcnow()
    rollups.moved(session, [(before, rollups.after(case))])
    event = _event(session, case, user, "handoff", previous, _note(note), **detail)
    audit(session, user, "complaint.handoff", "complaint", record_id, **detail)
    before = (detail["from_area"], detail["from_agency"])
    notices.handed_off(current_hub(), session, user, case, before, event.note)
    return event


def assign(session: Session, user: User, record_id: int, assignee_id: int) -> ComplaintEvent:
    """Give a complaint to one officer or ward staff member who may handle it."""
    case = handled_case(session, user, record_id)
    assignee = session.get(User, assignee_id)
    if assignee is None or not assignee.active or not may_handle(assignee, case):
        raise Problem("assignee", _l("That person cannot handle this complaint."), "assignee")
    case.assignee_id, case.updated_at = assignee.id, utcnow()
    event = _event(session, case, user, "assign", case.status, "", assignee=assignee.username)
    audit(session, user, "complaint.assign", "complaint", record_id, assignee=assignee.username)
    notices.assigned(current_hub(), session, user, case, assignee)
    return event


def merge(
    session: Session, user: User, record_id: int, into_id: int, *, writes_back: bool
) -> ComplaintEvent:
    """Close a complaint as a duplicate of another of the same category that ``user`` may see;
    one they may not see is refused as if there were none."""
    case = handled_case(session, user, record_id)
    original = session.scalar(
        complaints(ComplaintCase).where(Record.id == into_id, *visible_complaints(user))
    )
    if original is None or into_id == record_id or original.duplicate_of_id is not None:
        raise Problem("original", _l("Choose another complaint to merge into."), "into")
    if original.category != case.category:
        raise Problem("original", _l("Only complaints of the same category merge."), "into")
    if case.status in FINISHED:
        raise Problem("finished", _l("This complaint is already finished."), "status")
    note = str(_l("Duplicate of complaint #%(id)d.", id=into_id))
    previous, now, before = case.status, utcnow(), rollups.snapshot(case)
    case.status, case.resolution, case.duplicate_of_id = CLOSED, "duplicate", into_id
    case.resolved_at, case.updated_at = now, now
    case.first_response_at = case.first_response_at or now
    rollups.moved(session, [(before, rollups.after(case))])
    event = _event(session, case, user, "merge", previous, note, into=into_id)
    audit(session, user, "complaint.merge", "complaint", record_id, into=into_id)
    if writes_back:
        record = session.get(Record, record_id)
        outbox.queue_write_back(session, record, event.id, CLOSED, note, _author(user), [])
    return event


def reopen(session: Session, user: User, record_id: int, note: str) -> ComplaintEvent:
    """Reopen a finished complaint (a citizen's dispute received another way)."""
    case = handled_case(session, user, record_id)
    if case.status not in FINISHED:
        raise Problem("not_finished", _l("Only a finished complaint can be reopened."), "status")
    previous, before = case.status, rollups.snapshot(case)
    case.status, case.resolution, case.resolved_at = OPEN, None, None
    case.duplicate_of_id = None
    case.reopened += 1
    case.updated_at = case.remind_at = utcnow()
    rollups.moved(session, [(before, rollups.after(case))])
    event = _event(session, case, user, "reopen", previous, _note(note))
    audit(session, user, "complaint.reopen", "complaint", record_id)
    notices.reopened(current_hub(), session, [case], user)
    return event


def handled_case(session: Session, user: User, record_id: int) -> ComplaintCase:
    """The case of ``record_id``, locked for this change, if ``user`` may handle it."""
    case = session.scalars(
        select(ComplaintCase).where(ComplaintCase.record_id == record_id).with_for_update()
    ).one_or_none()
    if case is None:
        raise Problem("not_found", _l("No such complaint."), None, 404)
    if not may_handle(user, case):
        raise Problem("forbidden", _l("This complaint is not yours to handle."), None, 403)
    return case


def _check_answer(
    case: ComplaintCase, status: str, photos: Sequence[Upload], resolution: str | None
) -> None:
    if case.status in FINISHED:
        raise Problem("finished", _l("This complaint is finished; reopen it first."), "status")
    if status != case.status and not may_move(case.status, status):
        raise Problem("status", _l("A complaint cannot go from this status to that one."), "status")
    if status == RESOLVED and not photos:
        raise Problem("photo", _l("A complaint marked done needs an “after” photo."), "photos")
    if status == CLOSED and resolution not in RESOLUTIONS:
        raise Problem(
            "resolution", _l("Say why the complaint is closed without a fix."), "resolution"
        )
    if len(photos) > PHOTO_LIMIT:
        raise Problem("photos", _l("At most %(count)d photos.", count=PHOTO_LIMIT), "photos")


def _client_id(value: str | None) -> str | None:
    value = (value or "").strip()
    if value and not CLIENT_ID.fullmatch(value):
        raise Problem("client_id", _l("The form is damaged: reload the page."), "client_id")
    return value or None


def _answered_before(session: Session, record_id: int, client_id: str) -> ComplaintEvent | None:
    return session.scalar(
        select(ComplaintEvent).where(
            ComplaintEvent.record_id == record_id, ComplaintEvent.client_id == client_id
        )
    )


def _status_label(status: str) -> str:
    found = COMPLAINT.status(status)
    return str(found.label) if found else status


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise Problem("note", _l("Write a note: what was done, or what happens next."), "note")
    if len(note) > NOTE_LIMIT:
        raise Problem(
            "note",
            _l("The note is too long (at most %(count)d characters).", count=NOTE_LIMIT),
            "note",
        )
    return note


def _store_photo(storage: Storage, upload: Upload, max_bytes: int) -> str:
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    if size > max_bytes:
        raise Problem(
            "too_large",
            _l(
                "“%(name)s” is larger than %(mb)d MB.",
                name=upload.name,
                mb=max_bytes // (1024 * 1024),
            ),
            "photos",
            413,
        )
    if checked_type(upload.name, upload.stream).kind != PHOTO:
        raise Problem(
            "not_a_photo", _l("“%(name)s” is not a photo.", name=upload.name), "photos", 415
        )
    photo = process_photo(upload.stream, upload.name)
    return storage.put(BytesIO(photo.image)).digest


def _event(
    session: Session,
    case: ComplaintCase,
    user: User,
    action: str,
    previous: str,
    note: str,
    **detail: object,
) -> ComplaintEvent:
    event = ComplaintEvent(
        record_id=case.record_id,
        user_id=user.id,
        actor=user.username,
        action=action,
        from_status=previous,
        to_status=case.status,
        note=note,
        detail=detail,
    )
    session.add(event)
    session.flush()
    note_change(session, [KIND], None)
    return event


def _author(user: User) -> str:
    return user.full_name or user.username
