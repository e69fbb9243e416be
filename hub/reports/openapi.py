"""The OpenAPI 3 document of the reports' JSON API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

import re
from typing import Any

from hub.config import Settings
from hub.models.report import DOCUMENT, PHOTO, REPORT_STATUSES
from hub.reports.fields import (
    CLIENT_ID,
    LOCATION_SOURCES,
    MAX_COMMENT,
    MAX_DESCRIPTION,
    MAX_PARTICIPANTS,
    MAX_TITLE,
)
from hub.reports.filters import DISTRICT_CODE, VILLAGE_CODE

JSON = "application/json"
SESSION = {"session": []}
WRITE_SECURITY = [{"session": [], "csrf": []}]
ERROR_STATUSES = {
    "BadRequest": "400",
    "Unauthenticated": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "Conflict": "409",
    "TooLarge": "413",
    "UnsupportedType": "415",
    "Unprocessable": "422",
}


def openapi_document(settings: Settings) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
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
        "security": [SESSION],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "parameters": _parameters(),
            "responses": _error_responses(),
            "schemas": _schemas(settings),
        },
    }


def _paths() -> dict[str, Any]:
    report_id = {"$ref": "#/components/parameters/ReportId"}
    return {
        "/activity-types": {
            "get": {
                "operationId": "listActivityTypes",
                "summary": "The activity types a report may have",
                "responses": {
                    "200": _json_response("The configured activity types", "ActivityTypes"),
                    "401": _error("Unauthenticated"),
                },
            }
        },
        "/reports": {
            "get": {
                "operationId": "listReports",
                "summary": "Reports the signed-in user may read, newest activity first",
                "parameters": [
                    {"$ref": f"#/components/parameters/{name}"}
                    for name in ("Status", "ActivityType", "Kecamatan", "Kelurahan", "From", "To")
                ]
                + [{"$ref": "#/components/parameters/Page"}],
                "responses": {
                    "200": _json_response("One page of reports", "ReportList"),
                    "401": _error("Unauthenticated"),
                    "422": _error("Unprocessable"),
                },
            },
            "post": {
                "operationId": "createReport",
                "summary": "Create a report; the same client_id again returns the one it made",
                "security": WRITE_SECURITY,
                "requestBody": _json_body("NewReport"),
                "responses": {
                    "200": _json_response("The report this client_id already made", "Report"),
                    "201": _json_response("The new report", "Report"),
                    **_errors("BadRequest", "Unauthenticated", "Forbidden", "Unprocessable"),
                },
            },
        },
        "/reports/{report_id}": {
            "parameters": [report_id],
            "get": {
                "operationId": "getReport",
                "summary": "One report, with its attachments and review",
                "responses": {
                    "200": _json_response("The report", "Report"),
                    **_errors("Unauthenticated", "NotFound"),
                },
            },
            "patch": {
                "operationId": "updateReport",
                "summary": "Change a submitted or returned report; a returned one is resubmitted",
                "security": WRITE_SECURITY,
                "requestBody": _json_body("ReportChanges"),
                "responses": {
                    "200": _json_response("The changed report", "Report"),
                    **_errors(
                        "BadRequest",
                        "Unauthenticated",
                        "Forbidden",
                        "NotFound",
                        "Conflict",
                        "Unprocessable",
                    ),
                },
            },
        },
        "/reports/{report_id}/attachments": {
            "parameters": [report_id],
            "post": {
                "operationId": "addAttachment",
                "summary": "Upload one photo or document; the same content again is not doubled",
                "security": WRITE_SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json_response("The attachment this content already made", "Attachment"),
                    "201": _json_response("The new attachment", "Attachment"),
                    **_errors(
                        "BadRequest",
                        "Unauthenticated",
                        "Forbidden",
                        "NotFound",
                        "Conflict",
                        "TooLarge",
                        "UnsupportedType",
                    ),
                },
            },
        },
        "/reports/{report_id}/review": {
            "parameters": [report_id],
            "post": {
                "operationId": "reviewReport",
                "summary": "Accept or return a submitted report",
                "security": WRITE_SECURITY,
                "requestBody": _json_body("Review"),
                "responses": {
                    "200": _json_response("The reviewed report", "Report"),
                    **_errors(
                        "BadRequest",
                        "Unauthenticated",
                        "Forbidden",
                        "NotFound",
                        "Conflict",
                        "Unprocessable",
                    ),
                },
            },
        },
    }


def _parameters() -> dict[str, Any]:
    def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "description": description, "schema": schema}

    date = {"type": "string", "format": "date"}
    return {
        "ReportId": {
            "name": "report_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        },
        "Status": query("status", "Reports in this state", {"$ref": "#/components/schemas/Status"}),
        "ActivityType": query("activity_type", "Reports of this activity type", {"type": "string"}),
        "Kecamatan": query(
            "kecamatan",
            "Reports of this kecamatan",
            {"type": "string", "pattern": _regex(DISTRICT_CODE)},
        ),
        "Kelurahan": query(
            "kelurahan",
            "Reports of this kelurahan",
            {"type": "string", "pattern": _regex(VILLAGE_CODE)},
        ),
        "From": query("from", "Activities on or after this date", date),
        "To": query("to", "Activities on or before this date", date),
        "Page": query("page", "The page, from 1", {"type": "integer", "minimum": 1}),
    }


def _schemas(settings: Settings) -> dict[str, Any]:
    activity_type = {"type": "string", "enum": list(settings.activity_types)}
    coordinate = {"type": "number", "nullable": True, "description": "Degrees (WGS 84)"}
    editable = {
        "area_code": {
            "type": "string",
            "description": "The author's kelurahan; any other is refused",
        },
        "activity_type": activity_type,
        "date": {"type": "string", "format": "date", "description": "Not in the future"},
        "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
        "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
        "participants": {"type": "integer", "minimum": 0, "maximum": MAX_PARTICIPANTS},
        "latitude": coordinate,
        "longitude": coordinate,
        "location_source": {"type": "string", "enum": list(LOCATION_SOURCES)},
    }
    timestamp = {"type": "string", "format": "date-time"}
    return {
        "Status": {"type": "string", "enum": list(REPORT_STATUSES)},
        "ActivityTypes": {
            "type": "object",
            "required": ["activity_types"],
            "properties": {"activity_types": {"type": "array", "items": {"type": "string"}}},
        },
        "NewReport": {
            "type": "object",
            "required": ["client_id", "activity_type", "date", "title"],
            "properties": {
                "client_id": {
                    "type": "string",
                    "pattern": f"^{CLIENT_ID.pattern}$",
                    "description": "Chosen by the client once per report, e.g. a UUID",
                },
                **editable,
            },
        },
        "ReportChanges": {"type": "object", "properties": editable},
        "Review": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"type": "string", "enum": ["accept", "return"]},
                "comment": {
                    "type": "string",
                    "maxLength": MAX_COMMENT,
                    "description": "Required to return a report",
                },
            },
        },
        "Attachment": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": [PHOTO, DOCUMENT]},
                "name": {"type": "string"},
                "content_type": {"type": "string"},
                "size": {"type": "integer"},
                "width": {"type": "integer", "nullable": True},
                "height": {"type": "integer", "nullable": True},
                "url": {"type": "string"},
                "thumbnail_url": {"type": "string", "nullable": True},
            },
        },
        "Report": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "client_id": {"type": "string"},
                **editable,
                "location_source": {"type": "string", "enum": ["", "gps", "manual", "photo"]},
                "status": {"$ref": "#/components/schemas/Status"},
                "review_comment": {"type": "string"},
                "reviewed_at": {**timestamp, "nullable": True},
                "created_at": timestamp,
                "updated_at": timestamp,
                "attachments": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Attachment"},
                },
            },
        },
        "ReportList": {
            "type": "object",
            "properties": {
                "reports": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "field": {"type": "string", "nullable": True},
                    },
                }
            },
        },
    }


def _error_responses() -> dict[str, Any]:
    descriptions = {
        "BadRequest": "Not a JSON object, or no valid CSRF token",
        "Unauthenticated": "Not signed in",
        "Forbidden": "Outside the user's own area or role",
        "NotFound": "No such report, or outside the user's area",
        "Conflict": "The report's state does not allow it",
        "TooLarge": "The file is over the size limit, or an image bomb",
        "UnsupportedType": "Not an accepted type, or the name says another type",
        "Unprocessable": "A field is wrong; field names it",
    }
    return {
        name: _json_response(description, "Error") for name, description in descriptions.items()
    }


def _errors(*names: str) -> dict[str, Any]:
    return {ERROR_STATUSES[name]: _error(name) for name in names}


def _error(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{name}"}


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _json_body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _regex(pattern: re.Pattern[str]) -> str:
    return f"^{pattern.pattern}$"
