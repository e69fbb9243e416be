"""Seed vocabulary of the simulator: Qlue's categories, report wording, streets and city extents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A Qlue report category, how often citizens pick it, and how its reports are worded.

    Templates may use ``{street}`` and ``{kelurahan}``.
    """

    name: str
    weight: int
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]


@dataclass(frozen=True)
class Box:
    """A latitude/longitude bounding box."""

    south: float
    north: float
    west: float
    east: float


CATEGORIES: tuple[Category, ...] = (
    Category(
        "Kemacetan",
        12,
        (
            "Macet parah di Jl. {street}",
            "Kemacetan panjang di simpang Jl. {street}",
            "Lalu lintas tersendat di Jl. {street}",
        ),
        (
            "Kendaraan hampir tidak bergerak di Jl. {street} sejak pagi. Mohon petugas Dishub "
            "mengatur lalu lintas.",
            "Antrean kendaraan mengular karena angkot ngetem di Jl. {street}, {kelurahan}.",
            "Lampu lalu lintas di simpang Jl. {street} mati sehingga kendaraan saling serobot.",
        ),
    ),
    Category(
        "Sampah",
        18,
        (
            "Sampah menumpuk di Jl. {street}",
            "Tumpukan sampah belum diangkut di Jl. {street}",
            "Sampah dibuang sembarangan di pinggir Jl. {street}",
        ),
        (
            "Sampah rumah tangga menumpuk sudah tiga hari dan mulai bau. Mohon segera diangkut.",
            "Warga membuang sampah di lahan kosong dekat Jl. {street}, banyak lalat dan tikus.",
            "Gerobak sampah tidak lewat sejak minggu lalu di wilayah {kelurahan}.",
        ),
    ),
    Category(
        "Banjir",
        9,
        (
            "Banjir setinggi lutut di Jl. {street}",
            "Genangan air di Jl. {street} setelah hujan",
            "Saluran air meluap di Jl. {street}",
        ),
        (
            "Air menggenang sekitar 40 cm sejak hujan semalam, banyak motor mogok.",
            "Got tersumbat sampah sehingga air meluap ke jalan dan rumah warga di {kelurahan}.",
            "Genangan tidak surut lebih dari enam jam di Jl. {street}. Mohon pompa dikerahkan.",
        ),
    ),
    Category(
        "Pelanggaran aturan",
        5,
        (
            "Kendaraan melawan arus di Jl. {street}",
            "Pengendara motor naik trotoar di Jl. {street}",
            "Truk besar melintas di jam terlarang di Jl. {street}",
        ),
        (
            "Setiap pagi banyak motor melawan arus di Jl. {street}, membahayakan pejalan kaki.",
            "Trotoar di Jl. {street} dipakai jalur motor saat macet. Mohon ditertibkan.",
        ),
    ),
    Category(
        "Kebakaran",
        2,
        (
            "Kebakaran rumah warga di Jl. {street}",
            "Asap tebal dari lahan kosong di Jl. {street}",
            "Korsleting listrik di tiang dekat Jl. {street}",
        ),
        (
            "Api terlihat dari rumah warga di Jl. {street}, {kelurahan}. Mohon damkar segera "
            "datang.",
            "Pembakaran sampah di lahan kosong menimbulkan asap tebal ke permukiman.",
        ),
    ),
    Category(
        "Jalan rusak",
        11,
        (
            "Jalan berlubang di Jl. {street}",
            "Aspal amblas di Jl. {street}",
            "Jalan rusak parah di Jl. {street}",
        ),
        (
            "Lubang cukup dalam di tengah Jl. {street}, sudah ada pengendara motor yang jatuh.",
            "Aspal mengelupas sepanjang kurang lebih 50 meter setelah galian kabel.",
            "Jalan amblas di dekat saluran air Jl. {street}, {kelurahan}. Mohon segera diperbaiki.",
        ),
    ),
    Category(
        "Pengemis",
        3,
        (
            "Pengemis di lampu merah Jl. {street}",
            "Anak jalanan meminta-minta di Jl. {street}",
            "Manusia gerobak mangkal di Jl. {street}",
        ),
        (
            "Beberapa pengemis membawa anak kecil di lampu merah Jl. {street} setiap sore.",
            "Manusia gerobak tidur di trotoar Jl. {street}. Mohon ditangani Dinas Sosial.",
        ),
    ),
    Category(
        "PKL liar",
        8,
        (
            "PKL liar di trotoar Jl. {street}",
            "Pedagang kaki lima menutup jalan di Jl. {street}",
            "Lapak PKL di atas saluran air Jl. {street}",
        ),
        (
            "Trotoar di Jl. {street} penuh lapak pedagang sehingga pejalan kaki turun ke jalan.",
            "PKL berjualan sampai badan jalan setiap malam di {kelurahan}, menimbulkan macet.",
        ),
    ),
    Category(
        "Tindak kriminal",
        3,
        (
            "Pencurian motor di Jl. {street}",
            "Penjambretan di Jl. {street}",
            "Tawuran remaja di Jl. {street}",
        ),
        (
            "Telah terjadi penjambretan tas di Jl. {street} sekitar pukul 21.00. Mohon patroli "
            "ditingkatkan.",
            "Tawuran remaja hampir setiap malam minggu di Jl. {street}, warga resah.",
        ),
    ),
    Category(
        "Lampu jalan rusak (PJU)",
        7,
        (
            "Lampu PJU mati di Jl. {street}",
            "Lampu jalan berkedip di Jl. {street}",
            "Tiang PJU miring di Jl. {street}",
        ),
        (
            "Lampu PJU mati sepanjang Jl. {street} sehingga gelap dan rawan kejahatan.",
            "Tiang lampu jalan miring setelah tertabrak truk, khawatir roboh.",
        ),
    ),
    Category(
        "Pohon tumbang",
        4,
        (
            "Pohon tumbang menutup Jl. {street}",
            "Dahan pohon patah di Jl. {street}",
            "Pohon rawan tumbang di Jl. {street}",
        ),
        (
            "Pohon besar tumbang setelah hujan angin dan menutup separuh Jl. {street}.",
            "Dahan pohon menjuntai ke kabel listrik di Jl. {street}. Mohon dipangkas.",
        ),
    ),
    Category(
        "Fasilitas umum",
        6,
        (
            "Halte rusak di Jl. {street}",
            "Taman tidak terawat di Jl. {street}",
            "Penutup saluran hilang di Jl. {street}",
        ),
        (
            "Atap halte bocor dan kursinya patah di Jl. {street}.",
            "Penutup saluran air di trotoar hilang, berbahaya bagi pejalan kaki di {kelurahan}.",
        ),
    ),
    Category(
        "Parkir liar",
        8,
        (
            "Parkir liar di bahu Jl. {street}",
            "Mobil parkir sembarangan di Jl. {street}",
            "Juru parkir liar di Jl. {street}",
        ),
        (
            "Mobil parkir di kedua sisi Jl. {street} sehingga hanya satu kendaraan bisa lewat.",
            "Juru parkir liar menarik tarif tinggi di depan minimarket Jl. {street}.",
        ),
    ),
    Category(
        "Pelanggaran izin bangunan",
        4,
        (
            "Bangunan tanpa izin di Jl. {street}",
            "Bangunan melanggar garis sempadan di Jl. {street}",
            "Renovasi rumah menutup saluran di Jl. {street}",
        ),
        (
            "Ada bangunan baru di Jl. {street} yang berdiri di atas saluran air.",
            "Bangunan bertingkat di {kelurahan} dibangun tanpa papan izin (PBG).",
        ),
    ),
)

