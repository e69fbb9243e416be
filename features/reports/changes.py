"""Every change to a report: create (idempotent), update, attach a file, review.

Each checks who may make it and what is sent before anything is written, writes in the caller's
transaction, and leaves an entry in the audit log. A review is told to the report's author. A
refusal is a :class:`Problem`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from features.reports.access import may_edit, may_review, readable, writable_area
from features.reports.bounds import city_box, city_code
from features.reports.fields import MAX_COMMENT, Rules, read_client_id, read_fields, read_text
from features.reports.models import (
    ACCEPTED,
    KIND,
    RETURNED,
    SUBMITTED,
    ActivityReport,
    ReportAttachment,
)
from features.reports.settings import report_settings
from features.reports.uploads import store_upload
from hub.api import (
    Area,
    Hub,
    Message,
    Problem,
    Storage,
    User,
    audit,
    current_hub,
    note_change,
    notify,
    utcnow,
)

DECISIONS = {"accept": ACCEPTED, "return": RETURNED}


def rules_for(session: Session, user: User, hub: Hub) -> Rules:
    """What ``user``'s reports are checked against; refused if they do not write reports."""
    area_code = writable_area(user)
    if area_code is None:
        raise Problem(
            "not_a_writer",
            _l("Only the staff of a kelurahan can write activity reports."),
            status=403,
        )
    area = session.get(Area, area_code)
    city = session.get(Area, city_code(area_code))
    return Rules(
        activity_types=report_settings(hub).activity_types,
        area_code=area_code,
        area_name=area.name if area else area_code,
        today=dt.datetime.now(ZoneInfo(hub.settings.timezone)).date(),
        city_box=city_box(area_code),
        city_name=city.name if city else city_code(area_code),
    )


def create_report(
    session: Session, user: User, data: Mapping[str, Any], hub: Hub
) -> tuple[ActivityReport, bool]:
    """The report ``user`` made with ``data["client_id"]``: found if it exists (False), else
    created (True). Sending the same create again never makes a second report."""
    rules = rules_for(session, user, hub)
    client_id = read_client_id(data.get("client_id"))
    existing = _by_client_id(session, user, client_id)
    if existing is not None:
        return existing, False
    values = read_fields(data, rules)
    report = ActivityReport(
        client_id=client_id, author_id=user.id, area_code=rules.area_code, status=SUBMITTED
    )
    for name, value in values.items():
        setattr(report, name, value)
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:
        existing = _by_client_id(session, user, client_id)
        if existing is None:
            raise
        return existing, False
    audit(session, user, "report.create", KIND, report.id, client_id=client_id)
    note_change(session, [KIND], [report.area_code])
    return report, True


def update_report(
    session: Session, user: User, report_id: int, data: Mapping[str, Any], hub: Hub
) -> ActivityReport:
    """Change the fields in ``data``; a returned report goes back to its reviewer."""
    report = _editable(session, user, report_id)
    values = read_fields(data, rules_for(session, user, hub), partial=True)
    changed = sorted(name for name, value in values.items() if getattr(report, name) != value)
    for name in changed:
        setattr(report, name, values[name])
    resubmitted = report.status == RETURNED
    report.status = SUBMITTED
    report.updated_at = utcnow()
    audit(session, user, "report.update", KIND, report.id, fields=changed, resubmitted=resubmitted)
    note_change(session, [KIND], [report.area_code])
    return report


def attach_file(
    session: Session, user: User, report_id: int, upload: FileStorage, storage: Storage, limit: int
) -> tuple[ReportAttachment, bool]:
    """Store ``upload`` and attach it to the report; the same content again finds the attachment
    it already made (False). A photo's GPS position locates a report that has none yet."""
    report = _editable(session, user, report_id)
    stored = store_upload(upload, storage, limit)
    existing = _attachment(session, report.id, stored.digest)
    if existing is not None:
        return existing, False
    attachment = ReportAttachment(
        report_id=report.id,
        digest=stored.digest,
        kind=stored.kind,
        content_type=stored.content_type,
        size=stored.size,
        name=stored.name,
        thumbnail_digest=stored.thumbnail_digest,
        width=stored.width,
        height=stored.height,
    )
    try:
        with session.begin_nested():
            session.add(attachment)
    except IntegrityError:
        existing = _attachment(session, report.id, stored.digest)
        if existing is None:
            raise
        return existing, False
    if (
        stored.location
        and report.latitude is None
        and city_box(report.area_code).contains(*stored.location)
    ):
        report.latitude, report.longitude = stored.location
        report.location_source = "photo"
    audit(
        session,
        user,
        "report.attach",
        KIND,
        report.id,
        attachment_id=attachment.id,
        name=attachment.name,
        digest=attachment.digest,
    )
    note_change(session, [KIND], [report.area_code])
    return attachment, True


