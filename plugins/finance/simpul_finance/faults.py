"""Fault injection for the simulator's listings: errors, slowness and invalid items."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

UNKNOWN_KECAMATAN = "99.99.99"
FAILURES = ("fail_next", "rate_limit_next", "malformed_next")


@dataclass
class FaultSettings:
    """What ``POST /_sim/faults`` sets; counters count down one listing request each."""

    latency_ms: int = 0
    fail_next: int = 0
    rate_limit_next: int = 0
    retry_after: int = 1
    malformed_next: int = 0
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
    """The current faults, and the count of listing requests they were applied to."""

    def __init__(self) -> None:
        self.settings = FaultSettings()
        self.requests = 0
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
        """Count one listing request; return its delay in seconds and the failure it answers
        with: one of ``FAILURES``, from the first counter still running, or None."""
        with self._lock:
            self.requests += 1
            failure = next((name for name in FAILURES if getattr(self.settings, name)), None)
            if failure:
                setattr(self.settings, failure, getattr(self.settings, failure) - 1)
            return self.settings.latency_ms / 1000, failure

    def spoil(self, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The page with two invalid items shaped like its first, while ``invalid_next`` lasts."""
        with self._lock:
            if not page or not self.settings.invalid_next:
                return page
            self.settings.invalid_next -= 1
        return [*page, *invalid_items(page[0])]


def invalid_items(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Two broken copies of ``model``: a budget line without an id and one in an unknown
    kecamatan, or a realization with a floating point amount and one with a malformed date."""
    if "sp2d_number" in model:
        return [
            {**model, "sp2d_number": model["sp2d_number"] + "-X1", "amount": 1250000.5},
            {**model, "sp2d_number": model["sp2d_number"] + "-X2", "date": "15/03/2026"},
        ]
    return [
        {key: value for key, value in model.items() if key != "id"},
        {**model, "id": model["id"] + "-X", "area_code": UNKNOWN_KECAMATAN},
    ]
