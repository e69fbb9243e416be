"""A Flask app imitating a regional finance system's API, with controls for tests and the demo.

``GET /api/v1/budget-lines`` and ``GET /api/v1/realizations`` list the year's budget lines and
SP2Ds in change order; ``/_sim/*`` moves time on, injects faults and reports the system's own
totals. Every endpoint needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import hmac
import json
import random
import threading
import time
from datetime import date, datetime
from typing import Any

from flask import Flask, Response, request

from hub.api import AreaDirectory
from simpul_finance.faults import FaultInjector, checked_changes
from simpul_finance.fiscal import WIB
from simpul_finance.ledger import Ledger
from simpul_finance.listing import Listing, read_token

DEMO_API_KEY = "finance-demo-key"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
TICK_FIELDS = ("realizations", "revisions")


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 400,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "36.71",
    today: date | None = None,
) -> Flask:
    """The finance system of ``city`` with ``size`` budget lines for the year of ``today`` (the
    date in Jakarta by default) and the SP2Ds issued on them so far; it ticks by itself if asked."""
    ledger = Ledger(areas, city, random.Random(seed), size, today or datetime.now(WIB).date())
    faults = FaultInjector()
    app = Flask(__name__)

    @app.before_request
    def check_key() -> Response | None:
        if not hmac.compare_digest(request.headers.get("X-API-Key", ""), api_key):
            return _json({"error": "invalid api key"}, 401)
        return None

    def listing(items: Listing) -> Response:
        delay, failure = faults.admit()
        if delay:
            time.sleep(delay)
        if failure:
            return _failure(failure, faults.settings.retry_after)
        try:
            after, limit = _listing_query(request.args)
        except ValueError as error:
            return _json({"error": str(error)}, 400)
        data, next_after, has_more = ledger.page(items, after, limit)
        return _json(
            {"data": faults.spoil(data), "meta": {"next_after": next_after, "has_more": has_more}}
        )

    app.add_url_rule("/api/v1/budget-lines", "budget_lines", lambda: listing(ledger.lines))
    app.add_url_rule("/api/v1/realizations", "realizations", lambda: listing(ledger.realizations))

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = _tick_counts(_body())
        except ValueError as error:
            return _json({"error": str(error)}, 400)
        return _json(ledger.tick(**counts))

    @app.post("/_sim/faults")
    def configure_faults() -> Response:
        try:
            changes = checked_changes(_body())
        except ValueError as error:
            return _json({"error": str(error)}, 400)
        return _json(faults.configure(changes))

    @app.get("/_sim/totals")
    def totals() -> Response:
        return _json(ledger.totals())

    @app.get("/_sim/stats")
    def stats() -> Response:
        return _json({"requests": faults.requests, "today": ledger.today.isoformat()})

    if tick_seconds > 0:
        threading.Thread(
            target=_tick_forever, args=(ledger, tick_seconds, random.Random(seed + 1)), daemon=True
        ).start()
    return app


def _listing_query(args: Any) -> tuple[tuple[str, str] | None, int]:
    """``after`` and ``limit`` of a listing request; ValueError says which one is bad."""
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise ValueError("limit must be a whole number") from None
    if limit < 1:
        raise ValueError("limit must be at least 1")
    try:
        after = read_token(args["after"]) if "after" in args else None
    except ValueError:
        raise ValueError("after is not a cursor from meta.next_after") from None
    return after, min(limit, MAX_LIMIT)


def _body() -> Any:
    """The request's JSON body, ``{}`` when empty, None when it is not JSON."""
    return request.get_json(silent=True) if request.get_data() else {}


def _tick_counts(body: Any) -> dict[str, int]:
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    unknown = set(body) - set(TICK_FIELDS)
    if unknown:
        raise ValueError(
            f"unknown field {sorted(unknown)[0]!r} (expected {', '.join(TICK_FIELDS)})"
        )
    counts = {name: body.get(name, 0) for name in TICK_FIELDS}
    for name, value in counts.items():
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a whole number, 0 or more")
    return counts


def _tick_forever(ledger: Ledger, seconds: float, rng: random.Random) -> None:
    """Issue SP2Ds every ``seconds``, and now and then revise a budget line."""
    while True:
        time.sleep(seconds)
        ledger.tick(realizations=rng.randint(1, 6), revisions=int(rng.randrange(10) == 0))


def _failure(failure: str, retry_after: int) -> Response:
    if failure == "rate_limit_next":
        response = _json({"error": "rate limit exceeded"}, 429)
        response.headers["Retry-After"] = str(retry_after)
        return response
    if failure == "malformed_next":
        return Response('{"data": [{"sp2d_number": "00', mimetype="application/json")
    return _json({"error": "simulated failure"}, 500)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status, mimetype="application/json")
