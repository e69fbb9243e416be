"""Reading one cell of an uploaded table as finance staff fill it in."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from simpul_finance.money import (
    NEGATIVE,
    NOT_AN_AMOUNT,
    TOO_LARGE,
    TOO_PRECISE,
    AmountError,
    canonical,
    exact_number,
    parse_amount,
    parse_signed,
)

ACCOUNT_CODE = re.compile(r"\d+(\.\d+)*")
PERCENT = re.compile(r"-?\d+([.,]\d+)?")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
FIRST_YEAR, LAST_YEAR = 2000, 2100
AMOUNT_MESSAGES = {
    NOT_AN_AMOUNT: _l("%(value)s is not an amount: write it like 1.250.000,00 or 1250000.00."),
    NEGATIVE: _l("%(value)s is negative: amounts must be 0 or more."),
    TOO_PRECISE: _l("%(value)s has more than two decimal places."),
    TOO_LARGE: _l("%(value)s is too large for an amount in Rupiah."),
}


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person who filled it in."""


def read_text(value: Any) -> str:
    """Text; a whole number a spreadsheet holds (an id typed as 123) without a trailing ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_year(value: Any) -> int:
    """A budget year, typed as a number or as text."""
    text = read_text(value)
    if not text.isdecimal() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise CellError(_("%(value)s is not a year like 2026.", value=text))
    return int(text)


def read_amount(value: Any) -> str:
    """An amount as the payload writes it; Indonesian (1.250.000,00) and plain (1250000.00)
    writing and spreadsheet numbers are accepted."""
    try:
        amount = parse_amount(value) if isinstance(value, str) else exact_number(value)
    except AmountError as error:
        raise CellError(amount_message(error.reason, value)) from None
    return canonical(amount)


def read_spent(value: Any) -> str:
    """An amount more than 0, as a realization must be."""
    amount = read_amount(value)
    if not Decimal(amount):
        raise CellError(_("A realization must be more than 0."))
    return amount


def amount_message(reason: str, value: Any) -> str:
    """Why ``value`` is not an amount, for the person who typed it."""
    return str(AMOUNT_MESSAGES[reason]) % {"value": value}


def read_date(value: Any) -> str:
    """A date cell, or text like 15/03/2026 or 2026-03-15, as ISO text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = read_text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise CellError(
        _("%(value)s is not a date: write it like 15/03/2026 or 2026-03-15.", value=text)
    )


def read_signed(value: Any) -> Decimal:
    """An amount of a report: ``1.234.567,89``, ``(1.234,00)`` or ``-1.234,00`` (negative),
    ``Rp 1.234``, a number, or ``-`` or nothing for 0."""
    if value is None:
        return Decimal(0)
    try:
        if isinstance(value, str):
            return parse_signed(value)
        return -exact_number(-value) if value < 0 else exact_number(value)
    except (AmountError, TypeError):
        raise CellError(amount_message(NOT_AN_AMOUNT, value)) from None


def read_percent(value: Any) -> Decimal:
    """A percentage: ``85,50%``, ``85.5`` or a number; ``-`` or nothing for 0."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return Decimal(repr(value or 0))
    text = "".join(str(value).split()).rstrip("%")
    if text in ("", "-", "–", "—"):
        return Decimal(0)
    if not PERCENT.fullmatch(text):
        raise CellError(_("%(value)s is not a percentage like 85,50%%.", value=value))
    return Decimal(text.replace(",", "."))


def read_code(value: Any) -> str:
    """A kode rekening such as ``5.1.02``; one typed as a number (``4.1``) is read as text."""
    text = read_text(value)
    if not ACCOUNT_CODE.fullmatch(text):
        raise CellError(_("%(value)s is not a kode rekening like 5.1.02.", value=text))
    return text
