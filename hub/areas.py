"""Kemendagri administrative areas: codes as strings, ``PP.KK.CC.DDDD``.

The hub ships a subset (Jakarta Timur, Kota Tangerang, Kota Manado) in ``hub/data/areas``; the full
national files come in the same CSV shape and load with ``simpul areas import``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

if TYPE_CHECKING:
    from hub.db import Database

BUNDLED_AREAS = Path(__file__).parent / "data" / "areas"

LEVELS = {1: "province", 2: "regency", 3: "district", 4: "village"}
FILES = (
    ("provinces.csv", None),
    ("regencies.csv", "province_code"),
    ("districts.csv", "regency_code"),
    ("villages.csv", "district_code"),
)


@dataclass(frozen=True)
class AreaRow:
    code: str
    parent_code: str | None
    level: str
    name: str


def level_of(code: str) -> str:
    """``"31.75.10.1005"`` is a village (kelurahan), ``"31.75.10"`` a district (kecamatan)."""
    return LEVELS[code.count(".") + 1]


def is_within(code: str | None, scope: str) -> bool:
    """True if ``code`` is the area ``scope`` or lies inside it."""
    return code is not None and (code == scope or code.startswith(scope + "."))


def read_area_files(folder: Path) -> list[AreaRow]:
    """Read the four Kemendagri CSV files in ``folder``, parents before children."""
    rows: list[AreaRow] = []
    for filename, parent_column in FILES:
        path = folder / filename
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: expected {', '.join(f for f, _ in FILES)}")
        with path.open(newline="", encoding="utf-8") as handle:
            for line_number, row in enumerate(csv.DictReader(handle), start=2):
                code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
                if not code or not name:
                    raise ValueError(f"{path}:{line_number}: code and name are required")
                parent = row.get(parent_column, "").strip() if parent_column else None
                rows.append(AreaRow(code, parent or None, level_of(code), name))
    return rows


class AreaDirectory:
    """Read-only lookups over an area folder, for plugins and simulators."""

    def __init__(self, folder: Path = BUNDLED_AREAS) -> None:
        self.folder = folder

    @cached_property
    def _rows(self) -> dict[str, AreaRow]:
        return {row.code: row for row in read_area_files(self.folder)}

    def get(self, code: str) -> AreaRow | None:
        return self._rows.get(code)

    def villages(self, within: str = "") -> list[AreaRow]:
        """Every kelurahan/desa, or those inside the area ``within``."""
        return [
            row
            for row in self._rows.values()
            if row.level == "village" and (not within or is_within(row.code, within))
        ]

    def regencies(self) -> list[AreaRow]:
        return [row for row in self._rows.values() if row.level == "regency"]


def import_areas(db: Database, folder: Path = BUNDLED_AREAS) -> int:
    """Insert or update every area in ``folder``; return how many rows were read."""
    from hub.models import Area

    rows = read_area_files(folder)
    with db.session() as session:
        stored = {code: name for code, name in session.execute(select(Area.code, Area.name))}
        new = [row for row in rows if row.code not in stored]
        renamed = [row for row in rows if row.code in stored and stored[row.code] != row.name]
        for start in range(0, len(new), 5000):
            session.execute(insert(Area), [vars(row) for row in new[start : start + 5000]])
        if renamed:
            session.execute(update(Area), [{"code": r.code, "name": r.name} for r in renamed])
    return len(rows)
