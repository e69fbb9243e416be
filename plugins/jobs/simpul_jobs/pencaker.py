"""Reads a Pencaker source: job seekers, vacancies and placements, one stream after another.

The cursor is compound: the stream being read and the API's ``after`` token of each stream, as
JSON text. A run that ends has read every stream to its end and starts the next one from the
first stream again, asking each only for what changed since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.api import Page, SourceError, http_client, read_json

STREAMS = ("seekers", "vacancies", "placements")
LISTING_PATH = "/api/v1/{stream}"


@dataclass(frozen=True)
class Position:
    """Where a Pencaker sync stands: the stream to read next and each stream's ``after`` token."""

    stream: str = STREAMS[0]
    after: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(STREAMS))

    @classmethod
    def read(cls, cursor: str | None) -> Position:
        """The position a cursor stands for; SourceError if this connector did not write it."""
        if cursor is None:
            return cls()
        try:
            state = json.loads(cursor)
            position = cls(state["stream"], {name: state["after"][name] for name in STREAMS})
        except (ValueError, TypeError, KeyError):
            raise SourceError(f"cursor {cursor[:80]!r} is not a Pencaker cursor") from None
        if position.stream not in STREAMS:
            raise SourceError(f"cursor names an unknown stream {position.stream!r}")
        return position

    def text(self) -> str:
        return json.dumps({"stream": self.stream, "after": self.after}, separators=(",", ":"))

    def following(self, token: str | None, has_more: bool) -> tuple[Position, bool]:
        """The position after a page of this stream that ended at ``token``, and whether there is
        more to read in this run."""
        after = {**self.after, self.stream: token or self.after[self.stream]}
        if has_more:
            return Position(self.stream, after), True
        index = STREAMS.index(self.stream) + 1
        if index == len(STREAMS):
            return Position(STREAMS[0], after), False
        return Position(STREAMS[index], after), True


class PencakerConnector:
    """A connector over the Pencaker API's three listings."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.page_size: int = settings["page_size"]
        self.client = http_client(
            settings["url"], headers={"X-API-Key": settings["api_key"]}, timeout=settings["timeout"]
        )

    def fetch_page(self, cursor: str | None) -> Page:
        position = Position.read(cursor)
        params: dict[str, Any] = {"limit": self.page_size}
        if position.after[position.stream]:
            params["after"] = position.after[position.stream]
        path = LISTING_PATH.format(stream=position.stream)
        body = check_listing(path, read_json(self.client.get(path, params=params)))
        following, has_more = position.following(
            body["meta"]["next_after"], body["meta"]["has_more"]
        )
        return Page(records=body["data"], next_cursor=following.text(), has_more=has_more)

    def close(self) -> None:
        self.client.close()


def check_listing(path: str, body: Any) -> dict[str, Any]:
    """The listing ``body`` if it has the API's shape, else SourceError saying what is wrong."""
    where = f"Pencaker {path}"
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
