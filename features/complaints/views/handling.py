"""Handling a complaint from its page: answer, hand off, assign, merge, reopen, resend; the
complaint's photos, the citizen's (the hub's copy) and the answers'."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from features.complaints import actions, outbox, photos, sla
from features.complaints.access import may_handle
from features.complaints.cases import KIND
from features.complaints.duplicates import suggestions
from features.complaints.models import (
    ComplaintCase,
    ComplaintEvent,
    ComplaintPhoto,
    OutboxMessage,
)
from features.complaints.queries import complaint_rows, complaints, visible_complaints
from features.complaints.settings import routing_of
from features.complaints.spot import spot_map
from features.complaints.statuses import FINISHED, NEXT, RESOLUTIONS
from hub.api import (
    OPERATORS,
    Area,
    Problem,
    Record,
    Source,
    User,
    current_hub,
    has_role,
    open_storage,
    refused_reply,
    roles_required,
    saved_reply,
    source_health,
    wants_json,
)

blueprint = Blueprint(
    "handling", __name__, url_prefix="/complaints", template_folder="../templates"
)
blueprint.add_app_template_global(sla.overdue, "overdue")

RESOLUTION_LABELS = {
    "not_our_duty": _l("Not our duty"),
    "duplicate": _l("A duplicate"),
    "rejected": _l("Rejected"),
}
EVENT_LABELS = {
    "answer": _l("Answered"),
    "status": _l("Status changed at the source"),
    "dispute": _l("Disputed by the citizen"),
    "handoff": _l("Handed off"),
    "assign": _l("Assigned"),
    "merge": _l("Closed as a duplicate"),
    "reopen": _l("Reopened"),
}
OUTBOX_LABELS = {
    outbox.PENDING: _l("Waiting to be sent"),
    outbox.SENDING: _l("Sending"),
    outbox.SENT: _l("Sent"),
    outbox.FAILED: _l("Failed"),
}
PHOTO_COPYING = _l("The photo is being copied from the source app.")
PHOTO_MISSING = {
    photos.UNREACHABLE: _l("The photo is not available: the source app could not be reached."),
    photos.SERVER_ERROR: _l("The photo is not available: the source app failed to send it."),
    photos.REFUSED: _l("The photo is not available: the source app refused to send it."),
    photos.TOO_LARGE: _l("The photo is not available: the file is too large."),
    photos.NOT_AN_IMAGE: _l(
        "The photo is not available: the source app sent something that is not a photo."
    ),
    photos.HOST_NOT_ALLOWED: _l(
        "The photo is not available: its address is not on a host the hub fetches photos from."
    ),
}
PHOTO_RETRY = _l("It will be tried again later.")


@dataclass(frozen=True)
class CitizenPhoto:
    """What the complaint page shows of the citizen's photo: the hub's copy (``src``), or a
    note saying why there is none yet; neither when the source gave no photo."""

    src: str | None = None
    note: str | None = None


@blueprint.app_context_processor
def labels() -> dict[str, dict]:
    return {
        "resolution_labels": RESOLUTION_LABELS,
        "event_labels": EVENT_LABELS,
        "outbox_labels": OUTBOX_LABELS,
    }


def render_detail(
    record_id: int,
    *,
    problem: Problem | None = None,
    form: Mapping[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The complaint page: the complaint, its source's health, and its handling; with the
    problem of a refused action and what the person had typed, when there is one."""
    with current_hub().db.read_session() as session:
        row = session.execute(
            complaint_rows().where(Record.id == record_id, *visible_complaints(current_user))
        ).first()
        if row is None:
            abort(404)
        page = render_template(
            "complaints/detail.html",
            kind=current_hub().record_kinds[KIND],
            row=row,
            health=source_health(session, row.Record.source_id),
            show_payload=has_role(*OPERATORS),
            problem=problem,
            form=form or {},
            **handling_context(session, current_user, row.Record, row.ComplaintCase),
        )
    return page, status


