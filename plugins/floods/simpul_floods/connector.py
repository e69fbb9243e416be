"""Reads a city's flood gauges (Pos Pantau Banjir) page by page, following the ``after`` cursor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.api import Page, SourceError, http_client, read_json

GAUGES_PATH = "/api/v1/gauges"


class GaugeConnector:
    """A connector over ``GET /api/v1/gauges``; the cursor is the API's opaque ``after`` token."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.page_size: int = settings["page_size"]
        self.client = http_client(
            settings["url"], headers={"X-API-Key": settings["api_key"]}, timeout=settings["timeout"]
        )

    def fetch_page(self, cursor: str | None) -> Page:
        params: dict[str, Any] = {"limit": self.page_size}
        if cursor is not None:
            params["after"] = cursor
        body = checked_listing(read_json(self.client.get(GAUGES_PATH, params=params)))
        meta = body["meta"]
        return Page(
            body["data"], next_cursor=meta["next_after"] or cursor, has_more=meta["has_more"]
        )

    def close(self) -> None:
        self.client.close()


def checked_listing(body: Any) -> dict[str, Any]:
    """The listing ``body`` if it has the API's shape, else SourceError saying what is wrong."""
    where = f"Pos Pantau Banjir {GAUGES_PATH}"
    if not isinstance(body, dict):
        raise SourceError(f"{where} answered {type(body).__name__}, expected a JSON object")
    data, meta = body.get("data"), body.get("meta")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(f"{where}: 'data' must be a list of objects")
    if not isinstance(meta, dict) or not isinstance(meta.get("has_more"), bool):
        raise SourceError(f"{where}: 'meta.has_more' must be true or false")
    if not isinstance(meta.get("next_after"), str | None):
        raise SourceError(f"{where}: 'meta.next_after' must be a string or null")
    return body
