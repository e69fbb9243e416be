"""The reports' JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``.

It uses the portal's session: sign in first, and send the CSRF token of a portal page in the
``X-CSRFToken`` header with every POST and PATCH. The API checks that header itself instead of
leaving it to CSRFProtect, whose search of the form fields would read a whole upload before the
size limit applies. Errors are ``{"error": {"code": ..., "message": ..., "field": ...}}``.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from wtforms import ValidationError

from hub.app import state
from hub.models import ActivityReport
from hub.portal.errors import CSRF_MESSAGE, MESSAGES
from hub.reports import changes
from hub.reports.access import readable
from hub.reports.filters import page_number, parse_filters
from hub.reports.openapi import openapi_document
from hub.reports.problems import InvalidFields, Problem
from hub.reports.queries import count
from hub.reports.serialize import attachment_json, report_json
from hub.reports.uploads import too_large
from hub.storage import open_storage

REPORT_ID = "<int(max=2147483647):report_id>"
PER_PAGE = 50
HTTP_ERRORS = (400, 401, 403, 404, 405, 413, 415)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MULTIPART_OVERHEAD = 64 * 1024

blueprint = Blueprint("reports_api", __name__, url_prefix="/api/v1")


@blueprint.record_once
def check_csrf_here(setup: BlueprintSetupState) -> None:
    setup.app.extensions["csrf"].exempt(blueprint)


@blueprint.before_request
def guard() -> None:
    """Signed-in users only (but for the OpenAPI document); a CSRF header on every change; no
    request body over the upload limit."""
    if request.endpoint == "reports_api.openapi":
        return
    if not current_user.is_authenticated:
        raise Problem("unauthenticated", _l("Sign in to the portal first."), status=401)
    if request.method in SAFE_METHODS:
        return
    request.max_content_length = state().settings.upload_max_bytes + MULTIPART_OVERHEAD
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        raise Problem("csrf", CSRF_MESSAGE, "X-CSRFToken", 400) from None


@blueprint.errorhandler(Problem)
def problem_response(problem: Problem) -> tuple[Response, int]:
    return jsonify(problem.as_json()), problem.status


def http_error(error: HTTPException) -> tuple[Response, int]:
    code = error.code or 400
    if isinstance(error, RequestEntityTooLarge):
        return problem_response(too_large(state().settings.upload_max_bytes))
    _title, message = MESSAGES.get(code, (None, error.description))
    return problem_response(Problem(error.name.lower().replace(" ", "_"), message, status=code))


for _code in HTTP_ERRORS:
    blueprint.register_error_handler(_code, http_error)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(state().settings))


@blueprint.get("/activity-types")
def activity_types() -> Response:
    return jsonify(activity_types=list(state().settings.activity_types))


@blueprint.get("/reports")
def list_reports() -> Response:
    filters, problems = parse_filters(request.args, state().settings.activity_types)
    if problems:
        raise InvalidFields([_unprocessable(problem) for problem in problems])
    page = page_number(request.args)
    where = [readable(current_user), *filters.clauses()]
    with state().db.read_session() as session:
        total = count(session, *where)
        reports = session.scalars(
            select(ActivityReport)
            .where(*where)
            .options(selectinload(ActivityReport.attachments))
            .order_by(ActivityReport.date.desc(), ActivityReport.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        ).all()
        listed = [report_json(report) for report in reports]
    return jsonify(
        reports=listed, total=total, page=page, pages=max(1, math.ceil(total / PER_PAGE))
    )


@blueprint.post("/reports")
def create_report() -> tuple[Response, int, dict[str, str]]:
    hub = state()
    with hub.db.session() as session:
        report, created = changes.create_report(session, _user(), _json_body(), hub.settings)
        body = report_json(report)
    location = url_for("reports_api.get_report", report_id=body["id"])
    return jsonify(body), 201 if created else 200, {"Location": location}


@blueprint.get(f"/reports/{REPORT_ID}")
def get_report(report_id: int) -> Response:
    with state().db.read_session() as session:
        return jsonify(report_json(changes.visible_report(session, _user(), report_id)))


@blueprint.patch(f"/reports/{REPORT_ID}")
def update_report(report_id: int) -> Response:
    hub = state()
    with hub.db.session() as session:
        report = changes.update_report(session, _user(), report_id, _json_body(), hub.settings)
        body = report_json(report)
    return jsonify(body)


@blueprint.post(f"/reports/{REPORT_ID}/attachments")
def add_attachment(report_id: int) -> tuple[Response, int]:
    hub = state()
    upload = request.files.get("file")
    if upload is None:
        raise Problem("missing_file", _l("Send the file in the form field “file”."), "file")
    with hub.db.session() as session:
        attachment, created = changes.attach_file(
            session,
            _user(),
            report_id,
            upload,
            open_storage(hub.settings),
            hub.settings.upload_max_bytes,
        )
        body = attachment_json(attachment)
    return jsonify(body), 201 if created else 200


@blueprint.post(f"/reports/{REPORT_ID}/review")
def review_report(report_id: int) -> Response:
    with state().db.session() as session:
        report = changes.review_report(session, _user(), report_id, _json_body())
        body = report_json(report)
    return jsonify(body)


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem("invalid_json", _l("Send a JSON object as the request body."))
    return body


def _user() -> Any:
    return current_user._get_current_object()


def _unprocessable(problem: Problem) -> Problem:
    return Problem(problem.code, problem.message, problem.field, 422)
