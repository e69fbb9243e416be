"""The simulator's reports, kept in change order so pages are cut with a binary search."""

from __future__ import annotations

import gc
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from simpul_qlue.reports import STATUSES, ReportFactory, format_time, parse_time

Key = tuple[str, str]
ONE_MICROSECOND = timedelta(microseconds=1)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, which slows building many dicts at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def make_token(key: Key) -> str:
    """The opaque ``after`` token of a report: ``<updated_at>~<id>``."""
    return f"{key[0]}~{key[1]}"


def read_token(token: str) -> Key:
    """The (updated_at, id) a token stands for; ValueError if it is not a token."""
    updated_at, _, report_id = token.partition("~")
    if not report_id or format_time(parse_time(updated_at)) != updated_at:
        raise ValueError(f"{token!r} is not a cursor")
    return updated_at, report_id


class ReportStore:
    """Reports by id, plus their keys ``(updated_at, id)`` in ascending order; thread-safe."""

    def __init__(self, factory: ReportFactory, size: int) -> None:
        self._factory = factory
        with paused_gc():
            reports = factory.history(size)
            self._reports = {report["id"]: report for report in reports}
            self._order: list[Key] = sorted((r["updated_at"], r["id"]) for r in reports)
            self._open = {r["id"]: None for r in reports if r["status"] != "complete"}
        self._last = parse_time(self._order[-1][0]) if self._order else factory.reference
        self._responses: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        return len(self._reports)

    def get(self, report_id: str) -> dict[str, Any] | None:
        return self._reports.get(report_id)

    def page(
        self, *, after: Key | None = None, since: str | None = None, limit: int = 100
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to ``limit`` reports after the key ``after`` and updated at or after ``since``.

        Returns the reports and whether more follow them.
        """
        with self._lock:
            start = bisect_right(self._order, after) if after else 0
            if since:
                start = max(start, bisect_left(self._order, (since,)))
            keys = self._order[start : start + limit]
            return [self._reports[key[1]] for key in keys], start + limit < len(self._order)

    def tick(
        self, new: int = 0, updates: int = 0, deletes: int = 0, disputes: int = 0
    ) -> dict[str, list[str]]:
        """Create ``new`` waiting reports, move ``updates`` open ones on, delete ``deletes``, and
        let citizens dispute ``disputes`` completed ones (they turn red again)."""
        with self._lock:
            done = [report_id for report_id in self._reports if report_id not in self._open]
            return {
                "created": [self._create() for _ in range(new)],
                "updated": [self._advance(i) for i in self._sample(list(self._open), updates)],
                "deleted": [self._delete(key[1]) for key in self._sample(self._order, deletes)],
                "disputed": [self._dispute(i) for i in self._sample(done, disputes)],
            }

    def respond(self, report_id: str, key: str, response: dict[str, Any]) -> dict[str, Any] | None:
        """Record an official's response under an idempotency ``key``: the report takes the
        response's status, and the same key again changes nothing. None if no such report."""
        with self._lock:
            old = self._reports.get(report_id)
            if old is None:
                return None
            if key not in self._responses:
                response = {**response, "at": self._stamp()}
                responses = [*old.get("responses", []), response]
                self._replace(old, status=response["status"], responses=responses)
                self._responses[key] = report_id
            return self._reports[report_id]

    def _sample(self, population: list, count: int) -> list:
        return self._factory.rng.sample(population, min(count, len(population)))

    def _stamp(self) -> str:
        """Now, or just after the newest change if the clock is behind it."""
        self._last = max(datetime.now(UTC), self._last + ONE_MICROSECOND)
        return format_time(self._last)

    def _create(self) -> str:
        report = self._factory.new(self._stamp())
        self._reports[report["id"]] = report
        self._order.append((report["updated_at"], report["id"]))
        self._open[report["id"]] = None
        return report["id"]

    def _advance(self, report_id: str) -> str:
        old = self._reports[report_id]
        self._replace(old, status=STATUSES[STATUSES.index(old["status"]) + 1])
        return report_id

    def _dispute(self, report_id: str) -> str:
        self._replace(self._reports[report_id], status="wait")
        return report_id

    def _replace(self, old: dict[str, Any], **changes: Any) -> None:
        """Change a report now: it moves to the end of the change order."""
        report = {**old, **changes, "updated_at": self._stamp()}
        self._unlist(old)
        self._reports[report["id"]] = report
        self._order.append((report["updated_at"], report["id"]))
        if report["status"] == "complete":
            self._open.pop(report["id"], None)
        else:
            self._open[report["id"]] = None

    def _delete(self, report_id: str) -> str:
        self._unlist(self._reports.pop(report_id))
        self._open.pop(report_id, None)
        return report_id

    def _unlist(self, report: dict[str, Any]) -> None:
        del self._order[bisect_left(self._order, (report["updated_at"], report["id"]))]
