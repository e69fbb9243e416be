"""Machine-readable pages under ``/-/``: the plugin list and a health check. No sign-in."""

from __future__ import annotations

import redis
from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hub.state import current_hub

blueprint = Blueprint("meta", __name__, url_prefix="/-")
REDIS_TIMEOUT = 2.0


@blueprint.get("/plugins.json")
def plugins() -> Response:
    """Every plugin the hub was offered, with its state and last error."""
    return jsonify([info.as_dict() for info in current_hub().plugins.plugins.values()])


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    """The database's and Redis's state: 503 while the database does not answer; "degraded"
    while Redis does not (pages work; syncs, answers and live screens wait for it)."""
    try:
        with current_hub().db.read_session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable", redis=_redis_state()), 503
    redis_state = _redis_state()
    return jsonify(
        status="ok" if redis_state == "ok" else "degraded", database="ok", redis=redis_state
    ), 200


def _redis_state() -> str:
    client = redis.Redis.from_url(
        current_hub().settings.redis_url,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
    )
    try:
        client.ping()
    except redis.RedisError:
        return "unreachable"
    finally:
        client.close()
    return "ok"
