"""Amounts and shares for people, in the page's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_date, format_decimal, format_percent


def rupiah(amount: Decimal | str) -> str:
    """``amount`` (or its canonical text) for people, in the page's language:
    "Rp 1.250.000.000" or "Rp 1.250,50"."""
    number = Decimal(amount)
    whole = number == number.to_integral_value()
    return "Rp\u00a0" + format_decimal(number, format="#,##0" if whole else "#,##0.00")


def percent(value: Decimal | None) -> str:
    """A share for people: "45,3%" in Indonesian; a dash when there is none."""
    return "—" if value is None else format_percent(value, format="#,##0.0%")


def bar_width(value: Decimal | None) -> str:
    """A share as the width of a CSS bar, in percent of its track: ``"45.3"``, within 0 to 100."""
    return f"{min(max(value or Decimal(0), Decimal(0)), Decimal(1)) * 100:.1f}"


def points(share_difference: Decimal) -> str:
    """A difference of two shares in percentage points: "12,5"."""
    return format_decimal(share_difference * 100, format="#,##0.0")


def day(value: date) -> str:
    """A date in the page's language: "23 Nov 2026"."""
    return format_date(value, "medium")


def month_name(year: int, month: int) -> str:
    """The name of a month in the page's language: "November"."""
    return format_date(date(year, month, 1), "LLLL")
