"""Reads a finance source: its budget lines, then its realizations, each from where it left off.

The cursor is JSON text holding each listing's ``after`` token and the listing being read, so a
sync that finished asks each listing only for what changed since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.api import Page, SourceError, http_client, read_json
from simpul_finance.kinds import BUDGET_LINE, REALIZATION


@dataclass(frozen=True)
class Stream:
    """One listing of the finance API and the kind of payload it holds."""

    path: str
    kind: str


STREAMS = (Stream("/api/v1/budget-lines", BUDGET_LINE), Stream("/api/v1/realizations", REALIZATION))


@dataclass(frozen=True)
class Position:
    """Where a sync is: the listing being read and the ``after`` token of each listing."""

    reading: int = 0
    after: tuple[str | None, ...] = (None,) * len(STREAMS)

    @classmethod
    def read(cls, cursor: str | None) -> Position:
        """The position a cursor stands for; the start of a complete listing for None."""
        if cursor is None:
            return cls()
        try:
            state = json.loads(cursor)
            after = tuple(state["after"][stream.kind] for stream in STREAMS)
            reading = [stream.kind for stream in STREAMS].index(state["reading"])
        except (ValueError, TypeError, KeyError):
            raise SourceError(
                f"cursor {cursor[:100]!r} is not a finance cursor: sync in full"
            ) from None
        if not all(token is None or isinstance(token, str) for token in after):
            raise SourceError(f"cursor {cursor[:100]!r} is not a finance cursor: sync in full")
        return cls(reading, after)

    def text(self) -> str:
        return json.dumps(
            {
                "reading": STREAMS[self.reading].kind,
                "after": {
                    stream.kind: token for stream, token in zip(STREAMS, self.after, strict=True)
                },
            },
            sort_keys=True,
        )

    def moved(self, token: str | None, has_more: bool) -> tuple[Position, bool]:
        """The position after a page ending at ``token``, and whether a page still follows in
        this sync: the next page of this listing, or the first of the next listing."""
        after = list(self.after)
        after[self.reading] = token or after[self.reading]
        if has_more:
            return Position(self.reading, tuple(after)), True
        following = self.reading + 1
        if following < len(STREAMS):
            return Position(following, tuple(after)), True
        return Position(0, tuple(after)), False


class FinanceConnector:
    """A connector over the finance API's two listings, with the ``X-API-Key`` header."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.page_size: int = settings["page_size"]
        self.client = http_client(
            settings["url"], headers={"X-API-Key": settings["api_key"]}, timeout=settings["timeout"]
        )

    def fetch_page(self, cursor: str | None) -> Page:
        position = Position.read(cursor)
        stream = STREAMS[position.reading]
        params: dict[str, Any] = {"limit": self.page_size}
        token = position.after[position.reading]
        if token is not None:
            params["after"] = token
        body = check_listing(stream.path, read_json(self.client.get(stream.path, params=params)))
        meta = body["meta"]
        following, has_more = position.moved(meta["next_after"], meta["has_more"])
        records = [{**item, "kind": stream.kind} for item in body["data"]]
        return Page(records=records, next_cursor=following.text(), has_more=has_more)

    def close(self) -> None:
        self.client.close()


class FileSourceConnector:
    """The connector of a source fed only by file imports: there is nothing to sync."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        """A file source has no settings to connect with."""

    def fetch_page(self, cursor: str | None) -> Page:
        raise SourceError("this source is fed by file imports (/finance/import); it has no API")

    def close(self) -> None:
        """Nothing to close."""


def check_listing(path: str, body: Any) -> dict[str, Any]:
    """The listing ``body`` if it has the API's shape, else SourceError saying what is wrong."""
    where = f"finance {path}"
    if not isinstance(body, dict):
        raise SourceError(f"{where} answered {type(body).__name__}, expected a JSON object")
    data, meta = body.get("data"), body.get("meta")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(f"{where}: 'data' must be a list of objects")
    if not isinstance(meta, dict):
        raise SourceError(f"{where}: 'meta' must be an object")
    if not isinstance(meta.get("has_more"), bool):
        raise SourceError(f"{where}: 'meta.has_more' must be true or false")
    if not isinstance(meta.get("next_after"), str | None):
        raise SourceError(f"{where}: 'meta.next_after' must be a string or null")
    return body
