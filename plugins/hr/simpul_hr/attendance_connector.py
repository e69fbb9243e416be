"""Reads a daily attendance API day by day, page by page.

A complete listing reads the last ``history_days`` days up to today; the cursor is then the last
day read, so each run reads that day again (people check out) and every day since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from hub.api import Page, SourceError, http_client, read_json

ATTENDANCE_PATH = "/api/v1/attendance"


class AttendanceConnector:
    """A connector over ``GET /api/v1/attendance?date=...&page=...``; the cursor is a day and a
    page as JSON."""

    def __init__(self, settings: Mapping[str, Any], *, zone: tzinfo) -> None:
        self.zone = zone
        self.page_size: int = settings["page_size"]
        self.history_days: int = max(1, settings["history_days"])
        self.client = http_client(
            settings["url"],
            headers={"Authorization": f"Bearer {settings['token']}"},
            timeout=settings["timeout"],
        )

    def fetch_page(self, cursor: str | None) -> Page:
        today = datetime.now(self.zone).date()
        day, page = self._position(cursor, today)
        params = {"date": day.isoformat(), "page": page, "per_page": self.page_size}
        body = day_listing(read_json(self.client.get(ATTENDANCE_PATH, params=params)))
        if body["has_more"]:
            following, more = (day, page + 1), True
        elif day < today:
            following, more = (day + timedelta(days=1), 1), True
        else:
            following, more = (day, 1), False
        cursor_after = json.dumps({"date": following[0].isoformat(), "page": following[1]})
        return Page(records=body["data"], next_cursor=cursor_after, has_more=more)

    def close(self) -> None:
        self.client.close()

    def _position(self, cursor: str | None, today: date) -> tuple[date, int]:
        """The day and page to read: from the cursor, within the last ``history_days`` days."""
        first = today - timedelta(days=self.history_days - 1)
        if cursor is None:
            return first, 1
        try:
            position = json.loads(cursor)
            day, page = date.fromisoformat(position["date"]), int(position["page"])
        except (KeyError, TypeError, ValueError):
            raise SourceError(f"cursor {cursor!r} is not a day and page: run a full sync") from None
        if day < first or day > today:
            return max(first, min(day, today)), 1
        return day, max(1, page)


def day_listing(body: Any) -> dict[str, Any]:
    """The listing ``body`` if it has the API's shape, else SourceError saying what is wrong."""
    where = f"attendance {ATTENDANCE_PATH}"
    if not isinstance(body, dict):
        raise SourceError(f"{where} answered {type(body).__name__}, expected a JSON object")
    if not isinstance(body.get("data"), list):
        raise SourceError(f"{where}: 'data' must be a list of attendance records")
    if not isinstance(body.get("has_more"), bool):
        raise SourceError(f"{where}: 'has_more' must be true or false")
    return body