def handling_context(
    session: Session, user: User, record: Record, case: ComplaintCase
) -> dict[str, Any]:
    """What the complaint page shows about its handling, and the forms ``user`` may use."""
    handles = may_handle(user, case)
    routing = routing_of(current_hub())
    return {
        "case": case,
        "events": session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.record_id == record.id)
            .order_by(ComplaintEvent.at, ComplaintEvent.id)
        ).all(),
        "messages": session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.record_id == record.id)
            .order_by(OutboxMessage.id)
        ).all(),
        "agency": routing.agency(case.agency_code),
        "assignee": session.get(User, case.assignee_id) if case.assignee_id else None,
        "handles": handles,
        "next_statuses": (case.status, *NEXT.get(case.status, ())) if handles else (),
        "resolutions": RESOLUTIONS,
        "finished": case.status in FINISHED,
        "agencies": routing.agencies,
        "villages": _villages(session, case) if handles else [],
        "assignable": _assignable(session, case) if handles else [],
        "duplicates": suggestions(session, user, record, case) if handles else [],
        "operator": has_role(*OPERATORS),
        "citizen_photo": citizen_photo(session.get(ComplaintPhoto, record.id)),
        "client_id": uuid.uuid4().hex,
        "spot": spot_map(session, user, record),
    }


def citizen_photo(photo: ComplaintPhoto | None) -> CitizenPhoto:
    if photo is None:
        return CitizenPhoto()
    if photo.state == photos.STORED and photo.digest:
        return CitizenPhoto(
            src=url_for("handling.photo", record_id=photo.record_id, digest=photo.digest)
        )
    if photo.state != photos.MISSING:
        return CitizenPhoto(note=str(PHOTO_COPYING))
    note = str(PHOTO_MISSING.get(photo.reason or "", PHOTO_MISSING[photos.UNREACHABLE]))
    if photo.detail:
        note += f" ({photo.detail})"
    if photo.next_attempt_at is not None:
        note += " " + str(PHOTO_RETRY)
    return CitizenPhoto(note=note)


@blueprint.post("/<int:record_id>/answer")
@login_required
def answer(record_id: int) -> Response:
    uploads = [
        actions.Upload(f.filename or "foto", f.stream)
        for f in request.files.getlist("photos")
        if f.filename
    ]
    hub = current_hub()

    def act(session: Session) -> None:
        actions.answer(
            session,
            current_user,
            open_storage(hub.settings),
            record_id,
            status=request.form.get("status", ""),
            note=request.form.get("note", ""),
            photos=uploads,
            resolution=request.form.get("resolution") or None,
            max_bytes=hub.settings.upload_max_bytes,
            writes_back=_writes_back(session, record_id),
            client_id=request.form.get("client_id"),
            seen_status=request.form.get("seen_status"),
        )

    try:
        return _acted(record_id, act, gettext("Your answer is saved."))
    except IntegrityError:
        # The same answer (its client_id) arrived twice at once; the other send stored it.
        return saved_reply(url_for("complaints.detail", record_id=record_id))


@blueprint.post("/<int:record_id>/handoff")
@login_required
def hand_off(record_id: int) -> Response:
    def act(session: Session) -> None:
        actions.hand_off(
            session,
            current_user,
            routing_of(current_hub()),
            record_id,
            area_code=request.form.get("area_code") or None,
            agency_code=request.form.get("agency_code") or None,
            note=request.form.get("note", ""),
        )

    response = _acted(record_id, act, gettext("The complaint is handed off."))
    if isinstance(response, Response) and not _still_visible(record_id):
        flash(
            gettext("It has left your list: it is now with the kelurahan or agency you chose."),
            "info",
        )
        return redirect(url_for("complaints.index"))
    return response


@blueprint.post("/<int:record_id>/assign")
@login_required
def assign(record_id: int) -> Response:
    def act(session: Session) -> None:
        assignee = request.form.get("assignee_id", "")
        actions.assign(
            session, current_user, record_id, int(assignee) if assignee.isdecimal() else 0
        )

    return _acted(record_id, act, gettext("The complaint is assigned."))


