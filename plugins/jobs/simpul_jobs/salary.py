"""A posting's pay: schema.org ``baseSalary`` read into one plain shape, and written back.

The shape kept in a vacancy's attributes is ``{"currency", "min", "max", "unit"}``: amounts as
decimal texts (so no float rounding), ``min == max`` for a single figure, the currency an ISO
4217 code or None, the unit one of schema.org's unitText values (HOUR, DAY, WEEK, MONTH, YEAR)
or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.api import InvalidRecord

UNITS = ("HOUR", "DAY", "WEEK", "MONTH", "YEAR")
Salary = dict[str, str | None]


def read_salary(raw: Mapping[str, Any]) -> Salary | None:
    """The pay of JobPosting ``raw``: a MonetaryAmount whose ``value`` is a number or a
    QuantitativeValue (``value``, or ``minValue``/``maxValue``, with ``unitText``), or a bare
    number with ``salaryCurrency`` beside it. None when the posting gives none."""
    salary = raw.get("baseSalary")
    if isinstance(salary, list):
        salary = salary[0] if salary else None
    if salary is None:
        return None
    currency = raw.get("salaryCurrency")
    if isinstance(salary, Mapping):
        currency = salary.get("currency") or currency
        salary = salary.get("value", salary)
    unit = None
    if isinstance(salary, Mapping):
        unit = salary.get("unitText")
        single = salary.get("value")
        low, high = (
            (single, single)
            if single is not None
            else (
                salary.get("minValue"),
                salary.get("maxValue"),
            )
        )
    else:
        low = high = salary
    return _checked(_amount(low), _amount(high), currency, unit)


def monetary_amount(salary: Salary) -> dict[str, Any]:
    """``salary`` as the schema.org MonetaryAmount that search engines read."""
    value: dict[str, Any] = {"@type": "QuantitativeValue"}
    low, high = Decimal(salary["min"] or 0), Decimal(salary["max"] or 0)
    if low == high:
        value["value"] = _number(low)
    else:
        value |= {"minValue": _number(low), "maxValue": _number(high)}
    if salary.get("unit"):
        value["unitText"] = salary["unit"]
    amount: dict[str, Any] = {"@type": "MonetaryAmount", "value": value}
    if salary.get("currency"):
        amount["currency"] = salary["currency"]
    return amount


def _checked(low: Decimal | None, high: Decimal | None, currency: Any, unit: Any) -> Salary:
    low = low if low is not None else high
    high = high if high is not None else low
    if low is None or high is None:
        raise InvalidRecord("baseSalary has no value, minValue or maxValue")
    if low > high:
        raise InvalidRecord(f"baseSalary minValue {low} is above its maxValue {high}")
    if currency is not None and not (
        isinstance(currency, str) and len(currency.strip()) == 3 and currency.strip().isalpha()
    ):
        raise InvalidRecord(f"baseSalary currency {currency!r} is not an ISO 4217 code like IDR")
    if isinstance(unit, str):
        unit = unit.strip().upper()
    if unit is not None and unit not in UNITS:
        raise InvalidRecord(f"baseSalary unitText {unit!r} is not one of {', '.join(UNITS)}")
    return {
        "currency": currency.strip().upper() if currency else None,
        "min": str(low),
        "max": str(high),
        "unit": unit,
    }


def _amount(value: Any) -> Decimal | None:
    """A non-negative amount from a JSON number or a numeric text."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRecord(f"baseSalary value {value!r} is not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidRecord(f"baseSalary value {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidRecord(f"baseSalary value {value!r} is not an amount of 0 or more")
    return amount.to_integral_value() if amount == amount.to_integral_value() else amount


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)
