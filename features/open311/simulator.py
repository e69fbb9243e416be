"""A Flask app imitating a city's Open311 GeoReport v2 server (Kota Manado), for tests and the demo.

``GET /open311/v2/services.json`` and ``/open311/v2/requests.json`` (``service_request_id``,
``service_code``, ``status``, ``start_date``/``end_date``, the ``updated_after``/``updated_before``
and ``page``/``page_size`` extensions); ``/_sim/tick`` changes the data, ``/_sim/faults`` injects
faults into ``requests.json`` and ``/_sim/stats`` counts its calls. Every endpoint needs the API key
(the ``api_key`` parameter or the ``X-API-Key`` header). Times are in Manado's zone (WITA).
"""

from __future__ import annotations

import hmac
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request

from features.open311.georeport import format_time, parse_time
from features.open311.simulated_requests import SERVICES, RequestFactory, RequestStore, Service
from hub.api import AreaDirectory, FaultInjector, checked_counts, json_body, json_response

DEMO_API_KEY = "open311-demo-key"
ZONE = ZoneInfo("Asia/Makassar")
DEFAULT_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAINTENANCE_PAGE = "<!DOCTYPE html><html><body><h1>Sedang dalam pemeliharaan</h1></body></html>"


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 300,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    reference: datetime | None = None,
) -> Flask:
    """The simulator with ``size`` requests made over the 60 days before ``reference`` (now)."""
    rng = random.Random(seed)
    reference = reference or datetime.now(UTC).replace(second=0, microsecond=0)
    store = RequestStore(RequestFactory(areas, rng, reference), size)
    faults = FaultInjector(extra={"html_next": 0})
    app = Flask(__name__)

    @app.before_request
    def check_key() -> Response | None:
        given = request.values.get("api_key") or request.headers.get("X-API-Key", "")
        if not hmac.compare_digest(given, api_key):
            return _errors(403, "api_key is missing or wrong")
        return None

    @app.get("/open311/v2/services.json")
    def services() -> Response:
        return json_response([_service(service) for service in SERVICES])

    @app.get("/open311/v2/requests.json")
    def requests() -> Response:
        refused = faults.admit(error=_errors)
        if refused is not None:
            return refused
        if faults.take("html_next"):
            return Response(MAINTENANCE_PAGE, mimetype="text/html")
        try:
            found = listing(store.all(), request.args)
        except ValueError as error:
            return _errors(400, str(error))
        page = [_served(item) for item in found]
        if page and faults.take("invalid_next"):
            page += invalid_requests(page[0])
        return json_response(page)

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), ("new", "updates"))
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({**store.tick(**counts), "total": store.total})

    faults.serve_controls(app)

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response({"total": store.total, "requests": faults.requests})

    if tick_seconds > 0:
        threading.Thread(
            target=_tick_forever, args=(store, tick_seconds, random.Random(seed + 1)), daemon=True
        ).start()
    return app


def listing(requests: list[dict[str, Any]], args: Any) -> list[dict[str, Any]]:
    """The page of ``requests`` the query ``args`` asks for; ValueError names a bad parameter."""
    ids = _values(args, "service_request_id")
    if ids:
        return [r for r in requests if r["service_request_id"] in ids]
    by_update = "updated_after" in args or "updated_before" in args
    if by_update:
        key = "updated_datetime"
        first, last = _time(args, "updated_after"), _time(args, "updated_before")
    else:
        key = "requested_datetime"
        last = _time(args, "end_date") or datetime.now(UTC)
        first = _time(args, "start_date") or last - DEFAULT_SPAN
    codes, statuses = _values(args, "service_code"), _values(args, "status")
    found = sorted(
        (
            r
            for r in requests
            if (not first or r[key] >= first)
            and (not last or r[key] <= last)
            and (not codes or r["service_code"] in codes)
            and (not statuses or r["status"] in statuses)
        ),
        key=lambda r: (r[key], r["service_request_id"]),
    )
    page = _number(args, "page", 1)
    size = min(_number(args, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    return found[(page - 1) * size : page * size]


def _tick_forever(store: RequestStore, seconds: float, rng: random.Random) -> None:
    while True:
        time.sleep(seconds)
        store.tick(new=rng.randint(1, 3), updates=rng.randint(1, 3))


def _values(args: Any, name: str) -> set[str]:
    return {value.strip() for value in args.get(name, "").split(",") if value.strip()}


def _time(args: Any, name: str) -> datetime | None:
    if not args.get(name):
        return None
    try:
        return parse_time(args[name], ZONE)
    except ValueError:
        raise ValueError(f"{name} is not a W3C date and time") from None


def _number(args: Any, name: str, default: int) -> int:
    text = args.get(name, str(default))
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number from 1")
    return int(text)


def _service(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": "",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": service.agency,
    }


def _served(item: dict[str, Any]) -> dict[str, Any]:
    return {
        name: format_time(value, ZONE) if isinstance(value, datetime) else value
        for name, value in item.items()
    }


def invalid_requests(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Two broken requests shaped like ``model``: one without an id, one with an unknown status."""
    without_id = {name: value for name, value in model.items() if name != "service_request_id"}
    pending = {**model, "status": "pending"}
    pending["service_request_id"] += "-X"
    return [without_id, pending]


def _errors(status: int, description: str) -> Response:
    return json_response([{"code": status, "description": description}], status)
