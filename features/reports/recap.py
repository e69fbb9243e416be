"""The recap: reports counted per kelurahan, per kecamatan or per activity type, for a period,
and the table it downloads as."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import astuple, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from features.reports.models import ACCEPTED, RETURNED, SUBMITTED, ActivityReport
from features.reports.queries import District, Village
from hub.api import Table

GROUPINGS = {
    "kelurahan": _l("Kelurahan"),
    "kecamatan": _l("Kecamatan"),
    "activity": _l("Activity type"),
}


@dataclass(frozen=True)
class RecapRow:
    """One line of the recap: what it counts (with the kecamatan of a kelurahan) and the counts.
    ``participants`` adds up the accepted reports only."""

    label: str
    district: str
    reports: int
    accepted: int
    waiting: int
    returned: int
    participants: int


def recap(session: Session, where: Sequence[ColumnElement[bool]], grouping: str) -> list[RecapRow]:
    """The recap of the reports ``where`` selects, grouped by ``grouping`` (a GROUPINGS key)."""
    columns = {
        "kelurahan": (Village.name, District.name, Village.code),
        "kecamatan": (District.name, District.name, District.code),
        "activity": (ActivityReport.activity_type, ActivityReport.activity_type),
    }[grouping]
    label, district = columns[0], columns[1]
    accepted = ActivityReport.status == ACCEPTED
    query = (
        select(
            label,
            district,
            func.count(),
            _count_if(accepted),
            _count_if(ActivityReport.status == SUBMITTED),
            _count_if(ActivityReport.status == RETURNED),
            func.coalesce(func.sum(case((accepted, ActivityReport.participants), else_=0)), 0),
        )
        .select_from(ActivityReport)
        .join(Village, Village.code == ActivityReport.area_code)
        .outerjoin(District, District.code == Village.parent_code)
        .where(*where)
        .group_by(*columns)
        .order_by(label)
    )
    return [
        RecapRow(
            label or "",
            district or "" if grouping == "kelurahan" else "",
            *(int(number) for number in numbers),
        )
        for label, district, *numbers in session.execute(query)
    ]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def headers(grouping: str) -> list[str]:
    return [
        str(GROUPINGS[grouping]),
        str(_l("Kecamatan")),
        str(_l("Reports")),
        str(_l("Accepted")),
        str(_l("Waiting for review")),
        str(_l("Returned")),
        str(_l("Participants (accepted)")),
    ]


def recap_table(
    rows: Sequence[RecapRow], grouping: str, period: tuple[dt.date | None, dt.date | None]
) -> Table:
    """The recap as a table to download; an XLSX shows the ``period`` above the header."""
    notes = [[str(_l("Period")), *period]]
    return Table(headers(grouping), [astuple(row) for row in rows], str(_l("Recap")), notes)