def review_report(
    session: Session, user: User, report_id: int, data: Mapping[str, Any]
) -> ActivityReport:
    """Accept or return a submitted report, with a comment (required to return it)."""
    report = _locked(session, user, report_id)
    if not may_review(user, report):
        raise Problem(
            "not_a_reviewer",
            _l("Only the reviewers of this kelurahan's kecamatan can review its reports."),
            status=403,
        )
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise Problem("invalid", _l("Choose to accept or to return the report."), "decision", 422)
    comment = read_text(data.get("comment"), "comment", MAX_COMMENT)
    if decision == "return" and not comment:
        raise Problem("required", _l("Say what must be fixed before returning it."), "comment", 422)
    if report.status != SUBMITTED:
        raise Problem(
            "already_reviewed",
            _l("This report has already been reviewed; it waits for its author."),
            status=409,
        )
    report.status = DECISIONS[decision]
    report.review_comment = comment
    report.reviewer_id = user.id
    report.reviewed_at = utcnow()
    audit(session, user, f"report.{decision}", KIND, report.id, comment=comment)
    note_change(session, [KIND], [report.area_code])
    author = session.get(User, report.author_id)
    notify(current_hub(), session, [author], _reviewed_message(report, user))
    return report


def _reviewed_message(report: ActivityReport, reviewer: User) -> Message:
    """What a report's author is told of its review: what to do next, with a link to it."""
    title, comment = report.title, report.review_comment
    person = reviewer.full_name or reviewer.username
    accepted = report.status == ACCEPTED

    def text(_count: int) -> tuple[str, str]:
        if accepted:
            return (
                gettext("Your report “%(title)s” is accepted", title=title),
                gettext("%(person)s accepted it: nothing more to do.", person=person)
                + (f" “{comment}”" if comment else ""),
            )
        return (
            gettext("Your report “%(title)s” is returned for changes", title=title),
            gettext(
                "%(person)s asks: “%(comment)s” Change the report and send it again.",
                person=person,
                comment=comment,
            ),
        )

    return Message(kind="report.reviewed", url=f"/reports/{report.id}", text=text)


def visible_report(session: Session, user: User, report_id: int) -> ActivityReport:
    """The report, if ``user`` may read it; else a 404 problem."""
    report = session.scalar(
        select(ActivityReport).where(ActivityReport.id == report_id, readable(user))
    )
    if report is None:
        raise not_found()
    return report


def _locked(session: Session, user: User, report_id: int) -> ActivityReport:
    report = session.scalar(
        select(ActivityReport)
        .where(ActivityReport.id == report_id, readable(user))
        .with_for_update()
    )
    if report is None:
        raise not_found()
    return report


def _editable(session: Session, user: User, report_id: int) -> ActivityReport:
    report = _locked(session, user, report_id)
    check_editable(user, report)
    return report


def check_editable(user: User, report: ActivityReport) -> None:
    """Refuse unless ``user`` may change ``report`` now."""
    if not may_edit(user, report):
        raise Problem(
            "forbidden_area",
            _l("You can only change the reports of your own kelurahan."),
            status=403,
        )
    if report.status == ACCEPTED:
        raise Problem(
            "already_accepted", _l("An accepted report can no longer be changed."), status=409
        )


def not_found() -> Problem:
    return Problem(
        "not_found", _l("There is no such report, or it is outside your area."), status=404
    )


def _by_client_id(session: Session, user: User, client_id: str) -> ActivityReport | None:
    return session.scalar(
        select(ActivityReport).where(
            ActivityReport.author_id == user.id, ActivityReport.client_id == client_id
        )
    )


def _attachment(session: Session, report_id: int, digest: str) -> ReportAttachment | None:
    return session.scalar(
        select(ReportAttachment).where(
            ReportAttachment.report_id == report_id, ReportAttachment.digest == digest
        )
    )
