"""One listing of the simulated finance API: items in change order, paged with ``after`` tokens.

An item's key is ``(stamp, id)``, the time it last changed and its id; a page continues after the
key its token names, so a client that kept the last token sees only what changed since.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from datetime import UTC, datetime
from typing import Any

Key = tuple[str, str]
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def format_stamp(moment: datetime) -> str:
    """``2026-03-15T03:12:00.000000Z``: UTC with microseconds, so stamps sort as text by time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_token(key: Key) -> str:
    return f"{key[0]}~{key[1]}"


def read_token(token: str) -> Key:
    """The key a token stands for; ValueError if it is not a token."""
    stamp, _, item_id = token.partition("~")
    if not item_id or not STAMP.fullmatch(stamp):
        raise ValueError(f"{token!r} is not a cursor")
    return stamp, item_id


class Listing:
    """Items by id, with their keys in ascending order. Not thread-safe: its owner locks."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, dict[str, Any]]] = {}
        self._order: list[Key] = []

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item_id: str, stamp: str, item: dict[str, Any]) -> None:
        """Add or replace the item ``item_id``, changed at ``stamp``."""
        previous = self._items.get(item_id)
        if previous is not None:
            del self._order[bisect_left(self._order, (previous[0], item_id))]
        self._items[item_id] = (stamp, item)
        insort(self._order, (stamp, item_id))

    def page(self, after: Key | None, limit: int) -> tuple[list[dict[str, Any]], str | None, bool]:
        """Up to ``limit`` items after the key ``after``, the token of the last, and whether more
        follow."""
        start = bisect_right(self._order, after) if after else 0
        keys = self._order[start : start + limit]
        token = make_token(keys[-1]) if keys else None
        return [self._items[key[1]][1] for key in keys], token, start + limit < len(self._order)
