"""Faults a simulator injects into its listings: slowness, errors, broken and wrong answers.

Every simulator takes the same faults through ``POST /_sim/faults``, so tests and the connector
contract suite can break any of them the same way:

- ``latency_ms``: wait this long before answering each listing request;
- ``fail_next``: answer the next N listing requests with HTTP 500;
- ``rate_limit_next``: answer the next N with HTTP 429 and ``Retry-After: <retry_after>``;
- ``malformed_next``: answer the next N with a JSON document cut off in the middle;
- ``garbage_next``: answer the next N with valid JSON of the wrong shape;
- ``invalid_next``: put invalid items into the next N pages (the simulator decides which);
- ``reset``: go back to no faults before applying the rest.

A simulator adds faults of its own through ``extra``: a default of ``False`` makes a switch, a
whole number a counter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response

from hub.simulators.web import json_body, json_response

STANDARD_FAULTS: dict[str, int | bool] = {
    "latency_ms": 0,
    "fail_next": 0,
    "rate_limit_next": 0,
    "retry_after": 1,
    "malformed_next": 0,
    "garbage_next": 0,
    "invalid_next": 0,
}
FAILURES = ("fail_next", "rate_limit_next", "malformed_next", "garbage_next")
MALFORMED_BODY = '{"data": [{"id": '
GARBAGE_BODY = {"unexpected": "this is not the listing that was asked for"}

ErrorResponse = Callable[[int, str], Response]


def error_response(status: int, message: str) -> Response:
    """An error as most JSON APIs answer it: ``{"error": message}``."""
    return json_response({"error": message}, status)


class FaultInjector:
    """The faults a simulator currently injects, and how many listing requests it admitted."""

    def __init__(self, extra: Mapping[str, int | bool] | None = None) -> None:
        self.defaults = {**STANDARD_FAULTS, **(extra or {})}
        self.settings = dict(self.defaults)
        self.requests = 0
        self._taken: dict[str, int] = {}
        self._lock = threading.Lock()

    def configure(self, changes: Any) -> dict[str, int | bool]:
        """Check and apply ``changes`` (``reset`` first); return the settings now in force.

        Raises ValueError naming the first unknown fault or bad value; nothing is applied then.
        """
        self._check(changes)
        with self._lock:
            if changes.get("reset"):
                self.settings = dict(self.defaults)
            self.settings.update({k: v for k, v in changes.items() if k != "reset"})
            return dict(self.settings)

    def admit(
        self, error: ErrorResponse = error_response, mimetype: str = "application/json"
    ) -> Response | None:
        """Count one listing request, wait its latency, and return the failure it answers with,
        or None when it is to be answered normally.

        ``error(status, message)`` builds the 500 and 429 answers in the app's error format;
        ``mimetype`` is that of the app's listings, for the broken and wrong-shaped answers.
        """
        with self._lock:
            self.requests += 1
            failure = next((name for name in FAILURES if self.settings[name]), None)
            if failure:
                self.settings[failure] -= 1
            delay, retry_after = self.settings["latency_ms"] / 1000, self.settings["retry_after"]
        if delay:
            time.sleep(delay)
        if failure == "rate_limit_next":
            response = error(429, "rate limit exceeded")
            response.headers["Retry-After"] = str(retry_after)
            return response
        if failure == "malformed_next":
            return Response(MALFORMED_BODY, mimetype=mimetype)
        if failure == "garbage_next":
            return json_response(GARBAGE_BODY, mimetype=mimetype)
        if failure:
            return error(500, "simulated failure")
        return None

    def take(self, counter: str) -> int:
        """Count ``counter`` down by one if it is running: the how-manieth time it was taken
        (1, 2, ...), or 0 when it was not running."""
        with self._lock:
            if not self.settings[counter]:
                return 0
            self.settings[counter] -= 1
            self._taken[counter] = self._taken.get(counter, 0) + 1
            return self._taken[counter]

    def is_on(self, switch: str) -> bool:
        """Whether the switch ``switch`` is on."""
        return bool(self.settings[switch])

    def serve_controls(self, app: Flask) -> None:
        """Serve ``POST /_sim/faults`` on ``app``: it sets faults and answers the settings."""

        def configure_faults() -> Response:
            try:
                return json_response(self.configure(json_body()))
            except ValueError as error:
                return json_response({"error": str(error)}, 400)

        app.add_url_rule("/_sim/faults", "configure_faults", configure_faults, methods=["POST"])

    def _check(self, changes: Any) -> None:
        if not isinstance(changes, Mapping):
            raise ValueError("expected a JSON object")
        for name, value in changes.items():
            default = False if name == "reset" else self.defaults.get(name)
            if default is None:
                expected = ", ".join([*self.defaults, "reset"])
                raise ValueError(f"unknown fault {name!r} (expected one of {expected})")
            if isinstance(default, bool) and not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            if not isinstance(default, bool) and (type(value) is not int or value < 0):
                raise ValueError(f"{name} must be a whole number, 0 or more")
