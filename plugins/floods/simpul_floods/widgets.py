"""The flood gauges' tiles for the live room's wall screens: how many are on alert, which are at
Siaga 2 or 1, the gauge highest against its Siaga 1 level, where they are, and which are closest
to Siaga 1. They show places and water levels only, no people."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from hub.api import Record, Widget, within
from simpul_floods.kinds import ALERTS, FLOOD_GAUGE, KIND, SIAGA_1, SIAGA_2

TOP = 10
"""Rows of the ranking."""
NAMED = 3
"""Gauges the Siaga 2 or 1 tile names; it counts the rest."""


def alerts(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """How many gauges are at Siaga 3 or worse, coloured by the worst of them."""
    query = _in_area(select(Record.status, func.count()), area_code).group_by(Record.status)
    counts = Counter(dict(session.execute(query).all()))
    total = sum(counts.values())
    if not total:
        return {"value": None, "caption": gettext("no flood gauges here"), "colour": "grey"}
    worst = [status for status in FLOOD_GAUGE.statuses if counts[status.value]][-1]
    return {
        "value": sum(counts[alert] for alert in ALERTS),
        "caption": gettext(
            "of %(total)d gauges at Siaga 3 or worse; %(danger)d at Siaga 1",
            total=total,
            danger=counts[SIAGA_1],
        ),
        "colour": worst.colour,
    }


def danger(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """How many gauges are at Siaga 2 or 1, naming the highest of them."""
    gauges = _gauges(session, area_code)
    if not gauges:
        return {"value": None, "caption": gettext("no flood gauges here"), "colour": "grey"}
    critical = sorted(
        (gauge for gauge in gauges if gauge.status in (SIAGA_2, SIAGA_1)),
        key=lambda gauge: (-_share(gauge), gauge.title),
    )
    names = ", ".join(gauge.title for gauge in critical[:NAMED])
    if len(critical) > NAMED:
        names = gettext("%(names)s and %(more)d more", names=names, more=len(critical) - NAMED)
    return {
        "value": len(critical),
        "caption": names or gettext("none of %(total)d gauges", total=len(gauges)),
        "colour": "red" if critical else "green",
    }


def highest_gauge(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The gauge whose water stands highest against its Siaga 1 level, in its colour."""
    gauges = _gauges(session, area_code)
    if not gauges:
        return {"value": None, "caption": gettext("no flood gauges here"), "colour": "grey"}
    gauge = min(gauges, key=lambda gauge: (-_share(gauge), gauge.title))
    return {
        "value": _share(gauge),
        "unit": "%",
        "caption": f"{gauge.title} · {_levels(gauge)}",
        "colour": _colour(gauge.status),
    }


def gauge_map(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """Every gauge as a point coloured by its alert level; those at Siaga 2 or 1 are named."""
    gauges = _gauges(session, area_code)
    counts = Counter(gauge.status for gauge in gauges)
    return {
        "points": [
            {
                "lat": gauge.latitude,
                "lon": gauge.longitude,
                "colour": _colour(gauge.status),
                "label": f"{gauge.title}: {gauge.attributes['level_cm']:g} cm",
            }
            for gauge in gauges
        ],
        "labels": [
            {"lat": gauge.latitude, "lon": gauge.longitude, "text": gauge.title}
            for gauge in gauges
            if gauge.status in (SIAGA_2, SIAGA_1)
        ],
        "legend": [
            {"colour": status.colour, "label": str(status.label), "value": counts[status.value]}
            for status in FLOOD_GAUGE.statuses
        ],
        "caption": gettext("%(count)d flood gauges", count=len(gauges)),
    }


def highest(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """The gauges whose water stands highest against their Siaga 1 threshold."""
    rows = []
    for gauge in _gauges(session, area_code):
        share, river = _share(gauge), gauge.attributes.get("river")
        rows.append(
            {
                "label": gauge.title,
                "value": share,
                "display": f"{share:.0f}%",
                "caption": f"{river} · {_levels(gauge)}" if river else _levels(gauge),
                "colour": _colour(gauge.status),
            }
        )
    rows.sort(key=lambda row: (-row["value"], row["label"]))
    return {
        "rows": rows[:TOP],
        "unit": "%",
        "caption": gettext("water level as a share of the Siaga 1 level"),
    }


def _share(gauge: Row) -> float:
    """The gauge's level as a share of its Siaga 1 level, in percent."""
    level, limit = gauge.attributes["level_cm"], gauge.attributes["thresholds_cm"][SIAGA_1]
    return round(level / limit * 100, 1)


def _levels(gauge: Row) -> str:
    level, limit = gauge.attributes["level_cm"], gauge.attributes["thresholds_cm"][SIAGA_1]
    return gettext("%(level)s of %(limit)s cm", level=f"{level:g}", limit=f"{limit:g}")


def _in_area(query: Any, area_code: str | None) -> Any:
    query = query.where(Record.kind == KIND, Record.deleted_at.is_(None))
    return query.where(within(Record.area_code, area_code)) if area_code else query


def _gauges(session: Session, area_code: str | None) -> list[Row]:
    columns = (Record.title, Record.status, Record.latitude, Record.longitude, Record.attributes)
    return list(session.execute(_in_area(select(*columns), area_code).order_by(Record.title)))


def _colour(status: str | None) -> str:
    known = FLOOD_GAUGE.status(status)
    return known.colour if known else "grey"


WIDGETS = [
    Widget("floods.alerts", _l("Flood gauges on alert"), "kpi", alerts, (KIND,)),
    Widget("floods.danger", _l("Flood gauges at Siaga 2 or 1"), "kpi", danger, (KIND,)),
    Widget("floods.top", _l("Highest against Siaga 1"), "kpi", highest_gauge, (KIND,)),
    Widget("floods.gauges", _l("Flood gauges map"), "map", gauge_map, (KIND,)),
    Widget("floods.highest", _l("Flood gauges closest to Siaga 1"), "ranking", highest, (KIND,)),
]
