"""Seed vocabulary of the simulator: agencies (OPD), their programs and activities, and accounts.

Names and codes follow the Permendagri 90/2019 nomenclature a city's finance system uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    """An expenditure account and the range of a line's budget on it, in millions of Rupiah."""

    code: str
    name: str
    least: int
    most: int


@dataclass(frozen=True)
class Program:
    """A program with its activities and the accounts its lines are budgeted on."""

    name: str
    activities: tuple[str, ...]
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class Agency:
    """A city agency (OPD): its code, name, programs, how many budget lines it gets, and the
    kecamatan it serves if it is one."""

    code: str
    name: str
    programs: tuple[Program, ...]
    weight: int
    area_code: str | None = None


ACCOUNTS = {
    account.code: account
    for account in (
        Account("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 1500, 9000),
        Account(
            "5.1.02.01.01.0024",
            "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
            25,
            400,
        ),
        Account("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", 20, 300),
        Account("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi", 100, 2500),
        Account("5.1.02.02.01.0013", "Belanja Jasa Tenaga Kebersihan", 300, 6000),
        Account("5.1.02.03.02.0035", "Belanja Pemeliharaan Alat Angkutan Darat Bermotor", 50, 800),
        Account("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", 30, 600),
        Account("5.1.02.01.01.0029", "Belanja Bahan Obat-Obatan", 400, 7000),
        Account("5.2.02.05.01.0001", "Belanja Modal Alat Kantor Lainnya", 100, 1500),
        Account("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Kantor", 1000, 15000),
        Account("5.2.04.01.01.0012", "Belanja Modal Jalan Kabupaten/Kota", 2000, 25000),
        Account("5.2.04.02.01.0001", "Belanja Modal Bangunan Pengaman Sungai", 1500, 18000),
    )
}

SUPPORT = Program(
    "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA",
    (
        "Administrasi Keuangan Perangkat Daerah",
        "Administrasi Umum Perangkat Daerah",
        "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
    ),
    ("5.1.01.01.01.0001", "5.1.02.01.01.0024", "5.1.02.02.01.0026", "5.1.02.04.01.0001"),
)

AGENCIES: tuple[Agency, ...] = (
    Agency(
        "1.01.0.00.0.00.01.0000",
        "Dinas Pendidikan",
        (
            SUPPORT,
            Program(
                "PROGRAM PENGELOLAAN PENDIDIKAN",
                (
                    "Pengelolaan Pendidikan Sekolah Dasar",
                    "Pengelolaan Pendidikan Sekolah Menengah Pertama",
                    "Pengelolaan Pendidikan Anak Usia Dini (PAUD)",
                ),
                ("5.2.03.01.01.0001", "5.2.02.05.01.0001", "5.1.02.01.01.0052"),
            ),
        ),
        14,
    ),
    Agency(
        "1.02.0.00.0.00.01.0000",
        "Dinas Kesehatan",
        (
            SUPPORT,
            Program(
                "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
                (
                    "Penyediaan Fasilitas Pelayanan Kesehatan untuk UKM dan UKP Kewenangan Daerah "
                    "Kabupaten/Kota",
                    "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan Tingkat Daerah "
                    "Kabupaten/Kota",
                ),
                ("5.1.02.01.01.0029", "5.2.03.01.01.0001", "5.1.02.02.01.0026"),
            ),
        ),
        12,
    ),
    Agency(
        "1.03.0.00.0.00.01.0000",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        (
            SUPPORT,
            Program(
                "PROGRAM PENYELENGGARAAN JALAN",
                ("Penyelenggaraan Jalan Kabupaten/Kota",),
                ("5.2.04.01.01.0012",),
            ),
            Program(
                "PROGRAM PENGELOLAAN DAN PENGEMBANGAN SISTEM DRAINASE",
                (
                    "Pengelolaan dan Pengembangan Sistem Drainase yang Terhubung Langsung dengan "
                    "Sungai dalam Daerah Kabupaten/Kota",
                ),
                ("5.2.04.02.01.0001", "5.1.02.02.01.0026"),
            ),
        ),
        14,
    ),
    Agency(
        "1.04.0.00.0.00.01.0000",
        "Dinas Perumahan, Permukiman dan Pertanahan",
        (
            SUPPORT,
            Program(
                "PROGRAM KAWASAN PERMUKIMAN",
                (
                    "Penataan dan Peningkatan Kualitas Kawasan Permukiman Kumuh dengan Luas di "
                    "Bawah 10 (sepuluh) Ha",
                ),
                ("5.2.04.01.01.0012", "5.1.02.02.01.0026"),
            ),
        ),
        6,
    ),
    Agency(
        "1.05.0.00.0.00.01.0000",
        "Satuan Polisi Pamong Praja",
        (
            SUPPORT,
            Program(
                "PROGRAM PENINGKATAN KETENTERAMAN DAN KETERTIBAN UMUM",
                (
                    "Penanganan Gangguan Ketenteraman dan Ketertiban Umum dalam 1 (satu) Daerah "
                    "Kabupaten/Kota",
                ),
                ("5.1.02.02.01.0026", "5.1.02.03.02.0035", "5.1.02.01.01.0052"),
            ),
        ),
        5,
    ),
    Agency(
        "1.06.0.00.0.00.01.0000",
        "Dinas Sosial",
        (
            SUPPORT,
            Program(
                "PROGRAM REHABILITASI SOSIAL",
                (
                    "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar, Anak Terlantar, "
                    "Lanjut Usia Terlantar, serta Gelandangan Pengemis di Luar Panti Sosial",
                ),
                ("5.1.02.02.01.0026", "5.1.02.01.01.0052"),
            ),
        ),
        5,
    ),
    Agency(
        "2.11.0.00.0.00.01.0000",
        "Dinas Lingkungan Hidup",
        (
            SUPPORT,
            Program(
                "PROGRAM PENGELOLAAN PERSAMPAHAN",
                ("Penanganan Sampah di Daerah Kabupaten/Kota",),
                ("5.1.02.02.01.0013", "5.1.02.03.02.0035"),
            ),
            Program(
                "PROGRAM PENGENDALIAN PENCEMARAN DAN/ATAU KERUSAKAN LINGKUNGAN HIDUP",
                ("Pencegahan Pencemaran dan/atau Kerusakan Lingkungan Hidup",),
                ("5.1.02.02.01.0026", "5.1.02.04.01.0001"),
            ),
        ),
        9,
    ),
    Agency(
        "2.15.0.00.0.00.01.0000",
        "Dinas Perhubungan",
        (
            SUPPORT,
            Program(
                "PROGRAM PENYELENGGARAAN LALU LINTAS DAN ANGKUTAN JALAN (LLAJ)",
                (
                    "Penyediaan Perlengkapan Jalan di Jalan Kabupaten/Kota",
                    "Pengelolaan Terminal Penumpang Tipe C",
                ),
                ("5.2.02.05.01.0001", "5.1.02.02.01.0026", "5.1.02.03.02.0035"),
            ),
        ),
        7,
    ),
    Agency(
        "2.16.0.00.0.00.01.0000",
        "Dinas Komunikasi dan Informatika",
        (
            SUPPORT,
            Program(
                "PROGRAM PENGELOLAAN APLIKASI INFORMATIKA",
                ("Pengelolaan e-government di Lingkup Pemerintah Daerah Kabupaten/Kota",),
                ("5.2.02.05.01.0001", "5.1.02.02.01.0026"),
            ),
        ),
        5,
    ),
)

DISTRICT_PROGRAMS: tuple[Program, ...] = (
    SUPPORT,
    Program(
        "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK",
        (
            "Koordinasi/Sinergi Perencanaan dan Pelaksanaan Kegiatan Pemerintahan dengan "
            "Perangkat Daerah dan Instansi Vertikal Terkait",
        ),
        ("5.1.02.01.01.0052", "5.1.02.04.01.0001"),
    ),
    Program(
        "PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN",
        ("Kegiatan Pemberdayaan Kelurahan",),
        ("5.1.02.02.01.0026", "5.2.04.01.01.0012"),
    ),
)
"""Programs of a kecamatan, an agency of its own with the kecamatan's area code."""

DISTRICT_WEIGHT = 2


def district_agency(area_code: str, name: str) -> Agency:
    """The agency of the kecamatan ``area_code`` (``36.71.05``) named ``name``."""
    number = area_code.rsplit(".", 1)[1]
    return Agency(
        f"7.01.0.00.0.00.{number}.0000",
        f"Kecamatan {name}",
        DISTRICT_PROGRAMS,
        DISTRICT_WEIGHT,
        area_code,
    )
