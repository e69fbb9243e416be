"""Filters over reports, from a query string: shared by the list, the API, the recap and exports.

A bad value is named in a problem and left out; the rest of the filters still apply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from features.reports.models import REPORT_STATUSES, ActivityReport
from hub.api import Area, Problem, User, area_scope, within

DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


@dataclass(frozen=True)
class ReportFilters:
    """The chosen filters; an empty value means "any". Dates are the activities' dates."""

    status: str = ""
    activity_type: str = ""
    district: str = ""
    village: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def query_args(self) -> dict[str, str]:
        args = {
            "status": self.status,
            "activity_type": self.activity_type,
            "kecamatan": self.district,
            "kelurahan": self.village,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {name: value for name, value in args.items() if value}

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses = []
        if self.status:
            clauses.append(ActivityReport.status == self.status)
        if self.activity_type:
            clauses.append(ActivityReport.activity_type == self.activity_type)
        if self.village or self.district:
            clauses.append(within(ActivityReport.area_code, self.village or self.district))
        if self.date_from:
            clauses.append(ActivityReport.date >= self.date_from)
        if self.date_to:
            clauses.append(ActivityReport.date <= self.date_to)
        return clauses


def parse_filters(
    args: Mapping[str, str], activity_types: tuple[str, ...], defaults: ReportFilters | None = None
) -> tuple[ReportFilters, list[Problem]]:
    """The filters in ``args`` (falling back on ``defaults``) and a problem for each bad one."""
    defaults = defaults or ReportFilters()
    problems: list[Problem] = []

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = args.get(name, default)
        if value and value not in allowed:
            problems.append(Problem("invalid", _l("Unknown value “%(value)s”.", value=value), name))
            return ""
        return value

    def code(name: str, pattern: re.Pattern[str], default: str) -> str:
        value = args.get(name, default)
        if value and not pattern.fullmatch(value):
            message = _l("“%(value)s” is not an area code of that level.", value=value)
            problems.append(Problem("invalid", message, name))
            return ""
        return value

    def bad_date(value: str) -> None:
        message = _l("“%(value)s” is not a date: write it as YYYY-MM-DD.", value=value)
        problems.append(Problem("invalid", message, "date"))

    def day(name: str, default: dt.date | None) -> dt.date | None:
        value = args.get(name)
        if value is None:
            return default
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else bad_date(value)
        except ValueError:
            return bad_date(value)

    filters = ReportFilters(
        status=choice("status", REPORT_STATUSES, defaults.status),
        activity_type=choice("activity_type", activity_types, defaults.activity_type),
        district=code("kecamatan", DISTRICT_CODE, defaults.district),
        village=code("kelurahan", VILLAGE_CODE, defaults.village),
        date_from=day("from", defaults.date_from),
        date_to=day("to", defaults.date_to),
    )
    return filters, problems


def page_number(args: Mapping[str, str]) -> int:
    value = args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdecimal() else 1


def area_options(session: Session, user: User, district: str) -> tuple[list[Area], list[Area]]:
    """The kecamatan and the kelurahan (of ``district``, if chosen) ``user`` may filter by."""
    scope = area_scope(Area.code, user)
    districts = session.scalars(
        select(Area).where(Area.level == "district", scope).order_by(Area.name)
    ).all()
    villages = select(Area).where(Area.level == "village", scope).order_by(Area.name)
    if district:
        villages = villages.where(Area.parent_code == district)
    elif len(districts) > 1:
        return list(districts), []
    return list(districts), list(session.scalars(villages).all())
