"""One of the simulator's listings: items by id, kept in change order for paging by token."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

Key = tuple[str, str]


def format_time(moment: datetime) -> str:
    """``2026-11-23T10:00:00.000123Z``: UTC, always with microseconds, so strings sort by time."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def make_token(key: Key) -> str:
    """The opaque ``after`` token of an item: ``<changed at>~<id>``."""
    return f"{key[0]}~{key[1]}"


def read_token(token: str) -> Key:
    """The key a token stands for; ValueError if it is not a token."""
    stamp, _, item_id = token.partition("~")
    try:
        valid = bool(item_id) and format_time(datetime.fromisoformat(stamp)) == stamp
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{token!r} is not a cursor")
    return stamp, item_id


class Collection:
    """Items by id, with their keys ``(changed at, id)`` in ascending order. Not thread-safe:
    the store that holds it locks."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}
        self._stamps: dict[str, str] = {}
        self._order: list[Key] = []

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self._items

    def get(self, item_id: str) -> dict[str, Any]:
        return self._items[item_id]

    def put(self, item_id: str, item: dict[str, Any], stamp: str) -> None:
        """Add or replace an item changed at ``stamp``; it moves to the end of the listing."""
        if item_id in self._items:
            self.remove(item_id)
        self._items[item_id] = item
        self._stamps[item_id] = stamp
        key = (stamp, item_id)
        self._order.insert(bisect_right(self._order, key), key)

    def remove(self, item_id: str) -> None:
        key = (self._stamps.pop(item_id), item_id)
        del self._order[bisect_left(self._order, key)]
        del self._items[item_id]

    def page(self, after: Key | None, limit: int) -> tuple[list[dict[str, Any]], str | None, bool]:
        """Up to ``limit`` items after the key ``after``: the items, the token of the last one
        (None if there are none) and whether more follow."""
        start = bisect_right(self._order, after) if after else 0
        keys = self._order[start : start + limit]
        token = make_token(keys[-1]) if keys else None
        return [self._items[key[1]] for key in keys], token, start + limit < len(self._order)

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, item)`` in listing order."""
        return ((key[1], self._items[key[1]]) for key in list(self._order))
