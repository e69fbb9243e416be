"""The reports' JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``.

Its bodies are the pydantic models of :mod:`features.reports.schemas`, the document's source.

It uses the portal's session: sign in first, and send the CSRF token of a portal page in the
``X-CSRFToken`` header with every POST and PATCH. The API checks that header itself instead of
leaving it to CSRFProtect, whose search of the form fields would read a whole upload before the
size limit applies. Errors are ``{"error": {"code": ..., "message": ..., "field": ...}}``.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import pydantic
from flask import Blueprint, Response, jsonify, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from wtforms import ValidationError

from features.reports import changes
from features.reports.access import readable
from features.reports.filters import page_number, parse_filters
from features.reports.models import ActivityReport
from features.reports.openapi import openapi_document
from features.reports.queries import count
from features.reports.schemas import ActivityTypes, ReportList, Review, problems_of
from features.reports.serialize import attachment_body, report_body
from features.reports.settings import report_settings
from features.reports.uploads import too_large
from hub.api import CSRF_MESSAGE, ERROR_MESSAGES, InvalidFields, Problem, current_hub, open_storage

REPORT_ID = "<int(max=2147483647):report_id>"
PER_PAGE = 50
HTTP_ERRORS = (400, 401, 403, 404, 405, 413, 415)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MULTIPART_OVERHEAD = 64 * 1024
Body = TypeVar("Body", bound=pydantic.BaseModel)

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
    request.max_content_length = current_hub().settings.upload_max_bytes + MULTIPART_OVERHEAD
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
        return problem_response(too_large(current_hub().settings.upload_max_bytes))
    _title, message = ERROR_MESSAGES.get(code, (None, error.description))
    return problem_response(Problem(error.name.lower().replace(" ", "_"), message, status=code))


for _code in HTTP_ERRORS:
    blueprint.register_error_handler(_code, http_error)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(report_settings(current_hub()).activity_types))


@blueprint.get("/activity-types")
def activity_types() -> Response:
    return _json(ActivityTypes(activity_types=list(report_settings(current_hub()).activity_types)))


@blueprint.get("/reports")
def list_reports() -> Response:
    filters, problems = parse_filters(request.args, report_settings(current_hub()).activity_types)
    if problems:
        raise InvalidFields([_unprocessable(problem) for problem in problems])
    page = page_number(request.args)
    where = [readable(current_user), *filters.clauses()]
    with current_hub().db.read_session() as session:
        total = count(session, *where)
        reports = session.scalars(
            select(ActivityReport)
            .where(*where)
            .options(selectinload(ActivityReport.attachments))
            .order_by(ActivityReport.date.desc(), ActivityReport.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        ).all()
        listed = [report_body(report) for report in reports]
    pages = max(1, math.ceil(total / PER_PAGE))
    return _json(ReportList(reports=listed, total=total, page=page, pages=pages))


@blueprint.post("/reports")
def create_report() -> tuple[Response, int, dict[str, str]]:
    hub = current_hub()
    with hub.db.session() as session:
        report, created = changes.create_report(session, _user(), _json_body(), hub)
        body = report_body(report)
    location = url_for("reports_api.get_report", report_id=body.id)
    return _json(body), 201 if created else 200, {"Location": location}


@blueprint.get(f"/reports/{REPORT_ID}")
def get_report(report_id: int) -> Response:
    with current_hub().db.read_session() as session:
        return _json(report_body(changes.visible_report(session, _user(), report_id)))


@blueprint.patch(f"/reports/{REPORT_ID}")
def update_report(report_id: int) -> Response:
    hub = current_hub()
    with hub.db.session() as session:
        report = changes.update_report(session, _user(), report_id, _json_body(), hub)
        body = report_body(report)
    return _json(body)


@blueprint.post(f"/reports/{REPORT_ID}/attachments")
def add_attachment(report_id: int) -> tuple[Response, int]:
    hub = current_hub()
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
        body = attachment_body(attachment)
    return _json(body), 201 if created else 200


@blueprint.post(f"/reports/{REPORT_ID}/review")
def review_report(report_id: int) -> Response:
    decision = _body(Review).model_dump()
    with current_hub().db.session() as session:
        report = changes.review_report(session, _user(), report_id, decision)
        body = report_body(report)
    return _json(body)


def _json_body() -> dict[str, Any]:
    """The request's JSON object. A report's fields are read with their models by
    :func:`features.reports.fields.read_fields` once who may change it is known, as the form's."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem("invalid_json", _l("Send a JSON object as the request body."))
    return body


def _body(model: type[Body]) -> Body:
    """The request's JSON object read as ``model``."""
    try:
        return model.model_validate(_json_body())
    except pydantic.ValidationError as error:
        raise InvalidFields(problems_of(error)) from None


def _json(body: pydantic.BaseModel) -> Response:
    return jsonify(body.model_dump(mode="json"))


def _user() -> Any:
    return current_user._get_current_object()


def _unprocessable(problem: Problem) -> Problem:
    return Problem(problem.code, problem.message, problem.field, 422)
