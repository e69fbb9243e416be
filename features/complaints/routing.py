"""Where a complaint goes, and how fast it must be handled.

A complaint lands on the kelurahan where it was made and on the agency (dinas or suku dinas)
configured for its category, with a target time to the first response and to completion. The
city sets both in its configuration; the defaults below follow Jakarta's agencies and Qlue's
categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.api import ConfigError


@dataclass(frozen=True)
class Agency:
    code: str
    name: str


@dataclass(frozen=True)
class CategoryRule:
    """The agency and service-level targets of one complaint category."""

    category: str
    agency: str
    response_hours: int = 24
    completion_hours: int = 72

    def response_due(self, received: datetime) -> datetime:
        return received + timedelta(hours=self.response_hours)

    def completion_due(self, received: datetime) -> datetime:
        return received + timedelta(hours=self.completion_hours)


MAX_HOURS = 24 * 366
"""The longest target time, in hours: a year."""
DEFAULT_AGENCIES = (
    Agency("dishub", "Dinas Perhubungan"),
    Agency("dlh", "Dinas Lingkungan Hidup"),
    Agency("dsda", "Dinas Sumber Daya Air"),
    Agency("satpolpp", "Satuan Polisi Pamong Praja"),
    Agency("gulkarmat", "Dinas Penanggulangan Kebakaran dan Penyelamatan"),
    Agency("binamarga", "Dinas Bina Marga"),
    Agency("dinsos", "Dinas Sosial"),
    Agency("dppe", "Dinas Perindustrian, Perdagangan dan Energi"),
    Agency("distamhut", "Dinas Pertamanan dan Hutan Kota"),
    Agency("citata", "Dinas Cipta Karya, Tata Ruang dan Pertanahan"),
)

DEFAULT_CATEGORIES = (
    CategoryRule("Kemacetan", "dishub", 6, 24),
    CategoryRule("Sampah", "dlh", 24, 72),
    CategoryRule("Banjir", "dsda", 6, 48),
    CategoryRule("Pelanggaran aturan", "satpolpp", 24, 168),
    CategoryRule("Kebakaran", "gulkarmat", 1, 12),
    CategoryRule("Jalan rusak", "binamarga", 48, 336),
    CategoryRule("Pengemis", "dinsos", 24, 72),
    CategoryRule("PKL liar", "satpolpp", 24, 168),
    CategoryRule("Tindak kriminal", "satpolpp", 6, 72),
    CategoryRule("Lampu jalan rusak (PJU)", "dppe", 48, 168),
    CategoryRule("Pohon tumbang", "distamhut", 6, 24),
    CategoryRule("Fasilitas umum", "citata", 48, 336),
    CategoryRule("Parkir liar", "dishub", 24, 72),
    CategoryRule("Pelanggaran izin bangunan", "citata", 72, 720),
)


@dataclass(frozen=True)
class Routing:
    """The city's agencies and category rules."""

    agencies: tuple[Agency, ...] = DEFAULT_AGENCIES
    categories: tuple[CategoryRule, ...] = DEFAULT_CATEGORIES

    def rule(self, category: str | None) -> CategoryRule | None:
        return next((rule for rule in self.categories if rule.category == category), None)

    def agency(self, code: str | None) -> Agency | None:
        return next((agency for agency in self.agencies if agency.code == code), None)


def read_routing(agencies: Mapping[str, Any], categories: Mapping[str, Any]) -> Routing:
    """The ``[agencies]`` and ``[categories."Name"]`` tables of the configuration; either one
    missing keeps its default. Raises ConfigError on anything it cannot use."""
    found_agencies = (
        tuple(_agency(code, name) for code, name in agencies.items())
        if agencies
        else DEFAULT_AGENCIES
    )
    found_categories = (
        tuple(_category(name, table) for name, table in categories.items())
        if categories
        else DEFAULT_CATEGORIES
    )
    codes = {agency.code for agency in found_agencies}
    for rule in found_categories:
        if rule.agency not in codes:
            raise ConfigError(
                f"category {rule.category!r} is routed to agency {rule.agency!r}, "
                f"which is not in agencies ({', '.join(sorted(codes))})"
            )
    return Routing(found_agencies, found_categories)


def _agency(code: str, name: Any) -> Agency:
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'agency {code!r} needs a name: {code} = "Dinas ..."')
    return Agency(code, name.strip())


def _category(name: str, table: Any) -> CategoryRule:
    if not isinstance(table, Mapping) or not table.get("agency"):
        raise ConfigError(f'category {name!r} needs an agency: agency = "code"')
    unknown = set(table) - {"agency", "response_hours", "completion_hours"}
    if unknown:
        raise ConfigError(f"category {name!r}: unknown setting {sorted(unknown)[0]!r}")
    hours = {
        key: table.get(key, default)
        for key, default in (("response_hours", 24), ("completion_hours", 72))
    }
    for key, value in hours.items():
        if type(value) is not int or not 1 <= value <= MAX_HOURS:
            raise ConfigError(
                f"category {name!r}: {key} must be a whole number of hours from 1 to {MAX_HOURS}"
                f" (got {value!r})"
            )
    return CategoryRule(name, str(table["agency"]), **hours)
