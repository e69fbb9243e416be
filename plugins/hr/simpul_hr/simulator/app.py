"""A Flask app imitating a city's HR system: a SCIM 2.0 provider and a daily attendance API.

``/scim/v2/Users`` and ``/scim/v2/Groups`` (RFC 7644: filter, startIndex, count, errors in the
SCIM error schema) and ``/api/v1/attendance`` need ``Authorization: Bearer <api_key>``; the
controls under ``/_sim/`` (ticks, faults, given data) need ``X-API-Key: <api_key>``.
"""

from __future__ import annotations

import hmac
import random
import threading
import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request

from hub.api import AreaDirectory, FaultInjector, checked_counts, json_body, json_response
from simpul_hr.scim import ERROR, LIST_RESPONSE, USER_SCHEMA
from simpul_hr.simulator.attendance import AttendanceBook
from simpul_hr.simulator.faults import invalid_attendance, invalid_users, with_invalid
from simpul_hr.simulator.filters import FilterError, resource_filter
from simpul_hr.simulator.organization import city_units
from simpul_hr.simulator.people import PersonFactory
from simpul_hr.simulator.roster import Roster

DEMO_API_KEY = "hr-demo-token"
DEFAULT_COUNT, MAX_RESULTS = 100, 200
DEFAULT_PER_PAGE, MAX_PER_PAGE = 500, 1000
SCIM_JSON = "application/scim+json"
CITY_ZONES = {"31.75": "Asia/Jakarta", "36.71": "Asia/Jakarta", "71.71": "Asia/Makassar"}
TICK_FIELDS = ("hires", "moves", "leavers", "suspensions", "checkouts")


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 760,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "71.71",
    today: date | None = None,
) -> Flask:
    """The HR system of ``city`` with ``size`` civil servants; it ticks by itself if asked to.

    Its attendance lives on ``today``, or on the city's real today.
    """
    zone = ZoneInfo(CITY_ZONES.get(city, "Asia/Jakarta"))
    roster = Roster(city_units(areas, city), PersonFactory(random.Random(seed)), size)
    book = AttendanceBook(roster, seed, zone, today)
    faults = FaultInjector()
    app = Flask(__name__)
    faults.serve_controls(app)

    @app.before_request
    def check_credentials() -> Response | None:
        if request.path.startswith("/_sim/"):
            if not hmac.compare_digest(request.headers.get("X-API-Key", ""), api_key):
                return json_response({"error": "invalid api key"}, 401)
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token, api_key):
            if request.path.startswith("/scim/"):
                return scim_error(401, "the bearer token is missing or wrong")
            return json_response({"error": "the bearer token is missing or wrong"}, 401)
        return None

    @app.get("/scim/v2/<any(Users, Groups):resource_type>")
    def list_resources(resource_type: str) -> Response:
        if refused := faults.admit(error=scim_error, mimetype=SCIM_JSON):
            return refused
        try:
            keep = resource_filter(request.args.get("filter"))
            start, count = _paging(request.args)
        except FilterError as error:
            return scim_error(400, str(error), "invalidFilter")
        except ValueError as error:
            return scim_error(400, str(error), "invalidValue")
        found = roster.listing(resource_type, keep)
        page = [
            _rendered(roster, resource, resource_type)
            for resource in found[start - 1 : start - 1 + count]
        ]
        if resource_type == "Users":
            page = with_invalid(faults, page, invalid_users)
        return _scim(
            {
                "schemas": [LIST_RESPONSE],
                "totalResults": len(found),
                "startIndex": start,
                "itemsPerPage": len(page),
                "Resources": page,
            }
        )

    @app.get("/scim/v2/<any(Users, Groups):resource_type>/<resource_id>")
    def one_resource(resource_type: str, resource_id: str) -> Response:
        resource = roster.get(resource_type, resource_id)
        if resource is None:
            return scim_error(404, f"{resource_type[:-1]} {resource_id} not found")
        return _scim(_rendered(roster, resource, resource_type))

    @app.put("/scim/v2/Users/<user_id>")
    def replace_user(user_id: str) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or USER_SCHEMA not in (body.get("schemas") or []):
            return scim_error(400, f"the body must be a User ({USER_SCHEMA})", "invalidSyntax")
        user = roster.replace_user(user_id, body)
        if user is None:
            return scim_error(404, f"User {user_id} not found")
        return _scim(_rendered(roster, user, "Users"))

    @app.delete("/scim/v2/Users/<user_id>")
    def delete_user(user_id: str) -> Response:
        if not roster.delete_user(user_id):
            return scim_error(404, f"User {user_id} not found")
        return Response(status=204)

    @app.get("/scim/v2/ServiceProviderConfig")
    def service_provider_config() -> Response:
        return _scim(_provider_config())

    @app.get("/api/v1/attendance")
    def attendance() -> Response:
        if refused := faults.admit():
            return refused
        try:
            day = date.fromisoformat(request.args.get("date", ""))
            page, per_page = _attendance_paging(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        records = book.day(day)
        chosen = records[(page - 1) * per_page : page * per_page]
        chosen = with_invalid(faults, chosen, invalid_attendance)
        return json_response(
            {
                "date": day.isoformat(),
                "page": page,
                "per_page": per_page,
                "total": len(records),
                "has_more": page * per_page < len(records),
                "data": chosen,
            }
        )

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        checkouts = counts.pop("checkouts")
        return json_response({**roster.tick(**counts), "checked_out": book.tick(checkouts)})

    @app.post("/_sim/give")
    def give() -> Response:
        try:
            users, records = _given(request.get_json(silent=True))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        added = roster.give(users)
        book.give(records)
        return json_response({"users": [user["id"] for user in added], "attendance": len(records)})

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response(
            {
                "users": len(roster.users),
                "groups": len(roster.groups),
                "requests": faults.requests,
                "today": book.today().isoformat(),
            }
        )

    if tick_seconds > 0:
        changes = random.Random(seed + 2)
        threading.Thread(
            target=_tick_forever, args=(roster, book, tick_seconds, changes), daemon=True
        ).start()
    return app


def _paging(args: Any) -> tuple[int, int]:
    """``startIndex`` (1-based, at least 1) and ``count`` (0 to MAX_RESULTS), as RFC 7644 says."""
    try:
        start = int(args.get("startIndex", 1))
        count = int(args.get("count", DEFAULT_COUNT))
    except ValueError:
        raise ValueError("startIndex and count must be whole numbers") from None
    return max(1, start), min(max(0, count), MAX_RESULTS)


def _attendance_paging(args: Any) -> tuple[int, int]:
    try:
        page, per_page = int(args.get("page", 1)), int(args.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise ValueError("page and per_page must be whole numbers") from None
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page must be at least 1")
    return page, min(per_page, MAX_PER_PAGE)


def _rendered(roster: Roster, resource: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """A resource as the API shows it: with its location, and a group with its members unless
    ``excludedAttributes`` names them."""
    base = request.host_url.rstrip("/") + "/scim/v2"
    meta = {**resource["meta"], "location": f"{base}/{resource_type}/{resource['id']}"}
    shown = {**resource, "meta": meta}
    excluded = {name.strip() for name in request.args.get("excludedAttributes", "").split(",")}
    if resource_type == "Groups" and "members" not in excluded:
        shown["members"] = [
            {
                "value": user["id"],
                "display": user.get("displayName"),
                "$ref": f"{base}/Users/{user['id']}",
            }
            for user in roster.members(resource["displayName"])
        ]
    return shown


def _given(body: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The users and attendance records of a ``/_sim/give`` body; ValueError if one is unusable."""
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object with users and attendance")
    users, records = body.get("users", []), body.get("attendance", [])
    if not isinstance(users, list) or not isinstance(records, list):
        raise ValueError("users and attendance must be lists")
    for user in users:
        if not isinstance(user, dict) or not all(
            isinstance(user.get(key), str) for key in ("nip", "unit", "position")
        ):
            raise ValueError(f"user {user!r} needs nip, unit and position")
    for record in records:
        if not isinstance(record, dict) or "nip" not in record or "date" not in record:
            raise ValueError(f"attendance record {record!r} needs nip and date")
    return users, records


def _tick_forever(roster: Roster, book: AttendanceBook, seconds: float, rng: random.Random) -> None:
    """Change the data every ``seconds``, as the HR agency and the staff would."""
    while True:
        time.sleep(seconds)
        roster.tick(
            hires=int(rng.random() < 0.3),
            moves=int(rng.random() < 0.3),
            leavers=int(rng.random() < 0.1),
            suspensions=int(rng.random() < 0.1),
        )
        book.tick(rng.randint(3, 20))


def _provider_config() -> dict[str, Any]:
    """What this provider supports (RFC 7643 section 5)."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": False},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {"type": "oauthbearertoken", "name": "Bearer token", "description": "RFC 6750"}
        ],
    }


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Response:
    """An error in the SCIM error schema (RFC 7644 section 3.12)."""
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return _scim(body, status)


def _scim(body: Any, status: int = 200) -> Response:
    """``body`` as SCIM JSON."""
    return json_response(body, status, SCIM_JSON)
