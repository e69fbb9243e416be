"""A Flask app imitating the Pencaker online API and its JSON-LD feed, with controls for tests
and the demo.

``GET /api/v1/{seekers,vacancies,placements}`` list by change order (vacancies as schema.org
JobPostings); ``GET /feed/jobpostings.jsonld`` is the public feed of open vacancies; ``/_sim/*``
changes the data and injects faults. Everything but the feed needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date
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
from simpul_jobs.collection import read_token
from simpul_jobs.factory import JobFactory
from simpul_jobs.faults import EXTRA_FAULTS, distort
from simpul_jobs.store import STREAMS, JobStore

DEMO_API_KEY = "pencaker-demo-key"
FEED_PATH = "/feed/jobpostings.jsonld"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
TICK_FIELDS = ("registrations", "vacancies", "placements", "closures", "withdrawals")


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 600,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "36.71",
    today: date | None = None,
    posting_prefix: str = "LOKER",
) -> Flask:
    """The simulator for ``city`` with ``size`` seeded job seekers (and a vacancy for about eight
    of them) as of ``today`` (the real date by default); it ticks by itself if asked to.
    ``posting_prefix`` starts every vacancy's identifier, so that two simulators never share one.
    """
    rng = random.Random(seed)
    factory = JobFactory(areas, city, rng, today or date.today(), posting_prefix)
    store = JobStore(factory, size)
    faults = FaultInjector(extra=EXTRA_FAULTS)
    app = Flask(__name__)
    require_api_key(app, api_key, open_endpoints=("feed",))
    faults.serve_controls(app)

    @app.get("/api/v1/<any(seekers, vacancies, placements):stream>")
    def listing(stream: str) -> Response:
        if failure := faults.admit():
            return failure
        try:
            after, limit = _listing_query(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        items, next_after, has_more = store.page(stream, after, limit)
        data = distort(faults, stream, items)
        return json_response(
            {"data": data, "meta": {"next_after": next_after, "has_more": has_more}}
        )

    @app.get(FEED_PATH)
    def feed() -> Response:
        if failure := faults.admit():
            return failure
        postings = distort(faults, "feed", store.feed())
        if faults.take("not_jsonld_next"):
            return json_response({"jobs": [_plain(posting) for posting in postings]})
        return json_response(item_list(postings), mimetype="application/ld+json")

    @app.post("/_sim/tick")
    def tick() -> Response:
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({**store.tick(**counts), "totals": store.totals()})

    @app.post("/_sim/give")
    def give() -> Response:
        try:
            items = _given_items(json_body())
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"stored": store.give(items), "totals": store.totals()})

    @app.delete("/_sim/<any(seekers, vacancies, placements):stream>/<path:item_id>")
    def remove(stream: str, item_id: str) -> Response:
        if not store.remove(stream, item_id):
            return json_response({"error": f"no {stream} item {item_id!r}"}, 404)
        return json_response({"removed": item_id, "totals": store.totals()})

    @app.get("/_sim/stats")
    def stats() -> Response:
        return json_response({**store.totals(), "requests": faults.requests})

    if tick_seconds > 0:
        threading.Thread(
            target=_tick_forever, args=(store, tick_seconds, random.Random(seed + 1)), daemon=True
        ).start()
    return app


def item_list(postings: list[dict[str, Any]]) -> dict[str, Any]:
    """The feed document: a schema.org ItemList of the postings."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": "Lowongan kerja Pencaker online",
        "numberOfItems": len(postings),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": {k: v for k, v in posting.items() if k != "@context"},
            }
            for position, posting in enumerate(postings, start=1)
        ],
    }


def _listing_query(args: Any) -> tuple[Any, int]:
    """The ``after`` key and the limit of a listing; ValueError says which parameter is bad."""
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise ValueError("limit must be a whole number") from None
    if limit < 1:
        raise ValueError("limit must be at least 1")
    after = None
    if "after" in args:
        try:
            after = read_token(args["after"])
        except ValueError:
            raise ValueError("after is not a cursor from meta.next_after") from None
    return after, min(limit, MAX_LIMIT)


def _given_items(body: Any) -> dict[str, list[Any]]:
    """The lists of a ``/_sim/give`` body by stream; ValueError naming the first bad one."""
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    for name, items in body.items():
        if name not in STREAMS:
            raise ValueError(f"unknown list {name!r} (expected {', '.join(STREAMS)})")
        if not isinstance(items, list):
            raise ValueError(f"{name} must be a list")
    return body


def _tick_forever(store: JobStore, seconds: float, rng: random.Random) -> None:
    """Change the data every ``seconds``, as residents, companies and officers would."""
    while True:
        time.sleep(seconds)
        store.tick(
            registrations=rng.randint(0, 3),
            vacancies=rng.randint(0, 1),
            placements=rng.randint(0, 2),
            closures=int(rng.random() < 0.3),
        )


def _plain(posting: dict[str, Any]) -> dict[str, Any]:
    """A posting as a job board's own JSON would have it, without any JSON-LD."""
    return {"title": posting.get("title"), "company": posting.get("hiringOrganization")}
