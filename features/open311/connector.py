"""Reads any GeoReport v2 server: its services once per run, then its requests window by window.

A complete listing starts at the source's ``start_date`` and reads windows of ``window_days`` up to
now, page by page inside each window (the ``page``/``page_size`` extension). The cursor is the
position in that walk. Windows are either

- ``requested`` (the standard's ``start_date``/``end_date``, over the time a request was made):
  after a listing, each run re-reads the last window, so it sees what changed in recent requests;
- ``updated`` (the ``updated_after``/``updated_before`` extension, which the hub's own server
  serves): after a listing, each run reads from the newest ``updated_datetime`` it has seen.

Each request is passed on as the server sent it, with ``city_code`` added (the source's city, whose
kelurahan its address names) and ``service_name`` filled in from the services when it is missing;
a service code matches whether it is sent as text or as a number. A list may come bare, as the
standard has it, or inside an object (``{"service_requests": [...]}``, as Toronto sends it). With
``extensions`` the source asks for the servers' extension fields (``extensions=true``: Chicago's
and Helsinki's ``extended_attributes`` and ``notes``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from features.open311.georeport import code_text
from features.open311.normalize import CITY_KEY
from hub.api import (
    AreaDirectory,
    ConfigError,
    Page,
    SourceError,
    TransientError,
    http_client,
    read_json,
)

WINDOW_PARAMETERS = {
    "requested": ("start_date", "end_date"),
    "updated": ("updated_after", "updated_before"),
}
MAX_PAGE_SIZE = 1000
LIST_NAMES = {"services.json": "services", "requests.json": "service_requests"}
"""The member a server that wraps a list in an object keeps it in."""


@dataclass(frozen=True)
class Position:
    """Where a walk through the windows is: the window's start, the page in it, and the newest
    ``updated_datetime`` seen so far."""

    start: datetime
    page: int
    newest: datetime

    def token(self) -> str:
        return json.dumps(
            {"from": self.start.isoformat(), "page": self.page, "newest": self.newest.isoformat()}
        )

    @classmethod
    def read(cls, token: str) -> Position:
        try:
            values = json.loads(token)
            return cls(
                datetime.fromisoformat(values["from"]),
                int(values["page"]),
                datetime.fromisoformat(values["newest"]),
            )
        except (ValueError, KeyError, TypeError):
            raise SourceError(
                f"cursor {token[:80]!r} is not an Open311 position: run a full sync"
            ) from None


class Open311Connector:
    """A connector over ``services.json`` and ``requests.json`` of one GeoReport v2 endpoint."""

    def __init__(self, settings: Mapping[str, Any], areas: AreaDirectory) -> None:
        self.city = _city(areas, settings["city"])
        self.start = _start(settings["start_date"])
        self.window = timedelta(days=settings["window_days"])
        self.page_size = settings["page_size"]
        if settings["window_by"] not in WINDOW_PARAMETERS:
            raise ConfigError(
                f"window_by must be requested or updated, not {settings['window_by']!r}"
            )
        self.window_by = settings["window_by"]
        self.params = {
            name: settings[name] for name in ("jurisdiction_id", "api_key") if settings.get(name)
        }
        if settings.get("extensions"):
            self.params["extensions"] = "true"
        self.until = _next_second(datetime.now(UTC))
        self.client = http_client(settings["url"], timeout=settings["timeout"])
        self._service_names: dict[str, str] | None = None
        self._last_page: tuple[datetime, list[Any]] | None = None

    def fetch_page(self, cursor: str | None) -> Page:
        position = Position.read(cursor) if cursor else Position(self.start, 1, self.start)
        end = max(position.start, min(position.start + self.window, self.until))
        requests = self._requests(position, end)
        newest = max([position.newest, *_updated_times(requests)])
        if len(requests) >= self.page_size:
            following = Position(position.start, position.page + 1, newest)
        elif end < self.until:
            following = Position(end, 1, newest)
        else:
            return Page(self._enriched(requests), self._resume(newest).token(), has_more=False)
        return Page(self._enriched(requests), following.token(), has_more=True)

    def close(self) -> None:
        self.client.close()

    def _requests(self, position: Position, end: datetime) -> list[Any]:
        first, last = WINDOW_PARAMETERS[self.window_by]
        params = {
            **self.params,
            first: _w3c(position.start),
            last: _w3c(end),
            "page": position.page,
            "page_size": self.page_size,
        }
        requests = self._list("requests.json", params, "service requests")
        ids = [item.get("service_request_id") for item in requests if isinstance(item, dict)]
        if position.page > 1 and requests and self._last_page == (position.start, ids):
            raise SourceError(
                f"{self.client.base_url} sends the same page again: it ignores the page "
                "parameter, so lower window_days until a window fits in one page"
            )
        self._last_page = (position.start, ids)
        return requests

    def _enriched(self, requests: list[Any]) -> list[Any]:
        names = self._services()
        enriched = []
        for item in requests:
            if isinstance(item, dict):
                item = {**item, CITY_KEY: self.city}
                code = code_text(item.get("service_code"))
                if not item.get("service_name") and code in names:
                    item["service_name"] = names[code]
            enriched.append(item)
        return enriched

    def _services(self) -> dict[str, str]:
        if self._service_names is None:
            services = self._list("services.json", self.params, "services")
            self._service_names = {
                code: item.get("service_name")
                for item in services
                if isinstance(item, dict) and (code := code_text(item.get("service_code")))
            }
        return self._service_names

    def _list(self, path: str, params: Mapping[str, Any], what: str) -> list[Any]:
        """The JSON list at ``path``; SourceError for markup or anything but a list. The API key
        never shows in an error."""
        response = self.client.get(path, params=params)
        where = f"Open311 {self.client.base_url}{path}"
        head = response.text[:200].lstrip().lower()
        if response.is_success and head.startswith("<"):
            html = "html" in head or "html" in response.headers.get("content-type", "")
            raise SourceError(
                f"{where} answered {'HTML' if html else 'XML'}, not JSON: the url setting must "
                "be the GeoReport v2 endpoint, the folder of services.json"
            )
        try:
            body = read_json(response)
        except TransientError as error:
            raise TransientError(self._redacted(error), error.retry_after) from None
        except SourceError as error:
            raise type(error)(self._redacted(error)) from None
        wrapped = LIST_NAMES.get(path)
        if isinstance(body, dict) and isinstance(body.get(wrapped), list):
            body = body[wrapped]
        if not isinstance(body, list):
            kind = type(body).__name__
            raise SourceError(f"{where} answered a JSON {kind}, expected a list of {what}")
        return body

    def _redacted(self, error: Exception) -> str:
        message, key = str(error), self.params.get("api_key")
        for secret in {key, quote(key, safe="")} if key else ():
            message = message.replace(secret, "***")
        return message

    def _resume(self, newest: datetime) -> Position:
        """Where the next run starts after a walk that reached now."""
        if self.window_by == "updated":
            return Position(newest, 1, newest)
        start = max(self.start, self.until - self.window)
        return Position(start, 1, start)


def _updated_times(requests: list[Any]) -> list[datetime]:
    times = []
    for item in requests:
        try:
            moment = datetime.fromisoformat(item["updated_datetime"])
        except (TypeError, KeyError, ValueError):
            continue
        if moment.tzinfo is not None:
            times.append(moment.astimezone(UTC))
    return times


def _next_second(moment: datetime) -> datetime:
    """``moment`` rounded up to a whole second, as the windows' times are sent."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _city(areas: AreaDirectory, code: str) -> str:
    area = areas.get(code)
    if area is None or area.level != "regency":
        raise ConfigError(f"city {code!r} is not a regency code of the area data, such as 71.71")
    return code


def _start(text: str) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"start_date must be a day such as 2024-01-01, not {text!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
