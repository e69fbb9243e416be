"""Rate limits per client address, with Flask-Limiter; sign-in failures are counted beside them.

Each app has one :class:`~flask_limiter.Limiter` (:func:`init_limits`), counting in the hub's
Redis so that every portal process of a hub shares the counts (keys are prefixed with the hub's
``queue_name``, as its queue and live channel are). When Redis cannot be reached the limits go on
in each process's memory until it is back: the portal keeps working either way.

A view is limited with :func:`rate_limit`, the hub's own and the plugins' alike (it is in
:mod:`hub.api`). A refused request raises a 429 whose description says, in the request's
language, when to try again, and whose response carries ``Retry-After``. A blueprint's error
handler shows it in the blueprint's own format.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app
from flask_babel import format_timedelta, gettext
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from hub.state import current_hub

F = TypeVar("F", bound=Callable[..., Any])
LimitValue = str | Callable[[], str]

EXTENSION = "simpul_limits"
REDIS_TIMEOUT = 1.0
"""Seconds to wait for Redis to connect or answer before counting in memory instead."""


class AppLimits:
    """An app's limiter, and the limited versions of the views it has seen."""

    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter
        self._views: dict[Callable[..., Any], Callable[..., Any]] = {}
        self._lock = threading.Lock()

    def limited(
        self, view: Callable[..., Any], limit: LimitValue, methods: Sequence[str] | None
    ) -> Callable[..., Any]:
        """``view`` under ``limit`` in this app, decorated by its limiter on first use."""
        with self._lock:
            if view not in self._views:
                decorate = self.limiter.limit(
                    limit, methods=list(methods) if methods else None, error_message=_refusal
                )
                self._views[view] = decorate(view)
            return self._views[view]


def init_limits(app: Flask) -> Limiter:
    """Give ``app`` its limiter, counting in the hub's Redis."""
    settings = current_hub(app).settings
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=_storage_uri(settings.redis_url),
        storage_options={
            "socket_connect_timeout": REDIS_TIMEOUT,
            "socket_timeout": REDIS_TIMEOUT,
        },
        strategy="moving-window",
        key_prefix=f"simpul:{settings.queue_name}",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    app.extensions[EXTENSION] = AppLimits(limiter)
    app.after_request(_say_when_to_retry)
    return limiter


def rate_limit(limit: LimitValue, *, methods: Sequence[str] | None = None) -> Callable[[F], F]:
    """Limit how often one client address may call the decorated view.

    ``limit`` is a rate such as ``"30 per minute"`` (or ``"100/hour;10/minute"``), or a function
    called in the request that returns one, to read it from the configuration; an empty rate
    turns the limit off. ``methods`` limits only those methods (``["POST"]``). Put it under the
    route decorator. Past the rate, the request is refused with a 429 (a
    :class:`werkzeug.exceptions.TooManyRequests`) whose description says when to try again.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            limits: AppLimits | None = current_app.extensions.get(EXTENSION)
            if limits is None:
                return view(*args, **kwargs)
            return limits.limited(view, limit, methods)(*args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate


def retry_after() -> int | None:
    """Seconds until the limit the current request broke lets the next request through; None
    if it broke none."""
    limits: AppLimits | None = current_app.extensions.get(EXTENSION)
    broken = limits.limiter.current_limit if limits is not None else None
    return _seconds_left(broken) if broken is not None and broken.breached else None


def _seconds_left(broken: RequestLimit) -> int:
    """Whole seconds to the limit's reset (its clock rounds up), never more than its window."""
    window = broken.limit.get_expiry()
    return min(window, max(1, math.ceil(broken.reset_at - time.time())))


def _say_when_to_retry(response: Response) -> Response:
    """``Retry-After`` on a refusal, whichever error handler answered it."""
    if response.status_code == 429 and (seconds := retry_after()) is not None:
        response.headers.setdefault("Retry-After", str(seconds))
    return response


def _refusal() -> str:
    wait = format_timedelta(timedelta(seconds=retry_after() or 1), granularity="second")
    return gettext("Too many requests from your address. Try again in %(duration)s.", duration=wait)


def _storage_uri(redis_url: str) -> str:
    """The limiter's name for the hub's Redis (a socket path is ``redis+unix://``)."""
    if redis_url.startswith("unix://"):
        return "redis+" + redis_url
    return redis_url