@blueprint.post("/<int:record_id>/merge")
@login_required
def merge(record_id: int) -> Response:
    def act(session: Session) -> None:
        into = request.form.get("into", "")
        actions.merge(
            session,
            current_user,
            record_id,
            int(into) if into.isdecimal() else 0,
            writes_back=_writes_back(session, record_id),
        )

    return _acted(record_id, act, gettext("The complaint is closed as a duplicate."))


@blueprint.post("/<int:record_id>/reopen")
@roles_required(*OPERATORS)
def reopen(record_id: int) -> Response:
    def act(session: Session) -> None:
        actions.reopen(session, current_user, record_id, request.form.get("note", ""))

    return _acted(record_id, act, gettext("The complaint is open again."))


@blueprint.post("/<int:record_id>/outbox/<int:message_id>/retry")
@roles_required(*OPERATORS)
def resend(record_id: int, message_id: int) -> Response:
    with current_hub().db.session() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.record_id != record_id:
            abort(404)
        outbox.retry_now(message)
    flash(gettext("The answer will be sent again."), "info")
    return redirect(url_for("complaints.detail", record_id=record_id))


@blueprint.get("/<int:record_id>/photos/<digest>")
@login_required
def photo(record_id: int, digest: str) -> Response:
    """A photo of the complaint (the hub's copy of the citizen's, or one of an answer), to those
    who may see the complaint; never fetched from the source app."""
    with current_hub().db.read_session() as session:
        visible = session.scalar(
            complaints(Record.id).where(Record.id == record_id, *visible_complaints(current_user))
        )
        citizens = session.scalar(
            select(ComplaintPhoto.digest).where(
                ComplaintPhoto.record_id == record_id, ComplaintPhoto.state == photos.STORED
            )
        )
        events = session.scalars(
            select(ComplaintEvent.detail).where(ComplaintEvent.record_id == record_id)
        ).all()
    answers = any(digest in detail.get("photos", []) for detail in events)
    if visible is None or not (digest == citizens or answers):
        abort(404)
    try:
        stored = open_storage(current_hub().settings).open(digest)
    except FileNotFoundError:
        abort(404)
    response = send_file(stored, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _acted(
    record_id: int, act: Callable[[Session], None], done: str
) -> Response | tuple[str | Response, int]:
    """Run ``act`` in one transaction; a refusal goes back to the page with its message, the
    person's words kept in the form (or, to a form sent from a phone's queue, as JSON)."""
    try:
        with current_hub().db.session() as session:
            act(session)
    except Problem as problem:
        if wants_json():
            return refused_reply(problem)
        if problem.status in (403, 404):
            abort(problem.status)
        return render_detail(record_id, problem=problem, form=request.form, status=400)
    if not wants_json():
        flash(done, "info")
    return saved_reply(url_for("complaints.detail", record_id=record_id))


def _still_visible(record_id: int) -> bool:
    """Whether the signed-in user may still see the complaint (after a hand-off, maybe not)."""
    with current_hub().db.read_session() as session:
        case = session.get(ComplaintCase, record_id)
        return case is not None and may_handle(current_user, case)


def _writes_back(session: Session, record_id: int) -> bool:
    source_type_name = session.scalar(
        select(Source.type)
        .join(Record, Record.source_id == Source.id)
        .where(Record.id == record_id)
    )
    source_type = current_hub().source_types.get(source_type_name or "")
    return source_type is not None and source_type.write_back is not None


def _villages(session: Session, case: ComplaintCase) -> list[Area]:
    """The kelurahan of the complaint's city, for a hand-off."""
    city = ".".join((case.area_code or "").split(".")[:2])
    return session.scalars(
        select(Area).where(Area.level == "village", Area.code.like(f"{city}.%")).order_by(Area.name)
    ).all()


def _assignable(session: Session, case: ComplaintCase) -> list[User]:
    people = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(("officer", "ward_staff")))
        .order_by(User.full_name, User.username)
    ).all()
    return [person for person in people if may_handle(person, case)]
