"""The reports' portal pages: the list, the upload form, one report, the review queue, files.

The form works without JavaScript (one POST with the fields and the files); ``reports.js`` makes
it keep a draft, send the report through the JSON API and upload files one by one with progress.
A refused file is named on the report's page; the report and its other files are kept.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from features.reports import changes
from features.reports.access import is_reviewer, may_edit, may_review, readable, writable_area
from features.reports.filters import area_options, page_number, parse_filters
from features.reports.models import ACCEPTED, SUBMITTED, ActivityReport, ReportAttachment
from features.reports.queries import count, names_of, report_rows
from features.reports.settings import report_settings
from features.reports.states import STATES
from features.reports.uploads import megabytes
from hub.api import (
    ERROR_MESSAGES,
    InvalidFields,
    Problem,
    current_hub,
    open_storage,
    refused_reply,
    saved_reply,
    wants_json,
)

PAGE_SIZE = 30
FORM_FIELDS = (
    "client_id",
    "activity_type",
    "date",
    "title",
    "description",
    "participants",
    "latitude",
    "longitude",
    "location_source",
)
REPORT_ID = "<int(max=2147483647):report_id>"
ATTACHMENT_ID = "<int(max=2147483647):attachment_id>"

blueprint = Blueprint(
    "reports",
    __name__,
    url_prefix="/reports",
    template_folder="templates",
    static_folder="static",
)


@blueprint.errorhandler(Problem)
def problem_page(problem: Problem) -> tuple[str, int]:
    title, _message = ERROR_MESSAGES.get(problem.status, ERROR_MESSAGES[400])
    page = render_template("error.html", code=problem.status, title=title, message=problem.message)
    return page, problem.status


@blueprint.get("")
@login_required
def index() -> str:
    activity_types = report_settings(current_hub()).activity_types
    filters, problems = parse_filters(request.args, activity_types)
    where = [readable(current_user), *filters.clauses()]
    with current_hub().db.read_session() as session:
        total = count(session, *where)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(page_number(request.args), pages)
        rows = session.execute(
            report_rows(*where).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
        districts, villages = area_options(session, current_user, filters.district)
    return render_template(
        "reports/index.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        problems=problems,
        districts=districts,
        villages=villages,
        activity_types=activity_types,
        states=STATES,
        can_write=writable_area(current_user) is not None,
        can_review=is_reviewer(current_user),
    )


@blueprint.get("/review")
@login_required
def review_queue() -> str:
    if not is_reviewer(current_user):
        raise Problem("not_a_reviewer", ERROR_MESSAGES[403][1], status=403)
    where = [readable(current_user), ActivityReport.status == SUBMITTED]
    with current_hub().db.read_session() as session:
        rows = session.execute(
            report_rows(*where)
            .order_by(None)
            .order_by(ActivityReport.created_at, ActivityReport.id)
            .limit(200)
        ).all()
    return render_template("reports/review.html", rows=rows, states=STATES)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int] | str:
    hub = current_hub()
    with hub.db.read_session() as session:
        rules = changes.rules_for(session, current_user, hub)
    if request.method == "GET":
        return _form_page(rules, {"client_id": uuid.uuid4().hex, "date": rules.today.isoformat()})
    values = _form_values()
    try:
        with hub.db.session() as session:
            report, created = changes.create_report(session, _user(), values, hub)
            report_id = report.id
    except InvalidFields as invalid:
        if wants_json():
            return refused_reply(invalid)
        return _form_page(rules, values, invalid.by_field()), invalid.status
    if created:
        _attach_all(report_id, _chosen_files())
    if not wants_json():
        flash(gettext("The report is saved."), "success")
    return saved_reply(url_for("reports.detail", report_id=report_id))


@blueprint.route(f"/{REPORT_ID}/edit", methods=["GET", "POST"])
@login_required
def edit(report_id: int) -> Response | tuple[str, int] | str:
    hub = current_hub()
    with hub.db.read_session() as session:
        report = changes.visible_report(session, current_user, report_id)
        changes.check_editable(current_user, report)
        rules = changes.rules_for(session, current_user, hub)
    if request.method == "GET":
        return _form_page(rules, _report_values(report), report=report)
    values = _form_values()
    values.pop("client_id")
    try:
        with hub.db.session() as session:
            changes.update_report(session, _user(), report_id, values, hub)
    except InvalidFields as invalid:
        return _form_page(rules, values, invalid.by_field(), report=report), invalid.status
    flash(gettext("The report is saved."), "success")
    _attach_all(report_id, _chosen_files())
    return redirect(url_for("reports.detail", report_id=report_id))


@blueprint.get(f"/{REPORT_ID}")
@login_required
def detail(report_id: int) -> str:
    with current_hub().db.read_session() as session:
        row = session.execute(
            report_rows(ActivityReport.id == report_id, readable(current_user))
        ).first()
        if row is None:
            raise changes.not_found()
        report = row.ActivityReport
        attachments = list(report.attachments)
        people = names_of(session, report.author_id, report.reviewer_id)
    return render_template(
        "reports/detail.html",
        row=row,
        report=report,
        attachments=attachments,
        people=people,
        state=STATES[report.status],
        can_edit=may_edit(current_user, report) and report.status != ACCEPTED,
        can_review=may_review(current_user, report) and report.status == SUBMITTED,
    )


@blueprint.post(f"/{REPORT_ID}/review")
@login_required
def review(report_id: int) -> Response:
    try:
        with current_hub().db.session() as session:
            report = changes.review_report(session, _user(), report_id, request.form)
            decided = report.status
    except Problem as problem:
        if problem.status != 422:
            raise
        flash(problem.message, "error")
        return redirect(url_for("reports.detail", report_id=report_id))
    message = gettext("Report accepted.") if decided == ACCEPTED else gettext("Report returned.")
    flash(message, "success")
    return redirect(url_for("reports.review_queue"))


@blueprint.get(f"/attachments/{ATTACHMENT_ID}")
@login_required
def attachment(attachment_id: int) -> Response:
    found = _visible_attachment(attachment_id)
    return _send(found.digest, found.content_type, found.name, inline=found.kind == "photo")


@blueprint.get(f"/attachments/{ATTACHMENT_ID}/thumbnail")
@login_required
def thumbnail(attachment_id: int) -> Response:
    found = _visible_attachment(attachment_id)
    if not found.thumbnail_digest:
        raise changes.not_found()
    return _send(found.thumbnail_digest, "image/jpeg", found.name, inline=True)


def _send(digest: str, content_type: str, name: str, *, inline: bool) -> Response:
    """A stored file as a response, streamed, cached privately (its content never changes)."""
    response = send_file(
        open_storage(current_hub().settings).open(digest),
        mimetype=content_type,
        as_attachment=not inline,
        download_name=name,
        etag=digest,
        max_age=86400,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


def _visible_attachment(attachment_id: int) -> ReportAttachment:
    with current_hub().db.read_session() as session:
        found = session.scalar(
            select(ReportAttachment)
            .join(ActivityReport)
            .where(ReportAttachment.id == attachment_id, readable(current_user))
        )
    if found is None:
        raise changes.not_found()
    return found


def _form_page(
    rules: changes.Rules,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    report: ActivityReport | None = None,
) -> str:
    return render_template(
        "reports/form.html",
        rules=rules,
        values=values,
        errors=errors or {},
        report=report,
        upload_limit=megabytes(current_hub().settings.upload_max_bytes),
    )


def _form_values() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in FORM_FIELDS}


def _report_values(report: ActivityReport) -> dict[str, Any]:
    values = {name: getattr(report, name) for name in FORM_FIELDS}
    values["date"] = report.date.isoformat()
    return {name: "" if value is None else value for name, value in values.items()}


def _chosen_files() -> list[FileStorage]:
    return [upload for upload in request.files.getlist("files") if upload.filename]


def _attach_all(report_id: int, uploads: list[FileStorage]) -> None:
    """Attach each file in a transaction of its own; a refused file is named, the rest kept."""
    hub = current_hub()
    storage = open_storage(hub.settings)
    for upload in uploads:
        try:
            with hub.db.session() as session:
                changes.attach_file(
                    session, _user(), report_id, upload, storage, hub.settings.upload_max_bytes
                )
        except Problem as problem:
            flash(problem.message, "error")


def _user() -> Any:
    return current_user._get_current_object()
