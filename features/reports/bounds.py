"""Where a city is on the map: the bounding box a report's location must fall in.

The areas table has codes and names but no shapes, so the boxes of the bundled cities are kept
here (with a small margin for kelurahan on the edge). A city not in the table is checked against
Indonesia's box only; add its box here when it starts using the reports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


CITY_BOXES: dict[str, Box] = {
    "31.75": Box(south=-6.38, north=-6.14, west=106.83, east=106.98),  # Jakarta Timur
    "36.71": Box(south=-6.27, north=-6.09, west=106.55, east=106.74),  # Kota Tangerang
    "71.71": Box(south=1.38, north=1.67, west=124.68, east=124.96),  # Kota Manado, with Bunaken
}
INDONESIA = Box(south=-11.2, north=6.3, west=94.7, east=141.1)


def city_code(area_code: str) -> str:
    """The regency (kota/kabupaten) an area lies in: ``"31.75.10.1005"`` -> ``"31.75"``."""
    return ".".join(area_code.split(".")[:2])


def city_box(area_code: str) -> Box:
    """The box of the city ``area_code`` lies in; Indonesia's for a city not in the table."""
    return CITY_BOXES.get(city_code(area_code), INDONESIA)
