"""Where the simulator puts its gauges: the bundled cities' extents, rivers and kelurahan."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hub.api import AreaDirectory, AreaRow


@dataclass(frozen=True)
class City:
    """A city's latitude/longitude box and the rivers its gauges watch."""

    south: float
    west: float
    north: float
    east: float
    rivers: tuple[str, ...]


CITIES = {
    "31.75": City(
        -6.37,
        106.85,
        -6.21,
        106.97,
        ("Ciliwung", "Cipinang", "Sunter", "Buaran", "Jatikramat", "Cakung", "Banjir Kanal Timur"),
    ),
    "36.71": City(-6.25, 106.57, -6.13, 106.72, ("Cisadane", "Cirarab", "Angke", "Sabi")),
    "71.71": City(1.42, 124.80, 1.56, 124.92, ("Tondano", "Sario", "Tikala", "Bailang")),
}
"""Jakarta Timur, Kota Tangerang and Kota Manado, the cities of the hub's bundled areas."""


class Places:
    """The kelurahan of a city, each given its own cell of a grid over the city's box (in code
    order, so a kecamatan's kelurahan lie together), seeded points inside them, and the river
    of each kecamatan."""

    def __init__(self, areas: AreaDirectory, city: str, rng: random.Random) -> None:
        if city not in CITIES or not areas.villages(city):
            raise ValueError(f"unknown city {city!r} (expected one of {', '.join(CITIES)})")
        self.code, self.city, self.rng = city, CITIES[city], rng
        self.villages = sorted(areas.villages(city), key=lambda row: row.code)
        self.columns = round(len(self.villages) ** 0.5)
        self.rows = -(-len(self.villages) // self.columns)
        self.districts = sorted({row.parent_code for row in self.villages})

    def point(self, village: AreaRow) -> tuple[float, float]:
        """A seeded latitude and longitude inside ``village``'s cell."""
        index = self.villages.index(village)
        height = (self.city.north - self.city.south) / self.rows
        width = (self.city.east - self.city.west) / self.columns
        north = self.city.north - index // self.columns * height
        west = self.city.west + index % self.columns * width
        latitude = north - height * (0.1 + 0.8 * self.rng.random())
        longitude = west + width * (0.1 + 0.8 * self.rng.random())
        return round(latitude, 6), round(longitude, 6)

    def river(self, village: AreaRow) -> str:
        """The river watched in ``village``'s kecamatan."""
        rivers = self.city.rivers
        return rivers[self.districts.index(village.parent_code) % len(rivers)]
