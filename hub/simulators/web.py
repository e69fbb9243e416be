"""Small Flask helpers every simulator needs: JSON in and out, the API key, tick counts."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, Response, request


def json_response(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    """``body`` as compact JSON."""
    return Response(json.dumps(body, separators=(",", ":")), status, mimetype=mimetype)


def json_body() -> Any:
    """The request's JSON body: ``{}`` when it is empty, None when it is not JSON."""
    return request.get_json(silent=True) if request.get_data() else {}


def require_api_key(
    app: Flask, api_key: str, *, header: str = "X-API-Key", open_endpoints: Iterable[str] = ()
) -> None:
    """Refuse every request to ``app`` without ``api_key`` in ``header`` (401), except to the
    endpoints named in ``open_endpoints``."""
    open_to_all = frozenset(open_endpoints)

    @app.before_request
    def check_api_key() -> Response | None:
        given = request.headers.get(header, "")
        if request.endpoint in open_to_all or hmac.compare_digest(given, api_key):
            return None
        return json_response({"error": "invalid api key"}, 401)


def checked_counts(body: Any, names: Sequence[str]) -> dict[str, int]:
    """The counts of a ``/_sim/tick`` body (from :func:`json_body`), 0 for those not given;
    ValueError naming the first unknown field or bad count."""
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (expected {', '.join(names)})")
    counts = {name: body.get(name, 0) for name in names}
    for name, value in counts.items():
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a whole number, 0 or more")
    return counts
