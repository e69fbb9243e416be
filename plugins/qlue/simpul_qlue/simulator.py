"""A Flask app imitating Qlue's complaints API, with controls for tests and the demo.

``GET /api/v1/reports`` lists reports by (updated_at, id); ``/photos/<id>.jpg`` is each report's
photo (a street scene drawn from the seed); ``/_sim/*`` changes the data and injects faults. Every
endpoint but ``/photos`` needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from flask import Flask, Response, request

from hub.api import (
    AreaDirectory,
    FaultInjector,
    checked_counts,
    json_body,
    json_response,
    require_api_key,
)
from simpul_qlue.faults import QLUE_FAULTS, distort, photo_fault
from simpul_qlue.photos import report_photo
from simpul_qlue.reports import STATUSES, ReportFactory, format_time, parse_time
from simpul_qlue.store import ReportStore, make_token, read_token

DEMO_API_KEY = "qlue-demo-key"
TICK_FIELDS = ("new", "updates", "deletes", "disputes")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 500,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "31.75",
) -> Flask:
    """The simulator for ``city`` with ``size`` seeded reports; it ticks by itself if asked to."""
    rng = random.Random(seed)
    store = ReportStore(ReportFactory(areas, city, rng), size)
    faults, distortions = FaultInjector(extra=QLUE_FAULTS), random.Random(seed + 1)
    app = Flask(__name__)
    require_api_key(app, api_key, open_endpoints=("photo",))
    faults.serve_controls(app)

    @app.get("/api/v1/reports")
    def list_reports() -> Response:
        refused = faults.admit()
        if refused is not None:
            return refused
        try:
            query = _listing_query(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        reports, has_more = store.page(**query)
        next_after = make_token((reports[-1]["updated_at"], reports[-1]["id"])) if reports else None
        base = _base_url()
        data = [_public(report, base) for report in distort(faults, distortions, reports)]
        return json_response(
            {"data": data, "meta": {"next_after": next_after, "has_more": has_more}}
        )

    @app.post("/api/v1/reports/<report_id>/responses")
    def respond(report_id: str) -> Response:
        refused = faults.admit()
        if refused is not None:
            return refused
        key = request.headers.get("Idempotency-Key", "")
        try:
            response = _response_form(request.form, request.files)
        except ValueError as error:
            return json_response({"error": str(error)}, 422)
        if not key:
            return json_response({"error": "the Idempotency-Key header is required"}, 400)
        report = store.respond(report_id, key, response)
        if report is None:
            return json_response({"error": f"no report {report_id!r}"}, 404)
        return json_response(_public(report, _base_url()))

    @app.get("/photos/<report_id>.jpg")
    def photo(report_id: str) -> Response:
        broken = photo_fault(faults)
        if broken is not None:
            return broken
        report = store.get(report_id)
        if report is None:
            return Response("not found", 404, mimetype="text/plain")
        return Response(report_photo(seed, report_id, report["category"]), mimetype="image/jpeg")

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({**store.tick(**counts), "total": store.total})

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response({"total": store.total, "requests": faults.requests})

    @app.get("/_sim/reports/<report_id>")
    def one_report(report_id: str) -> Response:
        report = store.get(report_id)
        if report is None:
            return json_response({"error": f"no report {report_id!r}"}, 404)
        return json_response(_public(report, _base_url()))

    if tick_seconds > 0:
        threading.Thread(
            target=_tick_forever, args=(store, tick_seconds, random.Random(seed + 2)), daemon=True
        ).start()
    return app


def _listing_query(args: Any) -> dict[str, Any]:
    """The store query for the listing's parameters; ValueError says which one is bad."""
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise ValueError("limit must be a whole number") from None
    if limit < 1:
        raise ValueError("limit must be at least 1")
    query: dict[str, Any] = {"limit": min(limit, MAX_LIMIT)}
    if "after" in args:
        try:
            query["after"] = read_token(args["after"])
        except ValueError:
            raise ValueError("after is not a cursor from meta.next_after") from None
    if "updated_since" in args:
        try:
            query["since"] = format_time(parse_time(args["updated_since"]))
        except ValueError:
            raise ValueError("updated_since must be an ISO 8601 time with a zone") from None
    return query


def _response_form(form: Any, files: Any) -> dict[str, Any]:
    """An official's response from a form: status, note, author, and how many photos came."""
    status = form.get("status", "")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    note = form.get("note", "").strip()
    if not note:
        raise ValueError("a response needs a note")
    photos = files.getlist("photo")
    if any(photo.read(3) != b"\xff\xd8\xff" for photo in photos):
        raise ValueError("photos must be JPEG images")
    return {"status": status, "note": note, "author": form.get("author", ""), "photos": len(photos)}


def _tick_forever(store: ReportStore, seconds: float, rng: random.Random) -> None:
    """Change the data every ``seconds``, as citizens and officials would."""
    while True:
        time.sleep(seconds)
        store.tick(new=rng.randint(1, 5), updates=rng.randint(1, 4))


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _public(report: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The report as the API shows it, with an absolute photo link."""
    return {**report, "photo_url": base_url + report["photo_url"]}
