"""The simulated Open311 server's requests: Kota Manado's, made from a seed, changing over time.

Each request is in a real kelurahan of Manado, at a spot of its own patch of the city map, and its
address names the kelurahan and its kecamatan. Older requests are more often closed.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.api import AreaDirectory, AreaRow

CITY = "71.71"
HISTORY_DAYS = 60
SOUTH, NORTH, WEST, EAST = 1.42, 1.56, 124.80, 124.92
STREETS = (
    "Sam Ratulangi",
    "Piere Tendean",
    "RE Martadinata",
    "Jenderal Sudirman",
    "Walanda Maramis",
    "Yos Sudarso",
    "Bethesda",
    "17 Agustus",
    "Babe Palar",
    "Ahmad Yani",
    "Wolter Monginsidi",
    "Arie Lasut",
)
PROGRESS_NOTES = (
    "Laporan sudah diteruskan ke {agency}.",
    "Petugas dijadwalkan meninjau lokasi minggu ini.",
    "Sedang ditangani petugas lapangan.",
)
CLOSED_NOTES = (
    "Sudah ditangani petugas. Terima kasih atas laporannya.",
    "Perbaikan selesai dan sudah dicek di lokasi.",
    "Bukan kewenangan Pemerintah Kota Manado; sudah diteruskan ke instansi terkait.",
)


@dataclass(frozen=True)
class Service:
    """A service of the simulated city, how often citizens pick it, and how they word it."""

    code: str
    name: str
    agency: str
    weight: int
    descriptions: tuple[str, ...]
    days_to_fix: int


SERVICES = (
    Service(
        "sampah",
        "Sampah",
        "Dinas Lingkungan Hidup",
        18,
        (
            "Sampah menumpuk di pinggir Jl. {street} sudah tiga hari dan mulai bau.",
            "Warga {kelurahan} membuang sampah di lahan kosong dekat Jl. {street}.",
        ),
        3,
    ),
    Service(
        "banjir",
        "Banjir",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        9,
        (
            "Air setinggi lutut menggenangi Jl. {street} setiap hujan deras.",
            "Saluran di Jl. {street} tersumbat sehingga air masuk ke rumah warga {kelurahan}.",
        ),
        2,
    ),
    Service(
        "jalan-rusak",
        "Jalan rusak",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        11,
        (
            "Lubang besar di tengah Jl. {street}, sudah ada pengendara motor yang jatuh.",
            "Aspal Jl. {street} mengelupas sepanjang kurang lebih 50 meter.",
        ),
        14,
    ),
    Service(
        "lampu-jalan",
        "Lampu jalan rusak (PJU)",
        "Dinas Perhubungan",
        6,
        ("Lampu jalan di Jl. {street} mati, jalan gelap gulita di malam hari.",),
        7,
    ),
    Service(
        "pohon-tumbang",
        "Pohon tumbang",
        "Dinas Lingkungan Hidup",
        3,
        ("Pohon tumbang menutup sebagian Jl. {street} setelah angin kencang.",),
        1,
    ),
    Service(
        "parkir-liar",
        "Parkir liar",
        "Dinas Perhubungan",
        5,
        ("Mobil parkir di bahu Jl. {street} sehingga lalu lintas macet setiap sore.",),
        3,
    ),
)


class RequestFactory:
    """Makes Manado's requests from ``rng``, over the days before ``reference``."""

    def __init__(self, areas: AreaDirectory, rng: random.Random, reference: datetime) -> None:
        villages = sorted(areas.villages(within=CITY), key=lambda row: row.code)
        if not villages:
            raise ValueError(f"the area directory has no kelurahan in {CITY}")
        self.rng = rng
        self.reference = reference
        self.count = 0
        self._places = _lay_out(areas, villages)
        self._services = [service for service in SERVICES for _ in range(service.weight)]

    def history(self, size: int) -> list[dict[str, Any]]:
        """``size`` requests made over the last 60 days before ``reference``, oldest first."""
        ages = sorted((self.rng.random() * HISTORY_DAYS for _ in range(size)), reverse=True)
        return [self._aged(age) for age in ages]

    def new(self, moment: datetime) -> dict[str, Any]:
        return self._request(moment)

    def progress(self, request: dict[str, Any], moment: datetime) -> dict[str, Any]:
        """The request a step further: a note from the agency, or closed."""
        if request["status_notes"] and self.rng.random() < 0.7:
            return {**request, **self._closed(moment)}
        note = _pick(PROGRESS_NOTES, self.rng).format(agency=request["agency_responsible"])
        return {**request, "status_notes": note, "updated_datetime": moment}

    def _aged(self, age_days: float) -> dict[str, Any]:
        requested = self.reference - timedelta(days=age_days)
        request = self._request(requested)
        roll = self.rng.random()
        if roll < min(0.85, age_days / 12):
            request.update(self._closed(requested + timedelta(days=age_days * self.rng.random())))
        elif roll < 0.9 and age_days > 1:
            request = self.progress(request, requested + timedelta(hours=age_days * 4))
        return request

    def _closed(self, moment: datetime) -> dict[str, Any]:
        return {
            "status": "closed",
            "status_notes": _pick(CLOSED_NOTES, self.rng),
            "updated_datetime": moment,
        }

    def _request(self, requested: datetime) -> dict[str, Any]:
        self.count += 1
        village, district, latitude, longitude = _pick(self._places, self.rng)
        service: Service = _pick(self._services, self.rng)
        street = _pick(STREETS, self.rng)
        number = self.rng.randint(1, 150)
        where = f"{village.name}, {district.name}"
        if self.rng.random() < 0.8:
            where = f"Kel. {village.name}, Kec. {district.name}"
        return {
            "service_request_id": f"MDO-{self.count:06d}",
            "status": "open",
            "status_notes": None,
            "service_name": service.name,
            "service_code": service.code,
            "description": _pick(service.descriptions, self.rng).format(
                street=street, kelurahan=village.name
            ),
            "agency_responsible": service.agency,
            "service_notice": None,
            "requested_datetime": requested,
            "updated_datetime": requested,
            "expected_datetime": requested + timedelta(days=service.days_to_fix),
            "address": f"Jl. {street} No. {number}, {where}, Kota Manado",
            "address_id": None,
            "zipcode": None,
            "lat": round(latitude + (self.rng.random() - 0.5) * 0.012, 6),
            "long": round(longitude + (self.rng.random() - 0.5) * 0.012, 6),
            "media_url": None,
        }


