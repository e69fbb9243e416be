"""Exact amounts in Rupiah, read as APIs and finance staff write them.

Amounts are :class:`~decimal.Decimal` with at most two decimal places, never floats.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

MAX_DIGITS = 15
"""The most significant digits an amount may have: 10 trillion Rupiah with sen, and the most a
spreadsheet's binary number keeps exactly."""

CANONICAL = re.compile(r"\d+(\.\d{1,2})?")
FORMATS = (
    (CANONICAL, "", "."),
    (re.compile(r"\d{1,3}(\.\d{3})+(,\d{1,2})?"), ".", ","),
    (re.compile(r"\d{1,3}(,\d{3})+(\.\d{1,2})?"), ",", "."),
    (re.compile(r"\d+,\d{1,2}"), "", ","),
)
"""Plain ``1250000.00``, Indonesian ``1.250.000,00``, English ``1,250,000.00`` and a decimal comma
``1250000,50``: (pattern, thousands separator, decimal separator)."""

CURRENCY = re.compile(r"^(rp\.?|idr)", re.IGNORECASE)
DASHES = ("", "-", "–", "—")
"""How a report writes nothing: an empty cell or a dash."""
NOT_AN_AMOUNT, NEGATIVE, TOO_PRECISE, TOO_LARGE = "not_an_amount", "negative", "precise", "large"


class AmountError(ValueError):
    """Not an amount in Rupiah; ``reason`` says why (``NEGATIVE``, ``TOO_PRECISE``, ...)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_amount(text: str) -> Decimal:
    """The amount written in ``text``; AmountError saying why it is not one.

    Accepts a leading "Rp" and spaces; a dot followed by exactly three digits groups thousands
    (``1.250`` is one thousand two hundred and fifty), as Indonesian spreadsheets write it.
    """
    cleaned = CURRENCY.sub("", "".join(text.split()))
    if cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")")):
        raise AmountError(f"{text!r} is negative", NEGATIVE)
    for pattern, thousands, decimals in FORMATS:
        if pattern.fullmatch(cleaned):
            plain = cleaned.replace(thousands, "") if thousands else cleaned
            return checked(Decimal(plain.replace(decimals, ".")))
    raise AmountError(f"{text!r} is not an amount like 1.250.000,00 or 1250000.00", NOT_AN_AMOUNT)


def parse_signed(text: str) -> Decimal:
    """The amount written in ``text``, which may be negative as ``-1.234,00`` or, as reports
    write it, ``(1.234,00)``; a lone dash is 0."""
    cleaned = CURRENCY.sub("", "".join(text.split()))
    if cleaned in DASHES:
        return Decimal(0)
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    if cleaned.startswith("-"):
        cleaned = cleaned[1:]
    elif negative:
        cleaned = cleaned[1:-1]
    amount = parse_amount(CURRENCY.sub("", cleaned))
    return -amount if negative else amount


def exact_number(value: int | float) -> Decimal:
    """The amount a spreadsheet cell holds as a number.

    A workbook stores numbers in binary floating point; the shortest decimal that reads back as
    the same number is the one that was typed, as long as it has at most 15 significant digits.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AmountError(f"{value!r} is not a number", NOT_AN_AMOUNT)
    if isinstance(value, float) and not math.isfinite(value):
        raise AmountError(f"{value!r} is not an amount", NOT_AN_AMOUNT)
    amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if amount < 0:
        raise AmountError(f"{value!r} is negative", NEGATIVE)
    return checked(amount)


def checked(amount: Decimal) -> Decimal:
    """``amount`` if it has at most two decimal places and 15 digits; else AmountError."""
    if amount.adjusted() + 3 > MAX_DIGITS:
        raise AmountError(f"{amount} is too large to be an amount in Rupiah", TOO_LARGE)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise AmountError(f"{amount} has more than two decimal places", TOO_PRECISE)
    return amount


def canonical(amount: Decimal) -> str:
    """``amount`` as the finance API writes it: ``"1250000000.00"``."""
    return f"{amount:.2f}"


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a share of ``whole`` (0.25 for a quarter), or None when ``whole`` is 0."""
    return part / whole if whole else None
