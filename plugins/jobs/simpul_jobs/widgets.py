"""The jobs plugin's tiles for the live room's wall screens: counts only, no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import Widget
from simpul_jobs.dates import DEFAULT_ZONE
from simpul_jobs.figures import open_vacancy_totals, placement_rate

KINDS = ("job_seeker", "vacancy", "placement")


def open_openings(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    totals = open_vacancy_totals(session, now.astimezone(DEFAULT_ZONE).date(), area_code)
    return {
        "value": totals["openings"],
        "unit": str(_l("openings")),
        "caption": str(_l("in %(count)d open vacancies", count=totals["vacancies"])),
    }


def placed_share(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    rate = placement_rate(session, now.astimezone(DEFAULT_ZONE).date(), area_code)
    value = round(rate["rate"] * 100, 1) if rate["rate"] is not None else None
    return {
        "value": value,
        "unit": "%",
        "caption": str(
            _l(
                "%(placed)d of %(registered)d placed",
                placed=rate["placed"],
                registered=rate["registered"],
            )
        ),
    }


WIDGETS = [
    Widget("jobs.vacancies", _l("Job openings"), "kpi", open_openings, KINDS),
    Widget("jobs.seekers", _l("Job seekers placed, last 12 weeks"), "kpi", placed_share, KINDS),
]
