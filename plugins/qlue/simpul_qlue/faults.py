"""Fault injection for the simulator's report listing: errors, slowness and messy pages."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from typing import Any

from simpul_qlue.reports import STATUSES, format_time, parse_time

UNKNOWN_KELURAHAN = "99.99.99.9999"
FAILURES = ("fail_next", "rate_limit_next", "malformed_next")
ONE_SECOND = timedelta(seconds=1)


@dataclass
class FaultSettings:
    """What ``POST /_sim/faults`` sets; counters count down one report request each."""

    latency_ms: int = 0
    fail_next: int = 0
    rate_limit_next: int = 0
    retry_after: int = 1
    malformed_next: int = 0
    duplicates: bool = False
    out_of_order: bool = False
    invalid_next: int = 0


def checked_changes(changes: Any) -> dict[str, Any]:
    """The fault settings in ``changes``, with ``reset``; ValueError naming the first bad one."""
    if not isinstance(changes, Mapping):
        raise ValueError("expected a JSON object")
    types = {f.name: f.type for f in fields(FaultSettings)} | {"reset": "bool"}
    for name, value in changes.items():
        if name not in types:
            raise ValueError(f"unknown fault {name!r} (expected one of {', '.join(types)})")
        if types[name] == "bool" and not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        if types[name] == "int" and (type(value) is not int or value < 0):
            raise ValueError(f"{name} must be a whole number, 0 or more")
    return dict(changes)


class FaultInjector:
    """The current faults, and the count of report requests they were applied to."""

    def __init__(self, rng: random.Random) -> None:
        self.settings = FaultSettings()
        self.requests = 0
        self._rng = rng
        self._invalid_count = 0
        self._lock = threading.Lock()

    def configure(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply checked ``changes`` (``reset`` first) and return the resulting settings."""
        with self._lock:
            if changes.get("reset"):
                self.settings = FaultSettings()
            for name, value in changes.items():
                if name != "reset":
                    setattr(self.settings, name, value)
            return asdict(self.settings)

    def admit(self) -> tuple[float, str | None]:
        """Count one report request; return its delay in seconds and the failure it answers with.

        The failure is one of ``FAILURES``, taken from the first counter still running, or None.
        """
        with self._lock:
            self.requests += 1
            failure = next((name for name in FAILURES if getattr(self.settings, name)), None)
            if failure:
                setattr(self.settings, failure, getattr(self.settings, failure) - 1)
            return self.settings.latency_ms / 1000, failure

    def distort(self, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The page as the faults have it: with duplicates, stale copies and invalid reports."""
        if not page:
            return page
        rng, distorted = self._rng, list(page)
        with self._lock:
            if self.settings.duplicates:
                distorted.insert(rng.randrange(len(page) + 1), rng.choice(page))
            if self.settings.out_of_order:
                rng.shuffle(distorted)
                moved = [report for report in page if report["status"] != "wait"] or page
                distorted.append(stale_copy(rng.choice(moved)))
            if self.settings.invalid_next:
                self.settings.invalid_next -= 1
                self._invalid_count += 1
                distorted.extend(invalid_reports(page[0], self._invalid_count))
        return distorted


def stale_copy(report: dict[str, Any]) -> dict[str, Any]:
    """An older version of ``report``: the status before, when it was created."""
    created, updated = report["created_at"], report["updated_at"]
    earlier = created if updated > created else format_time(parse_time(updated) - ONE_SECOND)
    status = STATUSES[max(0, STATUSES.index(report["status"]) - 1)]
    return {**report, "status": status, "updated_at": earlier}


def invalid_reports(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken reports shaped like ``model``: one without an id, one in an unknown kelurahan."""
    without_id = {key: value for key, value in model.items() if key != "id"}
    prefix = model["id"].rsplit("-", 1)[0]
    elsewhere = {
        **model,
        "id": f"{prefix}-X{number:05d}",
        "location": {**model["location"], "kelurahan_code": UNKNOWN_KELURAHAN},
    }
    return [without_id, elsewhere]
