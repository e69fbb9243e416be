"""The OpenAPI document of the reports' JSON API, served at ``/api/v1/openapi.json``.

The bodies' schemas are generated from the models of :mod:`features.reports.schemas`; the
operations are the table below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from features.reports.filters import DISTRICT_CODE, VILLAGE_CODE
from features.reports.models import REPORT_STATUSES
from features.reports.schemas import (
    ActivityTypes,
    Attachment,
    Error,
    NewReport,
    Report,
    ReportChanges,
    ReportList,
    Review,
    Upload,
)

REF = "#/components/schemas/{model}"
ERRORS = {
    400: ("BadRequest", "Not a JSON object, or no valid CSRF token"),
    401: ("Unauthenticated", "Not signed in"),
    403: ("Forbidden", "Outside the user's own area or role"),
    404: ("NotFound", "No such report, or outside the user's area"),
    409: ("Conflict", "The report's state does not allow it"),
    413: ("TooLarge", "The file is over the size limit, or an image bomb"),
    415: ("UnsupportedType", "Not an accepted type, or the name says another type"),
    422: ("Unprocessable", "A field is wrong; field names it"),
}
DATE = {"type": "string", "format": "date"}
LIST_FILTERS = (
    ("status", "Reports in this state", {"type": "string", "enum": list(REPORT_STATUSES)}),
    ("activity_type", "Reports of this activity type", {"type": "string"}),
    (
        "kecamatan",
        "Reports of this kecamatan",
        {"type": "string", "pattern": f"^{DISTRICT_CODE.pattern}$"},
    ),
    (
        "kelurahan",
        "Reports of this kelurahan",
        {"type": "string", "pattern": f"^{VILLAGE_CODE.pattern}$"},
    ),
    ("from", "Activities on or after this date", DATE),
    ("to", "Activities on or before this date", DATE),
    ("page", "The page, from 1", {"type": "integer", "minimum": 1}),
)
REPORT_ID = {
    "name": "report_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
}
MEDIA = {Upload: "multipart/form-data"}


class Operation(NamedTuple):
    method: str
    path: str
    id: str
    body: type[BaseModel] | None
    summary: str
    ok: dict[int, tuple[str, type[BaseModel]]]
    errors: tuple[int, ...]


OPERATIONS = (
    Operation("get", "/activity-types", "listActivityTypes", None,
              "The activity types a report may have",
              {200: ("The configured activity types", ActivityTypes)}, (401,)),
    Operation("get", "/reports", "listReports", None,
              "Reports the signed-in user may read, newest activity first",
              {200: ("One page of reports", ReportList)}, (401, 422)),
    Operation("post", "/reports", "createReport", NewReport,
              "Create a report; the same client_id again returns the one it made",
              {200: ("The report this client_id already made", Report),
               201: ("The new report", Report)}, (400, 401, 403, 422)),
    Operation("get", "/reports/{report_id}", "getReport", None,
              "One report, with its attachments and review",
              {200: ("The report", Report)}, (401, 404)),
    Operation("patch", "/reports/{report_id}", "updateReport", ReportChanges,
              "Change a submitted or returned report; a returned one is resubmitted",
              {200: ("The changed report", Report)}, (400, 401, 403, 404, 409, 422)),
    Operation("post", "/reports/{report_id}/attachments", "addAttachment", Upload,
              "Upload one photo or document; the same content again is not doubled",
              {200: ("The attachment this content already made", Attachment),
               201: ("The new attachment", Attachment)}, (400, 401, 403, 404, 409, 413, 415)),
    Operation("post", "/reports/{report_id}/review", "reviewReport", Review,
              "Accept or return a submitted report",
              {200: ("The reviewed report", Report)}, (400, 401, 403, 404, 409, 422)),
)  # fmt: skip


def openapi_document(activity_types: Sequence[str]) -> dict[str, Any]:
    """The document, with ``activity_types`` (the configured ones) as a report's choices."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        item = paths.setdefault(operation.path, {})
        if "{report_id}" in operation.path:
            item["parameters"] = [REPORT_ID]
        item[operation.method] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Simpul activity reports",
            "version": "1.0.0",
            "description": (
                "Ward activity reports: kelurahan staff report what they did, with photos and "
                "documents; the kecamatan reviews them. Sign in to the portal first; send the "
                "CSRF token of a portal page in the X-CSRFToken header with every POST and PATCH."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "responses": {name: _response(text, Error) for name, text in ERRORS.values()},
            "schemas": schemas(activity_types),
        },
    }


def schemas(activity_types: Sequence[str]) -> dict[str, Any]:
    """The JSON schema of every body, by model name; the ``$defs`` of the models' schemas."""
    models = [(operation.body, "validation") for operation in OPERATIONS if operation.body]
    models += [(model, "serialization") for op in OPERATIONS for _text, model in op.ok.values()]
    _refs, generated = models_json_schema(
        list(dict.fromkeys([*models, (Error, "serialization")])), ref_template=REF
    )
    defined = generated["$defs"]
    for model in (NewReport, ReportChanges):
        defined[model.__name__]["properties"]["activity_type"]["enum"] = list(activity_types)
    return defined


def _operation(operation: Operation) -> dict[str, Any]:
    described: dict[str, Any] = {"operationId": operation.id, "summary": operation.summary}
    if operation.id == "listReports":
        described["parameters"] = [
            {"name": name, "in": "query", "description": text, "schema": schema}
            for name, text, schema in LIST_FILTERS
        ]
    if operation.body:
        described["security"] = [{"session": [], "csrf": []}]
        media = MEDIA.get(operation.body, "application/json")
        described["requestBody"] = {"required": True, **_content(operation.body, media)}
    ok = {str(status): _response(*response) for status, response in operation.ok.items()}
    errors = {
        str(status): {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
        for status in operation.errors
    }
    return {**described, "responses": ok | errors}


def _response(text: str, model: type[BaseModel]) -> dict[str, Any]:
    return {"description": text, **_content(model)}


def _content(model: type[BaseModel], media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": {"$ref": REF.format(model=model.__name__)}}}}
