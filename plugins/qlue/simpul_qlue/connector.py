"""Reads a Qlue source page by page, following the API's ``after`` cursor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.api import Page, SourceError, WriteBack, http_client, read_json
from simpul_qlue.normalize import QLUE_STATUS

REPORTS_PATH = "/api/v1/reports"


class QlueConnector:
    """A connector over ``GET /api/v1/reports``; the cursor is the API's opaque ``after`` token."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.page_size: int = settings["page_size"]
        self.client = http_client(
            settings["url"], headers={"X-API-Key": settings["api_key"]}, timeout=settings["timeout"]
        )

    def fetch_page(self, cursor: str | None) -> Page:
        params: dict[str, Any] = {"limit": self.page_size}
        if cursor is not None:
            params["after"] = cursor
        body = check_listing(read_json(self.client.get(REPORTS_PATH, params=params)))
        meta = body["meta"]
        return Page(
            records=body["data"],
            next_cursor=meta["next_after"] or cursor,
            has_more=meta["has_more"],
        )

    def close(self) -> None:
        self.client.close()


def write_back(settings: Mapping[str, Any], message: WriteBack) -> None:
    """Post an official's answer as a response to the report, once per idempotency key."""
    files = [("photo", (photo.name, photo.data, photo.content_type)) for photo in message.photos]
    form = {
        "status": QLUE_STATUS[message.status],
        "note": message.note,
        "author": message.author,
    }
    with http_client(
        settings["url"],
        headers={"X-API-Key": settings["api_key"], "Idempotency-Key": message.idempotency_key},
        timeout=settings["timeout"],
    ) as client:
        response = client.post(
            f"{REPORTS_PATH}/{message.external_id}/responses", data=form, files=files or None
        )
    if response.status_code in (404, 422):
        raise SourceError(f"Qlue refused the answer: {_error_of(response)}")
    read_json(response)


def _error_of(response: Any) -> str:
    try:
        return str(response.json().get("error", response.text[:200]))
    except ValueError:
        return response.text[:200]


def check_listing(body: Any) -> dict[str, Any]:
    """The listing ``body`` if it has the API's shape, else SourceError saying what is wrong."""
    where = f"Qlue {REPORTS_PATH}"
    if not isinstance(body, dict):
        raise SourceError(f"{where} answered {type(body).__name__}, expected a JSON object")
    data, meta = body.get("data"), body.get("meta")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(f"{where}: 'data' must be a list of report objects")
    if not isinstance(meta, dict):
        raise SourceError(f"{where}: 'meta' must be an object")
    if not isinstance(meta.get("has_more"), bool):
        raise SourceError(f"{where}: 'meta.has_more' must be true or false")
    if not isinstance(meta.get("next_after"), str | None):
        raise SourceError(f"{where}: 'meta.next_after' must be a string or null")
    return body
