"""The complaint list's filters: read from the query string, checked, turned into SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_timezone, gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement

from features.complaints.models import ComplaintCase
from hub.api import Area, Record, Status, within

UNKNOWN_STATUS = _l("Unknown status “%(value)s”.")
UNKNOWN_CATEGORY = _l("No complaint has the category “%(value)s”.")
UNKNOWN_DISTRICT = _l("Unknown kecamatan “%(value)s”.")
UNKNOWN_VILLAGE = _l("Unknown kelurahan “%(value)s”, or it is not in the chosen kecamatan.")
BAD_START_DATE = _l(
    "“%(value)s” is not a date: write the start date as YYYY-MM-DD, for example 2024-05-31."
)
BAD_END_DATE = _l(
    "“%(value)s” is not a date: write the end date as YYYY-MM-DD, for example 2024-05-31."
)


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter may take."""

    statuses: tuple[Status, ...]
    categories: list[str]
    districts: list[Area]
    villages: list[Area]


@dataclass(frozen=True)
class ComplaintFilters:
    """The filters chosen on the complaint list; an empty value means "any"."""

    status: str = ""
    category: str = ""
    district: str = ""
    village: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, without the page."""
        args = {
            "status": self.status,
            "category": self.category,
            "kecamatan": self.district,
            "kelurahan": self.village,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {name: value for name, value in args.items() if value}

    def clauses(self) -> list[ColumnElement[bool]]:
        """SQL conditions on a complaint and its case for these filters."""
        clauses = []
        if self.status:
            clauses.append(ComplaintCase.status == self.status)
        if self.category:
            clauses.append(Record.category == self.category)
        if self.village or self.district:
            clauses.append(within(ComplaintCase.area_code, self.village or self.district))
        if self.date_from:
            clauses.append(Record.created_at >= _start_of(self.date_from))
        if self.date_to:
            clauses.append(Record.created_at < _start_of(self.date_to + timedelta(days=1)))
        return clauses


@dataclass
class _Parser:
    args: Mapping[str, str]
    errors: list[str] = field(default_factory=list)

    def choice(self, name: str, allowed: set[str], message: LazyString) -> str:
        value = self.args.get(name, "").strip()
        if value and value not in allowed:
            self.errors.append(message % {"value": value})
            return ""
        return value

    def day(self, name: str, message: LazyString) -> date | None:
        value = self.args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors.append(message % {"value": value})
            return None

    def page(self) -> int:
        value = self.args.get("page", "").strip() or "1"
        if value.isdecimal() and int(value) >= 1:
            return int(value)
        self.errors.append(
            gettext("The page must be a whole number from 1, not “%(value)s”.", value=value)
        )
        return 1


def parse_filters(
    args: Mapping[str, str], options: FilterOptions
) -> tuple[ComplaintFilters, list[str]]:
    """The filters in ``args``; a value that is not allowed is dropped and explained."""
    parser = _Parser(args)
    filters = ComplaintFilters(
        status=parser.choice("status", {s.value for s in options.statuses}, UNKNOWN_STATUS),
        category=parser.choice("category", set(options.categories), UNKNOWN_CATEGORY),
        district=parser.choice("kecamatan", {a.code for a in options.districts}, UNKNOWN_DISTRICT),
        village=parser.choice("kelurahan", {a.code for a in options.villages}, UNKNOWN_VILLAGE),
        date_from=parser.day("from", BAD_START_DATE),
        date_to=parser.day("to", BAD_END_DATE),
        page=parser.page(),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        parser.errors.append(gettext("The start date is after the end date."))
    return filters, parser.errors


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in the portal's time zone."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(str(get_timezone())))
