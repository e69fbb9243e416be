"""Turns one payload of the finance system (a budget line or a realization) into a record.

Payloads come from the finance API (the connector adds ``kind``: which listing it came from) and
from imported files, in the same shape. Amounts are strings such as ``"1250000000.00"`` or whole
numbers, never floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_finance.fiscal import day_start, year_start
from simpul_finance.kinds import BUDGET_LINE, ISSUED, ORIGINAL, REALIZATION, REVISED
from simpul_finance.money import CANONICAL, checked

ACCOUNT_CODE = re.compile(r"\d(\.\d(\.\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)?)?")
"""A kode rekening: the full 5.1.02.01.01.0024, or one of its levels (5, 5.1, 5.1.02, ...) as a
realization report gives it."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE_LENGTH = 100
ID_LENGTH = 128
FIRST_YEAR, LAST_YEAR = 2000, 2100


def normalize(raw: Mapping[str, Any]) -> RecordIn:
    """The record for payload ``raw``; InvalidRecord says what makes it unusable."""
    kind = raw.get("kind")
    if kind == BUDGET_LINE:
        return budget_line(raw)
    if kind == REALIZATION:
        return realization(raw)
    raise InvalidRecord(f"kind {kind!r} is neither {BUDGET_LINE!r} nor {REALIZATION!r}")


def budget_line(raw: Mapping[str, Any]) -> RecordIn:
    """A budget line: category is the agency's code, amount what is budgeted, created_at the first
    day of its budget year."""
    year = budget_year(raw.get("year"))
    account_code = text(raw, "account_code")
    if not ACCOUNT_CODE.fullmatch(account_code):
        raise InvalidRecord(
            f"account_code {account_code!r} is not an account code like 5.1.02.01.01.0024"
        )
    status = raw.get("status") or ORIGINAL
    if status not in (ORIGINAL, REVISED):
        raise InvalidRecord(f"status {status!r} is neither {ORIGINAL!r} nor {REVISED!r}")
    area_code = raw.get("area_code")
    if area_code is not None and not isinstance(area_code, str):
        raise InvalidRecord(f"area_code {area_code!r} is not a Kemendagri code")
    activity = text(raw, "activity")
    return RecordIn(
        external_id=text(raw, "id", ID_LENGTH),
        kind=BUDGET_LINE,
        title=activity,
        status=status,
        category=text(raw, "opd_code", CODE_LENGTH),
        area_code=area_code or None,
        amount=amount(raw.get("amount")),
        created_at=year_start(year),
        updated_at=timestamp("updated_at", raw.get("updated_at")),
        attributes={
            "year": year,
            "opd_name": text(raw, "opd_name"),
            "program": text(raw, "program"),
            "activity": activity,
            "account_code": account_code,
            "account_name": raw.get("account_name") or "",
            **account_level(raw, account_code),
        },
    )


def account_level(raw: Mapping[str, Any], account_code: str) -> dict[str, int]:
    """The level of the account in the hierarchy (5 is 1, 5.1.02 is 3), when the payload gives
    it, as an imported report's does."""
    if "account_level" not in raw:
        return {}
    level = account_code.count(".") + 1
    if raw["account_level"] != level:
        raise InvalidRecord(f"account_level {raw['account_level']!r} is not {level}")
    return {"account_level": level}


def realization(raw: Mapping[str, Any]) -> RecordIn:
    """A realization: its SP2D number is its identity, created_at the SP2D's date."""
    number = text(raw, "sp2d_number", ID_LENGTH)
    spent = amount(raw.get("amount"))
    if not spent:
        raise InvalidRecord("amount of a realization must be more than 0")
    opd_code = text(raw, "opd_code", CODE_LENGTH)
    line_id = text(raw, "line_id", ID_LENGTH)
    return RecordIn(
        external_id=number,
        kind=REALIZATION,
        title=number,
        status=ISSUED,
        category=opd_code,
        amount=spent,
        created_at=day_start(sp2d_date(raw.get("date"))),
        updated_at=timestamp("recorded_at", raw.get("recorded_at")),
        attributes={"line_id": line_id, "opd_code": opd_code},
    )


def text(raw: Mapping[str, Any], name: str, limit: int | None = None) -> str:
    """The required text field ``name``, stripped."""
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(f"{name} is missing")
    if limit is not None and len(value.strip()) > limit:
        raise InvalidRecord(f"{name} is longer than {limit} characters")
    return value.strip()


def amount(value: Any) -> Decimal:
    """An amount in Rupiah: a string like ``"1250000.00"`` or a whole number, 0 or more."""
    whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if not whole and not (isinstance(value, str) and CANONICAL.fullmatch(value)):
        raise InvalidRecord(f"amount {value!r} is not an amount like '1250000.00'")
    try:
        return checked(Decimal(value))
    except ValueError as error:
        raise InvalidRecord(f"amount {error}") from None


def budget_year(value: Any) -> int:
    if type(value) is not int or not FIRST_YEAR <= value <= LAST_YEAR:
        raise InvalidRecord(f"year {value!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    return value


def sp2d_date(value: Any) -> date:
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"date {value!r} is not a date like '2026-03-15'") from None


def timestamp(name: str, value: Any) -> datetime | None:
    """An optional ISO 8601 time with a zone, in UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidRecord(f"{name} {value!r} has no time zone")
    return moment.astimezone(UTC)
