"""Password checks with throttling: too many failures lock the account for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask_babel import format_timedelta, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hub.config import Settings
from hub.models import User
from hub.models.base import utcnow


@dataclass(frozen=True)
class Attempt:
    """The outcome of one sign-in attempt: the user, or why they were refused."""

    user: User | None = None
    refusal: str = ""


def attempt_login(
    session: Session,
    username: str,
    password: str,
    settings: Settings,
    now: datetime | None = None,
) -> Attempt:
    """Check ``password`` for ``username`` and record the outcome on the account.

    A wrong password and an unknown username get the same message. After
    ``settings.login_attempts`` consecutive failures the account is refused for
    ``settings.login_lockout`` seconds, whatever the password; a success resets the count.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return Attempt(refusal=_generic())
    if user.locked_until is not None and user.locked_until > now:
        return Attempt(refusal=_locked(user.locked_until - now))
    if not user.check_password(password):
        return _failed(user, settings, now)
    if not user.active:
        return Attempt(refusal=gettext("This account is disabled. Ask an administrator."))
    user.failed_logins = 0
    user.locked_until = None
    return Attempt(user=user)


def _failed(user: User, settings: Settings, now: datetime) -> Attempt:
    user.failed_logins += 1
    if user.failed_logins < settings.login_attempts:
        return Attempt(refusal=_generic())
    user.failed_logins = 0
    user.locked_until = now + timedelta(seconds=settings.login_lockout)
    return Attempt(refusal=_locked(timedelta(seconds=settings.login_lockout)))


@cache
def _decoy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return generate_password_hash("not a password of anyone")


def _generic() -> str:
    return gettext("Wrong username or password.")


def _locked(remaining: timedelta) -> str:
    duration = format_timedelta(max(remaining, timedelta(minutes=1)), granularity="minute")
    return gettext(
        "Too many failed sign-ins: this account is locked. Try again in %(duration)s.",
        duration=duration,
    )
