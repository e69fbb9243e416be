"""The city government's work units: its agencies (OPD), each kecamatan and each kelurahan, with
the positions each has in its formation."""

from __future__ import annotations

from dataclasses import dataclass

from hub.api import AreaDirectory

AGENCIES: tuple[tuple[str, str], ...] = (
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Kepala Badan"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "Kepala Badan"),
    ("Badan Penanggulangan Bencana Daerah", "Kepala Pelaksana"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Kepala Dinas"),
    ("Dinas Kesehatan", "Kepala Dinas"),
    ("Dinas Pendidikan", "Kepala Dinas"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Kepala Dinas"),
    ("Dinas Lingkungan Hidup", "Kepala Dinas"),
    ("Dinas Sosial", "Kepala Dinas"),
    ("Dinas Komunikasi dan Informatika", "Kepala Dinas"),
    ("Dinas Perhubungan", "Kepala Dinas"),
    ("Satuan Polisi Pamong Praja", "Kepala Satuan"),
)
"""Agencies of the city and the title of their heads."""

AGENCY_STAFF = (
    ("Sekretaris", 1),
    ("Kepala Bidang", 3),
    ("Analis Kebijakan", 3),
    ("Pengadministrasi Umum", 6),
)
KECAMATAN_FORMATION = (
    ("Camat", 1),
    ("Sekretaris Kecamatan", 1),
    ("Kepala Seksi Pemerintahan", 1),
    ("Kepala Seksi Ketenteraman dan Ketertiban Umum", 1),
    ("Kepala Seksi Pelayanan Umum", 1),
    ("Pengadministrasi Umum", 4),
)
KELURAHAN_FORMATION = (
    ("Lurah", 1),
    ("Sekretaris Kelurahan", 1),
    ("Kepala Seksi Pemerintahan", 1),
    ("Kepala Seksi Kesejahteraan Sosial", 1),
    ("Pengadministrasi Umum", 3),
)


@dataclass(frozen=True)
class Unit:
    """A work unit: its name, its OPD, the area its staff are posted to, and its formation (the
    head's position first)."""

    name: str
    organization: str
    area_code: str
    formation: tuple[tuple[str, int], ...]

    @property
    def head(self) -> str:
        return self.formation[0][0]

    def posts(self) -> list[tuple[str, str]]:
        """Every seat of the formation as (unit name, position)."""
        return [(self.name, position) for position, count in self.formation for _ in range(count)]


def city_units(areas: AreaDirectory, city: str) -> list[Unit]:
    """The agencies of ``city``, then its kecamatan and kelurahan, each a unit."""
    units = [Unit(name, name, city, ((head, 1), *AGENCY_STAFF)) for name, head in AGENCIES]
    villages = sorted(areas.villages(within=city), key=lambda row: row.code)
    for district_code in sorted({row.parent_code for row in villages if row.parent_code}):
        district = areas.get(district_code)
        kecamatan = f"Kecamatan {district.name if district else district_code}"
        units.append(Unit(kecamatan, kecamatan, district_code, KECAMATAN_FORMATION))
        units += [
            Unit(f"Kelurahan {row.name}", kecamatan, row.code, KELURAHAN_FORMATION)
            for row in villages
            if row.parent_code == district_code
        ]
    return units
