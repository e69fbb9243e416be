"""Fault injection for the simulator's listings and feed: errors, slowness and bad items."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

UNKNOWN_KELURAHAN = "36.71.99.9999"
"""Shaped like a kelurahan code, but no kelurahan has it."""
FAILURES = ("fail_next", "rate_limit_next", "malformed_next")


@dataclass
class FaultSettings:
    """What ``POST /_sim/faults`` sets; counters count down one request (or page) each."""

    latency_ms: int = 0
    fail_next: int = 0
    rate_limit_next: int = 0
    retry_after: int = 1
    malformed_next: int = 0
    invalid_next: int = 0
    not_jsonld_next: int = 0


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
    """The current faults, and how many listing and feed requests they were applied to."""

    def __init__(self) -> None:
        self.settings = FaultSettings()
        self.requests = 0
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
        """Count one request; return its delay in seconds and the failure it answers with (one
        of ``FAILURES``, from the first counter still running), or None."""
        with self._lock:
            self.requests += 1
            failure = next((name for name in FAILURES if getattr(self.settings, name)), None)
            if failure:
                self._count_down(failure)
            return self.settings.latency_ms / 1000, failure

    def not_jsonld(self) -> bool:
        """True if this feed request answers plain JSON instead of JSON-LD."""
        with self._lock:
            return self._count_down("not_jsonld_next")

    def distort(self, stream: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``items`` of ``stream`` (or of the feed), with invalid ones added if asked for."""
        with self._lock:
            if not items or not self._count_down("invalid_next"):
                return items
            self._invalid_count += 1
            return [*items, *invalid_items(stream, items[0], self._invalid_count)]

    def _count_down(self, name: str) -> bool:
        if not getattr(self.settings, name):
            return False
        setattr(self.settings, name, getattr(self.settings, name) - 1)
        return True


def invalid_items(stream: str, model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Items shaped like ``model`` that cannot be stored: a seeker in an unknown kelurahan; a
    posting without a title and one with an impossible date; a placement without its seeker."""
    if stream == "seekers":
        return [{**model, "id": f"{model['id']}X{number}", "kelurahan_code": UNKNOWN_KELURAHAN}]
    if stream == "placements":
        return [{k: v for k, v in model.items() if k != "seeker_id"} | {"id": f"PNM-X{number}"}]
    untitled = {k: v for k, v in model.items() if k != "title"}
    return [
        untitled | {"identifier": f"INVALID-{number}-TITLE"},
        model | {"identifier": f"INVALID-{number}-DATE", "datePosted": "31/11/2026"},
    ]
