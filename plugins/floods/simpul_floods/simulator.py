"""A Flask app imitating a city's flood-gauge (pos pantau banjir) API, for the tests and the demo.

``GET /api/v1/gauges`` lists gauges by (updated_at, id) after an opaque ``after`` cursor;
``/_sim/tick`` takes readings, brings rain, installs and decommissions gauges, ``/_sim/faults``
injects the standard faults and ``/_sim/stats`` counts gauges by alert level and the listing
requests. Every endpoint needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import base64
import json
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
from simpul_floods.cities import Places
from simpul_floods.gauges import GaugeStore, position

DEMO_API_KEY = "floods-demo-key"
MAX_LIMIT = 1000
TICK_FIELDS = ("readings", "rain", "new", "removals")
BROKEN_SENSOR = "--"
"""What a gauge whose sensor failed sends as its level."""


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 20,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "31.75",
) -> Flask:
    """The app of ``city`` with ``size`` seeded gauges; it ticks by itself if asked to."""
    rng = random.Random(seed)
    store = GaugeStore(Places(areas, city, rng), rng, size)
    faults = FaultInjector()
    app = Flask(__name__)
    require_api_key(app, api_key)
    faults.serve_controls(app)

    @app.get("/api/v1/gauges")
    def gauges() -> Response:
        refused = faults.admit()
        if refused is not None:
            return refused
        try:
            after, limit = _listing_query(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        page, has_more = store.page(after, limit)
        next_after = _token(position(page[-1])) if page else None
        if page and (number := faults.take("invalid_next")):
            page = [
                *page,
                {**page[0], "id": f"{page[0]['id']}-X{number}", "level_cm": BROKEN_SENSOR},
            ]
        return json_response(
            {"data": page, "meta": {"next_after": next_after, "has_more": has_more}}
        )

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response(store.tick(**counts))

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response({**store.stats(), "requests": faults.requests})

    if tick_seconds > 0:
        threading.Thread(
            target=_tick_forever, args=(store, tick_seconds, random.Random(seed + 1)), daemon=True
        ).start()
    return app


def _token(position: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def _listing_query(args: Any) -> tuple[list[str] | None, int]:
    """``after`` and ``limit`` of a listing request; ValueError says which one is bad."""
    try:
        limit = int(args.get("limit", 100))
    except ValueError:
        raise ValueError("limit must be a whole number") from None
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if "after" not in args:
        return None, min(limit, MAX_LIMIT)
    try:
        after = json.loads(base64.urlsafe_b64decode(args["after"]))
    except ValueError:
        raise ValueError("after is not a cursor from meta.next_after") from None
    if not isinstance(after, list) or len(after) != 2 or not all(isinstance(p, str) for p in after):
        raise ValueError("after is not a cursor from meta.next_after")
    return after, min(limit, MAX_LIMIT)


def _tick_forever(store: GaugeStore, seconds: float, rng: random.Random) -> None:
    """Every ``seconds``, readings come in from a few posts, and now and then rain falls."""
    while True:
        time.sleep(seconds)
        store.tick(readings=rng.randint(1, 4), rain=int(rng.random() < 0.2))