STREETS: dict[str, tuple[str, ...]] = {
    "31.75": (
        "Raya Bogor",
        "Dewi Sartika",
        "Otista Raya",
        "Pemuda",
        "I Gusti Ngurah Rai",
        "Kalimalang",
        "Pahlawan Revolusi",
        "Raya Pondok Gede",
        "Jatinegara Barat",
        "Matraman Raya",
        "Pramuka",
        "Bekasi Raya",
        "Raya Penggilingan",
        "Raya Setu",
        "Bambu Apus Raya",
        "Raya Cilangkap",
        "Raya Condet",
        "Pulo Gebang",
        "Raya Kalisari",
        "Cipinang Jaya",
    ),
    "36.71": (
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
        "Raden Saleh",
        "HOS Cokroaminoto",
        "Marsekal Suryadarma",
        "Veteran",
        "Teuku Umar",
        "Raya Pinang",
    ),
    "71.71": (
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
        "Hasanuddin",
        "Wolter Monginsidi",
        "Ring Road",
        "Arie Lasut",
        "Sarapung",
    ),
}

CITY_BOXES: dict[str, Box] = {
    "31.75": Box(south=-6.37, north=-6.21, west=106.85, east=106.97),
    "36.71": Box(south=-6.25, north=-6.13, west=106.57, east=106.72),
    "71.71": Box(south=1.42, north=1.56, west=124.80, east=124.92),
}

REPORTER_NAMES: tuple[str, ...] = (
    "warga",
    "budi",
    "siti",
    "agus",
    "dewi",
    "rina",
    "andi",
    "yanto",
    "nurul",
    "fajar",
    "putri",
    "joko",
    "maya",
    "rizky",
    "ahmad",
    "lina",
    "stevy",
    "novita",
)
