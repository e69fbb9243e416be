"""The complaints map: the last seven days' complaints, red, yellow and green by status, drawn
without any map service (the command centre may be offline).

One query clusters them on a grid (about a kilometre at city zoom, smaller inside a kecamatan)
per kecamatan (per kelurahan inside a kecamatan) and status. Each cell becomes one point with its
count, placed at the centroid of its complaints and coloured by the status most of them have
(ties go to the most urgent); each kecamatan (kelurahan) is labelled at the centroid of its
complaints. A screen for everything (or for a province) shows every city with complaints, each in
an inset of its own, the busiest first. Points outside their city's box are dropped as bad
coordinates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from features.complaints.kind import COMPLAINT
from features.complaints.models import ComplaintCase
from features.complaints.rankings import Scope
from hub.api import MAP, MAX_INSETS, Area, Widget, level_of

WINDOW_DAYS = 7
CELL_DEGREES = {"province": 0.02, "regency": 0.01, "district": 0.003, "village": 0.001}
"""The grid's cell, in degrees of latitude and longitude, by the level of the screen's area."""
URGENCY = ("red", "yellow", "green", "grey")
LEGEND = {
    "red": _l("Waiting"),
    "yellow": _l("In process"),
    "green": _l("Done"),
    "grey": _l("Closed, not fixed"),
}
PADDING = 0.05


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    def holds(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    def as_dict(self) -> dict[str, float]:
        return {"south": self.south, "west": self.west, "north": self.north, "east": self.east}


CITY_BOXES = {
    "31.75": Box(south=-6.37, west=106.85, north=-6.21, east=106.97),
    "36.71": Box(south=-6.25, west=106.57, north=-6.13, east=106.72),
    "71.71": Box(south=1.42, west=124.80, north=1.56, east=124.92),
}
"""The extents of the bundled cities (Jakarta Timur, Kota Tangerang, Kota Manado)."""


@dataclass
class Cell:
    """Complaints in one place (a grid cell, or an area to label): their count by colour and
    the sum of their coordinates."""

    colours: Counter = field(default_factory=Counter)
    latitude: float = 0.0
    longitude: float = 0.0

    def add(self, colour: str, count: int, latitude: float, longitude: float) -> None:
        self.colours[colour] += count
        self.latitude += latitude * count
        self.longitude += longitude * count

    @property
    def count(self) -> int:
        return sum(self.colours.values())

    def centre(self) -> dict[str, float]:
        return {
            "lat": round(self.latitude / self.count, 6),
            "lon": round(self.longitude / self.count, 6),
        }

    def point(self) -> dict[str, Any]:
        most = max(self.colours.values())
        colour = next(c for c in URGENCY if self.colours[c] == most)
        return {**self.centre(), "count": self.count, "colour": colour}


def complaint_map_widget() -> Widget:
    return Widget(
        "complaints.map",
        _l("Complaints map, last 7 days"),
        MAP,
        complaint_map,
        record_kinds=(COMPLAINT.name,),
        refresh_seconds=300,
    )


def complaint_map(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    level = level_of(area) if area else "regency"
    cell = CELL_DEGREES.get(level, CELL_DEGREES["regency"])
    rows = session.execute(_clusters(area, now, cell, label_length(level))).all()
    cities = [area[:5]] if area and level != "province" else _cities(rows)[:MAX_INSETS]
    cells: dict[str, dict[tuple[int, int], Cell]] = {city: {} for city in cities}
    places: dict[str, Cell] = {}
    colours: dict[str, str] = {}
    for place, y, x, status, count, lat, lon in rows:
        city = place[:5]
        box = CITY_BOXES.get(city)
        if city not in cells or (box is not None and not box.holds(lat, lon)):
            continue
        colour = colours.get(status) or colours.setdefault(status, _colour(status))
        cells[city].setdefault((y, x), Cell()).add(colour, count, lat, lon)
        places.setdefault(place, Cell()).add(colour, count, lat, lon)
    points = {city: [each.point() for each in found.values()] for city, found in cells.items()}
    totals = sum((place.colours for place in places.values()), Counter())
    data: dict[str, Any] = {
        "points": [point for city in cities for point in points[city]],
        "labels": _labels(session, places),
        "legend": [
            {"colour": colour, "label": str(LEGEND[colour]), "value": totals[colour]}
            for colour in URGENCY
            if totals[colour]
        ],
        "caption": gettext("%(count)d complaints", count=sum(totals.values())),
    }
    boxes = {city: CITY_BOXES.get(city) or _around(points[city]) for city in cities}
    shown = [city for city in cities if boxes[city] is not None]
    if shown:
        data["bounds"] = boxes[shown[0]].as_dict()
    if len(shown) > 1:
        names = _names(session, shown)
        data["insets"] = [
            {"title": names.get(city, city), "bounds": boxes[city].as_dict()} for city in shown
        ]
    return data


def label_length(level: str) -> int:
    """How much of an area code names the places labelled: the kecamatan at city zoom, the
    kelurahan inside a kecamatan."""
    return 8 if level in ("province", "regency") else 13


def _clusters(area: str | None, now: datetime, cell: float, length: int) -> Any:
    place = func.substr(ComplaintCase.area_code, 1, length).label("place")
    y = cast(ComplaintCase.latitude / cell, Integer).label("y")
    x = cast(ComplaintCase.longitude / cell, Integer).label("x")
    return (
        select(
            place,
            y,
            x,
            ComplaintCase.status,
            func.count().label("count"),
            func.avg(ComplaintCase.latitude).label("lat"),
            func.avg(ComplaintCase.longitude).label("lon"),
        )
        .where(
            ComplaintCase.received_at >= now - timedelta(days=WINDOW_DAYS),
            ComplaintCase.received_at < now,
            ComplaintCase.area_code.is_not(None),
            ComplaintCase.source_deleted.is_(False),
            ComplaintCase.latitude.is_not(None),
            ComplaintCase.longitude.is_not(None),
            *Scope(area=area).clauses(),
        )
        .group_by(place, y, x, ComplaintCase.status)
    )


def _labels(session: Session, places: dict[str, Cell]) -> list[dict[str, Any]]:
    names = _names(session, places)
    return [
        {**place.centre(), "text": names[code]}
        for code, place in sorted(places.items())
        if code in names
    ]


def _names(session: Session, codes: Any) -> dict[str, str]:
    found = session.execute(select(Area.code, Area.name).where(Area.code.in_(list(codes))))
    return {code: name[:100] for code, name in found.all()}


def _cities(rows: list[Any]) -> list[str]:
    """The cities with complaints, the busiest first."""
    counts: Counter = Counter()
    for place, *_cell, count, _lat, _lon in rows:
        counts[place[:5]] += count
    return [city for city, _count in counts.most_common()]


def _colour(status: str) -> str:
    known = COMPLAINT.status(status)
    return known.colour if known else "grey"


def _around(points: list[dict[str, Any]]) -> Box | None:
    if not points:
        return None
    south, north = min(p["lat"] for p in points), max(p["lat"] for p in points)
    west, east = min(p["lon"] for p in points), max(p["lon"] for p in points)
    pad_y, pad_x = max((north - south) * PADDING, 0.002), max((east - west) * PADDING, 0.002)
    return Box(south - pad_y, west - pad_x, north + pad_y, east + pad_x)
