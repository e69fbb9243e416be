"""The fiscal year and the dates of finance records.

A budget year runs from 1 January to 31 December. A date (of an SP2D, of the start of a budget
year) is stored as midnight Western Indonesian Time, so it reads as the same date in every
Indonesian time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def day_start(day: date) -> datetime:
    """The moment a finance record dated ``day`` is stored with."""
    return datetime.combine(day, time(), WIB)


def record_date(moment: datetime) -> date:
    """The date of a finance record stored at ``moment``."""
    return moment.astimezone(WIB).date()


def year_start(year: int) -> datetime:
    return day_start(date(year, 1, 1))


def year_end(year: int) -> datetime:
    """The first moment after budget year ``year``."""
    return year_start(year + 1)
