"""Seed vocabulary of the simulator: sectors with their jobs and companies, names and streets.

Companies are made up; sectors, jobs and skills are those Kota Tangerang's job fairs list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A job title, the lowest education it asks for (None: any) and the skills it needs."""

    title: str
    education: str | None
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Sector:
    """A sector, how often it appears, its jobs and the companies that hire for them."""

    name: str
    weight: int
    jobs: tuple[Job, ...]
    companies: tuple[str, ...]


SECTORS: tuple[Sector, ...] = (
    Sector(
        "Manufaktur",
        30,
        (
            Job("Operator Produksi", "SMA/SMK", ("Operator mesin", "K3", "Quality control")),
            Job("Teknisi Mesin", "SMA/SMK", ("Perawatan mesin", "Listrik industri", "K3")),
            Job("Quality Control", "SMA/SMK", ("Quality control", "Microsoft Excel")),
            Job("Supervisor Produksi", "D3", ("Manajemen produksi", "K3", "Microsoft Excel")),
            Job("Helper Produksi", "SMP", ("Operator mesin", "Pengemasan")),
        ),
        (
            "PT Sinar Cibodas Plastindo",
            "PT Jatiuwung Makmur Tekstil",
            "PT Karya Logam Periuk",
            "PT Benteng Sepatu Nusantara",
            "PT Cisadane Presisi Komponen",
        ),
    ),
    Sector(
        "Logistik dan Pergudangan",
        15,
        (
            Job("Staf Gudang", "SMA/SMK", ("Pergudangan", "Forklift", "Microsoft Excel")),
            Job("Pengemudi Ekspedisi", "SMP", ("Mengemudi (SIM B1)", "Pengiriman barang")),
            Job("Kurir", "SMA/SMK", ("Mengemudi (SIM C)", "Pengiriman barang")),
            Job("Admin Logistik", "D3", ("Microsoft Excel", "Administrasi perkantoran")),
            Job("Operator Forklift", "SMA/SMK", ("Forklift", "K3")),
        ),
        (
            "PT Bandara Kargo Ekspres",
            "PT Neglasari Logistik Utama",
            "CV Benda Jaya Transport",
            "PT Soetta Gudang Mandiri",
        ),
    ),
    Sector(
        "Perdagangan dan Ritel",
        15,
        (
            Job("Pramuniaga", "SMA/SMK", ("Penjualan", "Pelayanan pelanggan")),
            Job("Kasir", "SMA/SMK", ("Kasir", "Pelayanan pelanggan", "Microsoft Excel")),
            Job("Sales Lapangan", "SMA/SMK", ("Penjualan", "Mengemudi (SIM C)", "Negosiasi")),
            Job("Kepala Toko", "D3", ("Manajemen toko", "Penjualan", "Microsoft Excel")),
        ),
        (
            "PT Karawaci Ritel Prima",
            "Toko Bangunan Cipondoh Jaya",
            "PT Ciledug Swalayan Sentosa",
            "Minimarket Pinang Sejahtera",
        ),
    ),
    Sector(
        "Perhotelan dan Kuliner",
        10,
        (
            Job("Juru Masak", "SMA/SMK", ("Memasak", "Keamanan pangan")),
            Job("Pramusaji", "SMP", ("Pelayanan pelanggan", "Keamanan pangan")),
            Job("Barista", "SMA/SMK", ("Barista", "Pelayanan pelanggan")),
            Job("Resepsionis Hotel", "D3", ("Pelayanan pelanggan", "Bahasa Inggris")),
        ),
        (
            "Hotel Bandara Tangerang",
            "RM Sate Bandeng Larangan",
            "Kopi Kota Lama Tangerang",
            "PT Katering Karang Tengah",
        ),
    ),
    Sector(
        "Teknologi Informasi",
        8,
        (
            Job("Programmer Web", "S1", ("Pemrograman web", "Basis data", "Bahasa Inggris")),
            Job("Teknisi Jaringan", "D3", ("Jaringan komputer", "Perakitan komputer")),
            Job("Staf IT Support", "SMA/SMK", ("Perakitan komputer", "Jaringan komputer")),
            Job("Desainer Grafis", "D3", ("Desain grafis", "Media sosial")),
        ),
        ("PT Digital Tangerang Kreatif", "CV Solusi Data Cikokol", "PT Aplikasi Warga Nusantara"),
    ),
    Sector(
        "Kesehatan",
        7,
        (
            Job("Perawat", "D3", ("Perawatan pasien", "Pertolongan pertama")),
            Job("Apoteker", "S1", ("Farmasi", "Pelayanan pelanggan")),
            Job("Asisten Apoteker", "D3", ("Farmasi", "Kasir")),
            Job("Bidan", "D3", ("Kebidanan", "Perawatan pasien")),
        ),
        ("RS Sehat Sentosa Karawaci", "Klinik Pratama Batuceper", "Apotek Cipondoh Farma"),
    ),
    Sector(
        "Konstruksi",
        8,
        (
            Job("Tukang Bangunan", None, ("Pertukangan batu", "Pertukangan kayu")),
            Job("Drafter", "D3", ("AutoCAD", "Membaca gambar teknik")),
            Job("Pelaksana Lapangan", "S1", ("Manajemen proyek", "AutoCAD", "K3")),
            Job("Tukang Las", "SD", ("Pengelasan", "K3")),
        ),
        ("PT Bangun Kota Tangerang", "CV Karya Beton Pinang", "PT Griya Cisadane Konstruksi"),
    ),
    Sector(
        "Jasa Keuangan",
        7,
        (
            Job("Staf Akuntansi", "S1", ("Akuntansi", "Microsoft Excel", "Perpajakan")),
            Job("Teller Bank", "D3", ("Kasir", "Pelayanan pelanggan")),
            Job("Kolektor", "SMA/SMK", ("Negosiasi", "Mengemudi (SIM C)")),
            Job("Admin Keuangan", "D3", ("Akuntansi", "Microsoft Excel")),
        ),
        (
            "BPR Kota Tangerang",
            "Koperasi Simpan Pinjam Cisadane",
            "PT Pembiayaan Motor Karawaci",
        ),
    ),
)

