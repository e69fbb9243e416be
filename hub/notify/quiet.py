"""Quiet hours: a span of local time in which nobody wants their phone to ring."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from hub.problems import Problem

DAY = 24 * 60


def after_quiet_hours(
    now: datetime, quiet: tuple[int | None, int | None], timezone: str
) -> datetime:
    """``now``, or the end of the quiet span ``(from, until)`` (local minutes after midnight; it
    may cross midnight) if ``now`` falls in it."""
    start, end = quiet
    if start is None or end is None or start == end:
        return now
    local = now.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    if start < end:
        inside, wait = start <= minute < end, end - minute
    else:
        inside, wait = minute >= start or minute < end, (end - minute) % DAY
    if not inside:
        return now
    ends = local.replace(second=0, microsecond=0) + timedelta(minutes=wait)
    return ends.astimezone(now.tzinfo)


def parse_span(text: str) -> tuple[int, int] | None:
    """``"21:00-06:00"`` as local minutes ``(1260, 360)``; ``""`` as None. Raises ValueError."""
    if not text.strip():
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError("quiet hours are written like 21:00-06:00")
    return minutes(start), minutes(end)


def minutes(text: str) -> int:
    """``"06:30"`` as 390. Raises ValueError."""
    hours, sep, mins = text.strip().partition(":")
    if not (sep and hours.isdecimal() and mins.isdecimal() and len(mins) == 2):
        raise ValueError(f"{text.strip()!r} is not a time such as 06:30")
    value = int(hours) * 60 + int(mins)
    if int(hours) > 23 or int(mins) > 59:
        raise ValueError(f"{text.strip()!r} is not a time of day")
    return value


def clock(value: int | None) -> str:
    """390 as ``"06:30"``; None as ``""``."""
    return "" if value is None else f"{value // 60:02d}:{value % 60:02d}"


def quiet_span(
    quiet_from: str, quiet_until: str, problems: list[Problem]
) -> tuple[int | None, int | None]:
    """Quiet hours as a form sends them (``"21:00"``, both empty for none), in minutes after
    midnight; each time that is not one adds a problem."""
    if not quiet_from and not quiet_until:
        return None, None
    span = []
    for name, value in (("quiet_from", quiet_from), ("quiet_until", quiet_until)):
        try:
            span.append(minutes(value))
        except ValueError:
            message = _l("Write a time of day such as 21:00.")
            problems.append(Problem("quiet_hours", message, name))
            span.append(None)
    return span[0], span[1]
