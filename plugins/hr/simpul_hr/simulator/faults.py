"""Fault injection for the simulator's listings: errors, slowness and invalid records."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from simpul_hr.scim import ENTERPRISE

FAILURES = ("fail_next", "rate_limit_next", "malformed_next")
UNKNOWN_UNIT = "Dinas Urusan Tidak Dikenal"


@dataclass
class FaultSettings:
    """What ``POST /_sim/faults`` sets; counters count down one listing request each
    (``invalid_next`` one page of users or of attendance)."""

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
    names = {f.name for f in fields(FaultSettings)}
    for name, value in changes.items():
        if name == "reset":
            if not isinstance(value, bool):
                raise ValueError("reset must be true or false")
        elif name not in names:
            raise ValueError(f"unknown fault {name!r} (expected one of {', '.join(names)}, reset)")
        elif type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a whole number, 0 or more")
    return dict(changes)


class FaultInjector:
    """The current faults, and how many listing requests there were."""

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
        """Count one listing request; its delay in seconds and the failure it answers with
        (one of FAILURES, from the first counter still running), or None."""
        with self._lock:
            self.requests += 1
            failure = next((name for name in FAILURES if getattr(self.settings, name)), None)
            if failure:
                setattr(self.settings, failure, getattr(self.settings, failure) - 1)
            return self.settings.latency_ms / 1000, failure

    def invalid_number(self, page: list[dict[str, Any]]) -> int | None:
        """The number of the invalid pair to add to ``page``, or None if none is due."""
        with self._lock:
            if not page or not self.settings.invalid_next:
                return None
            self.settings.invalid_next -= 1
            self._invalid_count += 1
            return self._invalid_count


def invalid_users(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken users shaped like ``model``: one without an id, one in a unit the provider has
    no group for (with an id and a NIP of its own, so it shadows nobody)."""
    without_id = {key: value for key, value in model.items() if key != "id"}
    elsewhere = {
        **model,
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "userName": f"999999999999999{number:03d}",
        ENTERPRISE: {
            **model[ENTERPRISE],
            "employeeNumber": f"999999999999999{number:03d}",
            "department": UNKNOWN_UNIT,
        },
    }
    return [without_id, elsewhere]


def invalid_attendance(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken records shaped like ``model``: one of a person nobody employs, and one whose
    check-out comes before its check-in."""
    stranger = f"999999999999998{number:03d}"
    unknown = {**model, "id": f"ABS-{model['date']}-{stranger}", "nip": stranger}
    day = model["date"]
    backwards = {
        **model,
        "status": "present",
        "check_in": f"{day}T16:05:00+08:00",
        "check_out": f"{day}T07:30:00+08:00",
    }
    return [unknown, backwards]
