"""Realistic Qlue reports for one city, made deterministically from a random generator."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.api import AreaDirectory, AreaRow
from simpul_qlue.data import CATEGORIES, CITY_BOXES, REPORTER_NAMES, STREETS, Box, Category

STATUSES = ("wait", "process", "complete")
HISTORY_DAYS = 60
REFERENCE_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """``2026-11-23T10:00:00.000123Z``: UTC, always with microseconds, so strings sort by time."""
    return _naive_iso(moment.astimezone(UTC).replace(tzinfo=None))


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time with a zone; raise ValueError for anything else."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Place:
    """A kelurahan and the patch of the city map its reports fall in."""

    village: AreaRow
    latitude: float
    longitude: float
    height: float
    width: float


def lay_out(villages: list[AreaRow], box: Box) -> list[Place]:
    """Give each kelurahan its own cell of a grid over ``box``, in code order."""
    ordered = sorted(villages, key=lambda row: row.code)
    columns = math.ceil(math.sqrt(len(ordered)))
    rows = math.ceil(len(ordered) / columns)
    height = (box.north - box.south) / rows
    width = (box.east - box.west) / columns
    return [
        Place(
            village,
            box.north - (index // columns + 0.5) * height,
            box.west + (index % columns + 0.5) * width,
            height,
            width,
        )
        for index, village in enumerate(ordered)
    ]


class ReportFactory:
    """Makes reports for the city ``city`` (a regency code such as ``31.75``)."""

    def __init__(self, areas: AreaDirectory, city: str, rng: random.Random) -> None:
        if city not in CITY_BOXES:
            raise ValueError(f"unknown city {city!r} (expected one of {', '.join(CITY_BOXES)})")
        villages = areas.villages(within=city)
        if not villages:
            raise ValueError(f"the area directory has no kelurahan in {city}")
        self.rng = rng
        self.prefix = "QLUE-" + city.replace(".", "")
        self.reference = REFERENCE_EPOCH + timedelta(minutes=rng.randrange(7 * 24 * 60))
        self._places = lay_out(villages, CITY_BOXES[city])
        self._streets = STREETS[city]
        self._categories = [c for c in CATEGORIES for _ in range(c.weight)]
        self._naive_reference = self.reference.replace(tzinfo=None)
        self._count = 0

    def history(self, size: int) -> list[dict[str, Any]]:
        """``size`` reports created over the last 60 days before ``reference``, oldest first."""
        ages = sorted((self.rng.random() for _ in range(size)), reverse=True)
        return [self._aged(age * HISTORY_DAYS) for age in ages]

    def new(self, moment: str) -> dict[str, Any]:
        """A report just made at ``moment``, waiting for the kelurahan."""
        return self._report(moment, moment, "wait")

    def _aged(self, age_days: float) -> dict[str, Any]:
        chance = self.rng.random
        created = self._naive_reference - timedelta(days=age_days)
        done = min(0.9, age_days / 10)
        roll = chance()
        if roll < done:
            status, delay = "complete", age_days * (0.05 + 0.5 * chance())
        elif roll < done + (1 - done) * min(0.7, 0.15 + age_days / 4):
            status, delay = "process", age_days * 0.3 * chance()
        else:
            status, delay = "wait", 0.0
        updated = created + timedelta(days=delay) if delay else created
        return self._report(_naive_iso(created), _naive_iso(updated), status)

    def _report(self, created: str, updated: str, status: str) -> dict[str, Any]:
        chance = self.rng.random
        self._count += 1
        report_id = f"{self.prefix}-{self._count:06d}"
        place: Place = _pick(self._places, chance())
        category: Category = _pick(self._categories, chance())
        street: str = _pick(self._streets, chance())
        kelurahan = place.village.name
        return {
            "id": report_id,
            "title": _pick(category.titles, chance()).format(street=street, kelurahan=kelurahan),
            "description": _pick(category.descriptions, chance()).format(
                street=street, kelurahan=kelurahan
            ),
            "category": category.name,
            "status": status,
            "location": {
                "lat": round(place.latitude + (chance() - 0.5) * place.height * 0.9, 6),
                "lng": round(place.longitude + (chance() - 0.5) * place.width * 0.9, 6),
                "kelurahan_code": place.village.code,
                "address": f"Jl. {street} No. {1 + int(chance() * 150)}, {kelurahan}",
            },
            "photo_url": f"/photos/{report_id}.jpg",
            "reporter": f"{_pick(REPORTER_NAMES, chance())}{1 + int(chance() * 999)}",
            "likes": int(-4 * math.log(1 - chance())),
            "created_at": created,
            "updated_at": updated,
        }


def _pick(items: Sequence[Any], roll: float) -> Any:
    """The item a uniform ``roll`` in [0, 1) falls on; much cheaper than ``Random.choice``."""
    return items[int(roll * len(items))]


def _naive_iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds") + "Z"
