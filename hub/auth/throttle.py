"""Password checks, with failed sign-ins throttled per client address.

Failures are counted in the hub's Redis, through the app's rate limiter (:mod:`hub.limits`),
with the limiter's fallback to memory while Redis is away: per client address and username
(``login_attempts`` failures in ``login_lockout`` seconds) and per client address whatever the
username (``login_failure_limit``). Past either, the address is refused, before any password is
checked, until the oldest failure in the window has aged out of it.

The account itself is never locked, so nobody can keep its owner out by guessing at it from
elsewhere. A known and an unknown username are counted and refused alike. A success forgets the
failures of its username from its address, never those of the address: signing in to an account
of one's own does not clear a spray of guesses at others.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import format_timedelta, gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hub.config import Settings
from hub.limits import EXTENSION
from hub.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one sign-in attempt: the user, or why they were refused."""

    user: User | None = None
    refusal: str = ""
    retry_after: int | None = None
    """Seconds until the client may try again, when it has failed too often."""


class Failures:
    """The failed sign-ins of one client address: for one username, and for all."""

    def __init__(self, limiter: Limiter, settings: Settings, address: str, username: str) -> None:
        self._strategy = limiter.limiter
        self._storage_errors = limiter.storage.base_exceptions
        key = (f"simpul:{settings.queue_name}:login-failures", address)
        username_key = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
        self._per_username: list[tuple[RateLimitItem, tuple[str, ...]]] = []
        if settings.login_lockout > 0:
            limit = RateLimitItemPerSecond(settings.login_attempts, settings.login_lockout)
            self._per_username.append((limit, (*key, username_key)))
        self._limits = [
            *self._per_username,
            *((limit, key) for limit in parse_many(settings.login_failure_limit)),
        ]

    @classmethod
    def of_request(cls, settings: Settings, username: str) -> Failures:
        """The failures of the current request's client address, counted by the app's limiter."""
        limiter = current_app.extensions[EXTENSION].limiter
        return cls(limiter, settings, get_remote_address(), username)

    def wait(self) -> int | None:
        """Whole seconds until the address may try again; None if it may now."""
        waits: list[int] = []
        with self._unless_redis_fails():
            waits = [
                self._seconds_left(limit, key)
                for limit, key in self._limits
                if not self._strategy.test(limit, *key)
            ]
        return max(1, *waits) if waits else None

    def add(self) -> None:
        with self._unless_redis_fails():
            for limit, key in self._limits:
                self._strategy.hit(limit, *key)

    def forget_username(self) -> None:
        with self._unless_redis_fails():
            for limit, key in self._per_username:
                self._strategy.clear(limit, *key)

    def _seconds_left(self, limit: RateLimitItem, key: tuple[str, ...]) -> int:
        return math.ceil(self._strategy.get_window_stats(limit, *key).reset_time - time.time())

    @contextmanager
    def _unless_redis_fails(self) -> Iterator[None]:
        """Count nothing if Redis fails here: the limiter notices it on the next request and
        counts in memory from then on."""
        try:
            yield
        except self._storage_errors as error:
            log.warning("sign-in failures not counted: %s", error)


def attempt_login(session: Session, username: str, password: str, failures: Failures) -> Attempt:
    """Check ``password`` for ``username``, unless the client has failed too often.

    A wrong password and an unknown username get the same message and count alike.
    """
    wait = failures.wait()
    if wait is not None:
        return Attempt(refusal=_throttled(wait), retry_after=wait)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_decoy_hash(), password)
    if user is None or not user.check_password(password):
        failures.add()
        return Attempt(refusal=gettext("Wrong username or password."))
    if not user.active:
        return Attempt(refusal=gettext("This account is disabled. Ask an administrator."))
    failures.forget_username()
    return Attempt(user=user)


@cache
def _decoy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return generate_password_hash("not a password of anyone")


def _throttled(seconds: int) -> str:
    duration = format_timedelta(timedelta(seconds=seconds), granularity="minute")
    return gettext(
        "Too many failed sign-ins from your address. Try again in %(duration)s.",
        duration=duration,
    )
