"""A Flask app imitating a regional finance system's API, with controls for tests and the demo.

``GET /api/v1/budget-lines`` and ``GET /api/v1/realizations`` list the year's budget lines and
SP2Ds in change order; ``/_sim/*`` moves time on, injects faults and reports the system's own
totals. Every endpoint needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date, datetime
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
from simpul_finance.faults import spoil
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
    require_api_key(app, api_key)
    faults.serve_controls(app)

    def listing(items: Listing) -> Response:
        refused = faults.admit()
        if refused is not None:
            return refused
        try:
            after, limit = _listing_query(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        data, next_after, has_more = ledger.page(items, after, limit)
        return json_response(
            {"data": spoil(faults, data), "meta": {"next_after": next_after, "has_more": has_more}}
        )

    app.add_url_rule("/api/v1/budget-lines", "budget_lines", lambda: listing(ledger.lines))
    app.add_url_rule("/api/v1/realizations", "realizations", lambda: listing(ledger.realizations))

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response(ledger.tick(**counts))

    @app.get("/_sim/totals")
    def totals() -> Response:
        return json_response(ledger.totals())

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response({"requests": faults.requests, "today": ledger.today.isoformat()})

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


def _tick_forever(ledger: Ledger, seconds: float, rng: random.Random) -> None:
    """Issue SP2Ds every ``seconds``, and now and then revise a budget line."""
    while True:
        time.sleep(seconds)
        ledger.tick(realizations=rng.randint(1, 6), revisions=int(rng.randrange(10) == 0))
