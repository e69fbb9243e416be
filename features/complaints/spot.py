"""A small map of a complaint's spot, drawn by the hub itself (no map tiles, no other host): the
complaint at the centre, north up, and the complaints the user may see within ``RADIUS_METRES``
around it, each coloured and shaped by its status.

Positions are projected equirectangularly around the centre, close enough at this scale. The map
is in SVG user units: ``METRES_PER_UNIT`` metres each, x to the east and y to the south.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session, load_only

from features.complaints.duplicates import EARTH_RADIUS_METRES, distance
from features.complaints.kind import COMPLAINT
from features.complaints.models import ComplaintCase
from features.complaints.queries import complaints, visible_complaints
from features.complaints.widgets.map import LEGEND, URGENCY
from hub.api import Record, User

RADIUS_METRES = 500
MOST = 30
"""At most this many other complaints are drawn, the nearest."""
METRES_PER_UNIT = 5
RINGS = (250, 500)
"""Distance rings, in metres, each labelled with its length."""
METRES_PER_DEGREE = math.radians(1) * EARTH_RADIUS_METRES


@dataclass(frozen=True)
class Dot:
    """Another complaint on the map: where it is drawn, and its status's colour."""

    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class SpotMap:
    """What the complaint page draws of the spot at ``latitude``, ``longitude``."""

    latitude: float
    longitude: float
    dots: tuple[Dot, ...]
    nearby: int
    """How many other complaints are within the radius; at most ``MOST`` are drawn."""

    radius: int = RADIUS_METRES

    @property
    def rings(self) -> list[tuple[int, float]]:
        """Each ring's length in metres and its radius on the map."""
        return [(metres, metres / METRES_PER_UNIT) for metres in RINGS]

    @property
    def legend(self) -> list[tuple[str, str, int]]:
        """Colour, its meaning and how many dots have it, most urgent first."""
        counts = Counter(dot.colour for dot in self.dots)
        return [
            (colour, str(LEGEND[colour]), counts[colour]) for colour in URGENCY if counts[colour]
        ]

    @property
    def coordinates(self) -> str:
        return f"{self.latitude:.6f}, {self.longitude:.6f}"

    @property
    def geo_uri(self) -> str:
        """A ``geo:`` link: a phone opens its maps app on the spot."""
        point = f"{self.latitude:.6f},{self.longitude:.6f}"
        return f"geo:{point}?q={point}"

    @property
    def osm_url(self) -> str:
        lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
        query = urlencode({"mlat": lat, "mlon": lon})
        return f"https://www.openstreetmap.org/?{query}#map=18/{lat}/{lon}"


def spot_map(session: Session, user: User, record: Record) -> SpotMap | None:
    """The map around ``record``, with the complaints ``user`` may see; None without
    coordinates."""
    if record.latitude is None or record.longitude is None:
        return None
    near = nearby(session, user, record)
    dots = [
        Dot(*project(record.latitude, record.longitude, other.latitude, other.longitude), colour)
        for other, colour in near[:MOST]
    ]
    dots.sort(key=lambda dot: -URGENCY.index(dot.colour))  # the most urgent drawn on top
    return SpotMap(record.latitude, record.longitude, tuple(dots), len(near))


def nearby(session: Session, user: User, record: Record) -> list[tuple[Record, str]]:
    """The other complaints ``user`` may see within ``RADIUS_METRES`` of ``record``, nearest
    first, each with its status's colour (merged duplicates left out)."""
    lat_span = RADIUS_METRES / METRES_PER_DEGREE
    lon_span = lat_span / max(math.cos(math.radians(record.latitude)), 0.01)
    rows = session.execute(
        complaints(Record, ComplaintCase.status)
        .options(load_only(Record.id, Record.latitude, Record.longitude))
        .where(
            *visible_complaints(user),
            Record.id != record.id,
            ComplaintCase.duplicate_of_id.is_(None),
            Record.latitude.between(record.latitude - lat_span, record.latitude + lat_span),
            Record.longitude.between(record.longitude - lon_span, record.longitude + lon_span),
        )
    ).all()
    near = [(distance(record, other), other, status) for other, status in rows]
    near = sorted((item for item in near if item[0] <= RADIUS_METRES), key=lambda item: item[0])
    return [(other, colour_of(status)) for _metres, other, status in near]


def project(
    centre_lat: float, centre_lon: float, latitude: float, longitude: float
) -> tuple[float, float]:
    """Map units east (x) and south (y) of the centre, one unit ``METRES_PER_UNIT`` metres."""
    east = math.radians(longitude - centre_lon) * math.cos(math.radians(centre_lat))
    north = math.radians(latitude - centre_lat)
    scale = EARTH_RADIUS_METRES / METRES_PER_UNIT
    return round(east * scale, 1) + 0.0, round(-north * scale, 1) + 0.0  # never -0.0


def colour_of(status: str) -> str:
    """The colour of ``status`` on the page's badges; grey when unknown."""
    known = COMPLAINT.status(status)
    return known.colour if known else "grey"
