"""The finance plugin's tiles for the live room's wall screens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.api import Widget
from simpul_finance.figures import by_agency, elapsed_share, lagging

KINDS = ("budget_line", "realization")


def absorption(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    today = now.date()
    agencies = by_agency(session, today.year, today)
    budget = sum((a.budget for a in agencies), Decimal(0))
    realized = sum((a.realized for a in agencies), Decimal(0))
    elapsed = elapsed_share(today.year, today)
    if not budget:
        return {"value": None}
    share = realized / budget
    return {
        "value": float(round(share * 100, 1)),
        "unit": "%",
        "caption": str(
            _l(
                "of the year's budget spent; %(elapsed)s%% of the year has passed",
                elapsed=round(elapsed * 100),
            )
        ),
        "colour": "green" if share * 100 >= elapsed * 100 - 10 else "red",
    }


def lagging_agencies(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    today = now.date()
    agencies = by_agency(session, today.year, today)
    behind = lagging(agencies, elapsed_share(today.year, today))
    rows = [
        {
            "label": agency.name,
            "value": float(round((agency.share or 0) * 100, 1)),
            "display": f"{round((agency.share or 0) * 100)}%",
            "colour": "red",
        }
        for agency in sorted(behind, key=lambda a: a.share or 0)[:10]
    ]
    return {"rows": rows, "unit": "%"}


WIDGETS = [
    Widget("finance.absorption", _l("Budget spent"), "kpi", absorption, KINDS),
    Widget("finance.lagging", _l("Agencies spending slowest"), "ranking", lagging_agencies, KINDS),
]
