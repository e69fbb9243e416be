"""A Flask app imitating the ${title} API, for the tests and the demo.

``GET /api/v1/items`` lists items by (updated_at, id) after an opaque ``after`` cursor;
``/_sim/tick`` adds, changes and removes items, ``/_sim/faults`` injects the standard faults and
``/_sim/stats`` counts items and requests. Every endpoint needs the ``X-API-Key`` header.
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
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

DEMO_API_KEY = "${name}-demo-key"
MAX_LIMIT = 1000
STATUSES = ("open", "in_progress", "closed")
TICK_FIELDS = ("new", "updates", "deletes")


class ItemStore:
    """The app's items; each change moves the item's ``updated_at`` on by a second."""

    def __init__(self, villages: list[str], rng: random.Random, size: int) -> None:
        self.villages, self.rng = villages, rng
        self.clock = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
        self.items: dict[str, dict[str, Any]] = {}
        self.added = 0
        self.lock = threading.Lock()
        self.tick(new=size)

    def page(self, after: list[str] | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Up to ``limit`` items after the position ``after``, and whether more follow."""
        with self.lock:
            ordered = sorted((dict(item) for item in self.items.values()), key=_position)
        if after is not None:
            ordered = [item for item in ordered if _position(item) > after]
        return ordered[:limit], len(ordered) > limit

    def tick(self, new: int = 0, updates: int = 0, deletes: int = 0) -> dict[str, list[str]]:
        """Add ``new`` items, move ``updates`` on a status and remove ``deletes`` of the rest."""
        with self.lock:
            created = [self._add() for _ in range(new)]
            movable = [key for key, item in self.items.items() if item["status"] != "closed"]
            updated = self.rng.sample(movable, min(updates, len(movable)))
            for key in updated:
                self._advance(self.items[key])
            rest = [key for key in self.items if key not in updated and key not in created]
            deleted = self.rng.sample(rest, min(deletes, len(rest)))
            for key in deleted:
                del self.items[key]
        return {"created": created, "updated": updated, "deleted": deleted}

    def stats(self) -> dict[str, int]:
        with self.lock:
            still_open = sum(item["status"] != "closed" for item in self.items.values())
            return {"total": len(self.items), "open": still_open}

    def _now(self) -> str:
        self.clock += timedelta(seconds=1)
        return self.clock.isoformat()

    def _add(self) -> str:
        self.added += 1
        key = f"ITEM-{self.added:06d}"
        moment = self._now()
        self.items[key] = {
            "id": key,
            "title": f"Item {key}",
            "status": "open",
            "kelurahan_code": self.rng.choice(self.villages),
            "created_at": moment,
            "updated_at": moment,
        }
        return key

    def _advance(self, item: dict[str, Any]) -> None:
        item["status"] = STATUSES[STATUSES.index(item["status"]) + 1]
        item["updated_at"] = self._now()


def create_app(
    areas: AreaDirectory,
    *,
    seed: int = 1,
    size: int = 200,
    tick_seconds: float = 0,
    api_key: str = DEMO_API_KEY,
    city: str = "31.75",
) -> Flask:
    """The app of ``city`` with ``size`` seeded items; it ticks by itself if asked to."""
    villages = [row.code for row in areas.villages(city)]
    store = ItemStore(villages, random.Random(seed), size)
    faults = FaultInjector()
    app = Flask(__name__)
    require_api_key(app, api_key)
    faults.serve_controls(app)

    @app.get("/api/v1/items")
    def items() -> Response:
        refused = faults.admit()
        if refused is not None:
            return refused
        try:
            after, limit = _listing_query(request.args)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        page, has_more = store.page(after, limit)
        next_after = _token(_position(page[-1])) if page else None
        if page and (number := faults.take("invalid_next")):
            page = [*page, {**page[0], "id": f"INVALID-{number}", "status": "lost"}]
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
        changes = random.Random(seed + 1)
        threading.Thread(
            target=_tick_forever, args=(store, tick_seconds, changes), daemon=True
        ).start()
    return app


def _position(item: dict[str, Any]) -> list[str]:
    return [item["updated_at"], item["id"]]


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
        after = None
    if not (isinstance(after, list) and len(after) == 2 and all(isinstance(p, str) for p in after)):
        raise ValueError("after is not a cursor from meta.next_after")
    return after, min(limit, MAX_LIMIT)


def _tick_forever(store: ItemStore, seconds: float, rng: random.Random) -> None:
    """Change the data every ``seconds``, as the app's users would."""
    while True:
        time.sleep(seconds)
        store.tick(new=rng.randint(0, 2), updates=rng.randint(0, 3))
