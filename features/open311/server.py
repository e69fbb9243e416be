"""The hub's Open311 GeoReport v2 API at ``/open311/v2/``, in JSON and XML.

Anyone may read the services and the requests; submitting a request needs an ``api_key`` made with
``simpul open311 keys create``. A submission comes as a form or as a JSON object (its ``api_key``
in the object or in the query string). Errors use the standard's format. There is one
jurisdiction: a ``jurisdiction_id`` is accepted and needs no value in particular.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from features.complaints.settings import routing_of
from features.open311 import documents
from features.open311.georeport import FORMATS
from features.open311.inbound import request_id_for_token, store_request
from features.open311.keys import valid_key
from features.open311.request_filters import FilterErrors, RequestFilters, parse_filters, record_id
from features.open311.request_queries import ServiceCategories, find_requests, request_document
from features.open311.services import service_definition, services
from features.open311.settings import open311_settings
from features.open311.submissions import SubmissionErrors, json_values, read_submission
from hub.api import audit, current_hub, rate_limit, utcnow

blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")


def submit_rate_limit() -> str:
    """Requests one address may submit, whatever the key: ``[open311] submit_rate_limit``."""
    return open311_settings(current_hub()).submit_rate_limit


class Open311Error(Exception):
    """An error answered in the standard's format."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)


@blueprint.record_once
def exempt_from_csrf(setup: BlueprintSetupState) -> None:
    """Apps call the API without the portal's forms, so without their CSRF token."""
    setup.app.extensions["csrf"].exempt(blueprint)


@blueprint.url_value_preprocessor
def check_format(_endpoint: str | None, values: dict | None) -> None:
    fmt = (values or {}).get("fmt", FORMATS[0])
    if fmt not in FORMATS:
        raise Open311Error(404, gettext("Unknown format “%(fmt)s”: use .json or .xml.", fmt=fmt))


@blueprint.errorhandler(Open311Error)
def open311_error(error: Open311Error) -> Response:
    return documents.errors(_format(), error.status, error.descriptions)


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return documents.errors(_format(), error.code or 500, [error.description or error.name])


@blueprint.get("/services.<fmt>")
def list_services(fmt: str) -> Response:
    return documents.document(fmt, "services", services(routing_of(current_hub())))


@blueprint.get("/services/<code>.<fmt>")
def one_service(code: str, fmt: str) -> Response:
    definition = service_definition(routing_of(current_hub()), code)
    if definition is None:
        raise Open311Error(404, gettext("No service “%(code)s”: see services.json.", code=code))
    return documents.document(fmt, "service_definition", definition)


@blueprint.get("/requests.<fmt>")
def list_requests(fmt: str) -> Response:
    hub = current_hub()
    routing, zone = routing_of(hub), ZoneInfo(hub.settings.timezone)
    with hub.db.read_session() as session:
        try:
            filters = parse_filters(
                request.args, ServiceCategories(session, routing), utcnow(), zone
            )
        except FilterErrors as error:
            raise Open311Error(400, *error.messages) from None
        rows = find_requests(session, filters)
    items = [request_document(row, routing, zone) for row in rows]
    return documents.document(fmt, "service_requests", items)


@blueprint.get("/requests/<request_id>.<fmt>")
def one_request(request_id: str, fmt: str) -> Response:
    hub = current_hub()
    routing, zone = routing_of(hub), ZoneInfo(hub.settings.timezone)
    rows, found = [], record_id(request_id)
    if found is not None:
        with hub.db.read_session() as session:
            rows = find_requests(session, RequestFilters(ids=(found,)))
    if not rows:
        raise Open311Error(404, gettext("No request “%(id)s”.", id=request_id))
    return documents.document(fmt, "service_requests", [request_document(rows[0], routing, zone)])


@blueprint.post("/requests.<fmt>")
@rate_limit(submit_rate_limit)
def submit_request(fmt: str) -> Response:
    hub = current_hub()
    values = _submitted_values()
    with hub.db.session() as session:
        key = valid_key(session, values.get("api_key", "").strip())
        if key is None:
            raise Open311Error(403, gettext("api_key is missing, unknown or revoked."))
        try:
            payload = read_submission(session, routing_of(hub), values, utcnow())
        except SubmissionErrors as error:
            raise Open311Error(400, *error.messages) from None
        payload["submitted_with"] = key.name
        record_id = store_request(hub, session, payload)
        audit(
            session,
            None,
            "open311.request",
            "complaint",
            record_id,
            api_key=key.name,
            service_code=payload["service_code"],
        )
    notice = gettext(
        "Your report was received and passed on to the officials in charge. "
        "Follow it with number %(id)d.",
        id=record_id,
    )
    item = {
        "service_request_id": str(record_id),
        "service_notice": notice,
        "token": payload["token"],
    }
    return documents.document(fmt, "service_requests", [item])


@blueprint.get("/tokens/<token>.<fmt>")
def one_token(token: str, fmt: str) -> Response:
    with current_hub().db.read_session() as session:
        record_id = request_id_for_token(session, token)
    if record_id is None:
        message = gettext("No request was submitted with token “%(token)s”.", token=token)
        raise Open311Error(404, message)
    item = {"service_request_id": str(record_id), "token": token}
    return documents.document(fmt, "service_requests", [item])


@blueprint.route("/<path:_unknown>", methods=["GET", "POST"])
def unknown(_unknown: str) -> Response:
    raise Open311Error(404, gettext("No such resource: see services.json and requests.json."))


@blueprint.route("/<path:_any>", methods=["PUT", "PATCH", "DELETE"])
def not_allowed(_any: str) -> Response:
    raise Open311Error(405, gettext("Only GET and POST are allowed here."))


def _submitted_values() -> Mapping[str, str]:
    """The submission's fields: the form's, or the JSON object's over the query string's."""
    if not request.is_json:
        return request.values
    try:
        return {**request.args.to_dict(), **json_values(request.get_json(silent=True))}
    except SubmissionErrors as error:
        raise Open311Error(400, *error.messages) from None


def _format() -> str:
    """The format the client asked for: the route's, else the path's ending (``nope.xml``)."""
    fmt = (request.view_args or {}).get("fmt") or request.path.rsplit(".", 1)[-1]
    return fmt if fmt in FORMATS else "json"