GENERAL_SKILLS = ("Microsoft Excel", "Bahasa Inggris", "Media sosial", "Komunikasi")

EDUCATION_WEIGHTS = {"SD": 6, "SMP": 14, "SMA/SMK": 48, "D3": 10, "S1": 19, "S2": 3}

EMPLOYMENT_WEIGHTS = {"FULL_TIME": 60, "CONTRACTOR": 25, "PART_TIME": 8, "INTERN": 7}

CREDENTIALS = {
    "SMA/SMK": "high school",
    "D3": "associate degree",
    "S1": "bachelor degree",
    "S2": "postgraduate degree",
}
"""Google's credentialCategory for each level that has one; SD and SMP are written out."""

FIRST_NAMES: tuple[tuple[str, bool], ...] = (
    ("Siti", True),
    ("Dewi", True),
    ("Rina", True),
    ("Nur", True),
    ("Putri", True),
    ("Ayu", True),
    ("Fitri", True),
    ("Indah", True),
    ("Lestari", True),
    ("Wulan", True),
    ("Budi", False),
    ("Agus", False),
    ("Rizky", False),
    ("Dimas", False),
    ("Eko", False),
    ("Fajar", False),
    ("Hendra", False),
    ("Iwan", False),
    ("Joko", False),
    ("Yusuf", False),
)
"""First names, each with whether it is a woman's (her NIK's birth day is raised by 40)."""

FAMILY_NAMES = (
    "Rahmawati",
    "Saputra",
    "Hidayat",
    "Pratama",
    "Nugroho",
    "Kurniawan",
    "Setiawan",
    "Wijaya",
    "Susanti",
    "Hasanah",
    "Permana",
    "Maulana",
    "Siregar",
    "Simanjuntak",
    "Lumban Tobing",
    "Sembiring",
)

MOBILE_PREFIXES = ("0812", "0813", "0821", "0852", "0857", "0877", "0878", "0881", "0895", "0896")

STREETS = (
    "Daan Mogot",
    "MH Thamrin",
    "Jenderal Sudirman",
    "Gatot Subroto",
    "Imam Bonjol",
    "Raya Cipondoh",
    "KH Hasyim Ashari",
    "Perintis Kemerdekaan",
    "Benteng Betawi",
    "Husein Sastranegara",
    "HOS Cokroaminoto",
    "Marsekal Suryadarma",
    "Veteran",
    "Teuku Umar",
    "Raya Pinang",
)

UTC_OFFSETS = {"31": "+07:00", "36": "+07:00", "71": "+08:00"}
"""The offset of local time in each province simulated (WIB, or WITA for North Sulawesi)."""
