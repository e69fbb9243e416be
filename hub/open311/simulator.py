"""A Flask app imitating a city's Open311 GeoReport v2 server (Kota Manado), for tests and the demo.

``GET /open311/v2/services.json`` and ``/open311/v2/requests.json`` (``service_request_id``,
``service_code``, ``status``, ``start_date``/``end_date``, the ``updated_after``/``updated_before``
and ``page``/``page_size`` extensions); ``/_sim/tick`` changes the data, ``/_sim/faults`` injects
faults into ``requests.json`` and ``/_sim/stats`` counts its calls. Every endpoint needs the API key
(the ``api_key`` parameter or the ``X-API-Key`` header). Times are in Manado's zone (WITA).
"""

from __future__ import annotations

import hmac
import json
import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request

from hub.areas import AreaDirectory
from hub.open311.georeport import format_time, parse_time
from hub.open311.simulated_requests import SERVICES, RequestFactory, RequestStore, Service

DEMO_API_KEY = "open311-demo-key"
ZONE = ZoneInfo("Asia/Makassar")
DEFAULT_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
FAILURES = ("fail_next", "rate_limit_next", "malformed_next", "html_next")
MAINTENANCE_PAGE = "<!DOCTYPE html><html><body><h1>Sedang dalam pemeliharaan</h1></body></html>"


@dataclass
class Faults:
    """What ``POST /_sim/faults`` sets; the counters count down one ``requests.json`` call each."""

    latency_ms: int = 0
    fail_next: int = 0
    rate_limit_next: int = 0
    retry_after: int = 1
    malformed_next: int = 0
    html_next: int = 0
    invalid_next: int = 0


class FaultInjector:
    """The current faults, and the number of ``requests.json`` calls they were applied to."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.calls = 0
        self._lock = threading.Lock()

    def configure(self, changes: Any) -> dict[str, int]:
        """Apply ``changes`` (``{"reset": true}`` first); ValueError names the first bad one."""
        if not isinstance(changes, dict):
            raise ValueError("expected a JSON object")
        names = {f.name for f in fields(Faults)}
        for name, value in changes.items():
            if name == "reset" and isinstance(value, bool):
                continue
            if name not in names:
                raise ValueError(f"unknown fault {name!r} (expected one of {', '.join(names)})")
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a whole number, 0 or more")
        with self._lock:
            if changes.get("reset"):
                self.faults = Faults()
            for name, value in changes.items():
                if name != "reset":
                    setattr(self.faults, name, value)
            return asdict(self.faults)

    def admit(self) -> tuple[float, str | None]:
        """Count a call; return its delay in seconds and the failure it answers with, if any."""
        with self._lock:
            self.calls += 1
            failure = next((name for name in FAILURES if getattr(self.faults, name)), None)
            if failure:
                setattr(self.faults, failure, getattr(self.faults, failure) - 1)
            return self.faults.latency_ms / 1000, failure

    def distort(self, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The page, with two invalid requests added while ``invalid_next`` counts down."""
        with self._lock:
            if not page or not self.faults.invalid_next:
                return page
            self.faults.invalid_next -= 1
        without_id = {
            name: value for name, value in page[0].items() if name != "service_request_id"
        }
        pending = {**page[0], "status": "pending"}
        pending["service_request_id"] += "-X"
        return [*page, without_id, pending]


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
    injector = FaultInjector()
    app = Flask(__name__)

    @app.before_request
    def check_key() -> Response | None:
        given = request.values.get("api_key") or request.headers.get("X-API-Key", "")
        if not hmac.compare_digest(given, api_key):
            return _errors(403, "api_key is missing or wrong")
        return None

    @app.get("/open311/v2/services.json")
    def services() -> Response:
        return _json([_service(service) for service in SERVICES])

    @app.get("/open311/v2/requests.json")
    def requests() -> Response:
        delay, failure = injector.admit()
        if delay:
            time.sleep(delay)
        if failure:
            return _failure(failure, injector.faults.retry_after)
        try:
            found = listing(store.all(), request.args)
        except ValueError as error:
            return _errors(400, str(error))
        return _json(injector.distort([_served(item) for item in found]))

    @app.post("/_sim/tick")
    def tick() -> Response:
        body = request.get_json(silent=True) if request.get_data() else {}
        if not isinstance(body, dict) or set(body) - {"new", "updates"}:
            return _json({"error": 'expected {"new": N, "updates": N}'}, 400)
        counts = {name: body.get(name, 0) for name in ("new", "updates")}
        if any(type(value) is not int or value < 0 for value in counts.values()):
            return _json({"error": "new and updates must be whole numbers, 0 or more"}, 400)
        return _json({**store.tick(**counts), "total": store.total})

    @app.post("/_sim/faults")
    def faults() -> Response:
        try:
            return _json(injector.configure(request.get_json(silent=True)))
        except ValueError as error:
            return _json({"error": str(error)}, 400)

    @app.get("/_sim/stats")
    def stats() -> Response:
        return _json({"total": store.total, "requests": injector.calls})

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


def _failure(failure: str, retry_after: int) -> Response:
    if failure == "rate_limit_next":
        response = _errors(429, "too many requests")
        response.headers["Retry-After"] = str(retry_after)
        return response
    if failure == "malformed_next":
        return Response('[{"service_request_id": "MDO-', mimetype="application/json")
    if failure == "html_next":
        return Response(MAINTENANCE_PAGE, mimetype="text/html")
    return _errors(500, "simulated failure")


def _errors(status: int, description: str) -> Response:
    return _json([{"code": status, "description": description}], status)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")
