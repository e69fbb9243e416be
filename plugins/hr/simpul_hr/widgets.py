"""The HR plugin's tiles for the live room's wall screens: counts only, never names or NIP."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import Widget
from simpul_hr.figures import attendance_on, staff_totals

CITY_ZONE = ZoneInfo("Asia/Jakarta")


def at_work_today(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    total = attendance_on(session, now.astimezone(CITY_ZONE).date(), CITY_ZONE)["total"]
    value = round(total["rate"] * 100, 1) if total["rate"] is not None else None
    return {
        "value": value,
        "unit": "%",
        "caption": str(
            _l(
                "%(late)d late, %(leave)d on leave, %(absent)d absent",
                late=total["late"],
                leave=total["leave"],
                absent=total["absent"],
            )
        ),
    }


def active_staff(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    return {"value": staff_totals(session)["active"], "caption": str(_l("civil servants"))}


WIDGETS = [
    Widget("hr.attendance", _l("At work today"), "kpi", at_work_today, ("attendance",)),
    Widget("hr.staffing", _l("Staff"), "kpi", active_staff, ("staff",)),
]