class RequestStore:
    """The requests by id; thread-safe. Times are kept as datetimes, formatted when served."""

    def __init__(self, factory: RequestFactory, size: int) -> None:
        self._factory = factory
        self._requests = {r["service_request_id"]: r for r in factory.history(size)}
        self._last = max(
            (r["updated_datetime"] for r in self._requests.values()), default=factory.reference
        )
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        return len(self._requests)

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests.values())

    def tick(self, new: int = 0, updates: int = 0) -> dict[str, list[str]]:
        """Make ``new`` open requests and move ``updates`` open ones on."""
        with self._lock:
            open_ids = [key for key, r in self._requests.items() if r["status"] == "open"]
            moved = self._factory.rng.sample(open_ids, min(updates, len(open_ids)))
            for key in moved:
                self._requests[key] = self._factory.progress(self._requests[key], self._stamp())
            created = [self._factory.new(self._stamp()) for _ in range(new)]
            self._requests.update((r["service_request_id"], r) for r in created)
            return {"created": [r["service_request_id"] for r in created], "updated": moved}

    def _stamp(self) -> datetime:
        """Now, or just after the newest change if the clock is behind it."""
        self._last = max(datetime.now(UTC), self._last + timedelta(microseconds=1))
        return self._last


def _lay_out(
    areas: AreaDirectory, villages: list[AreaRow]
) -> list[tuple[AreaRow, AreaRow, float, float]]:
    """Each kelurahan with its kecamatan and the centre of its own cell of a grid over the city."""
    columns = math.ceil(math.sqrt(len(villages)))
    rows = math.ceil(len(villages) / columns)
    places = []
    for index, village in enumerate(villages):
        latitude = NORTH - (index // columns + 0.5) * (NORTH - SOUTH) / rows
        longitude = WEST + (index % columns + 0.5) * (EAST - WEST) / columns
        places.append((village, areas.get(village.parent_code or ""), latitude, longitude))
    return places


def _pick(items: Sequence[Any], rng: random.Random) -> Any:
    return items[int(rng.random() * len(items))]
