"""Creating users from a CSV file on the administrators' page: all of them or none, every line
with a problem named, and a one-time set-password link for each new user."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hub.models import AuditEntry, PasswordReset, User
from hub.models.user import NO_PASSWORD
from hub.state import current_hub
from hub.testing import csrf_token

SETU, CIPAYUNG = "31.75.10.1005", "31.75.10"
HEADER = "username;full_name;role;area_code;agency_code"
GOOD = [
    "lurah.setu;Siti Rahayu;ward_staff;31.75.10.1005;",
    "camat.cipayung;Camat Cipayung;officer;31.75.10;",
    "dlh.jaktim;Petugas Dinas Lingkungan Hidup;officer;;dlh",
]
LINK = re.compile(r"http://localhost/users/reset/[A-Za-z0-9_-]+")


@pytest.fixture
def app(make_app, database_url, make_user) -> Flask:
    app = make_app(database_url)
    make_user(app, "boss", "admin")
    return app


@pytest.fixture
def admin(app: Flask, sign_in) -> FlaskClient:
    client = app.test_client()
    sign_in(client, "boss")
    return client


def upload(client: FlaskClient, content: bytes | str, name: str = "pengguna.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/users/import",
        data={
            "csrf_token": csrf_token(client, "/users/import"),
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def counts(app: Flask) -> tuple[int, int, int]:
    with current_hub(app).db.read_session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (User, PasswordReset, AuditEntry)
        )


def lines_named(page: str) -> list[int]:
    return [int(line) for line in re.findall(r"<li>Baris (\d+):", page)]


def test_a_spreadsheet_file_creates_every_user_with_a_link(app: Flask, admin, sign_in) -> None:
    content = "\ufeff" + "\r\n".join([HEADER, *GOOD]) + "\r\n"

    response = upload(admin, content.encode("utf-8"))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "3 pengguna dibuat." in page
    links = LINK.findall(page)
    assert len(links) == 3
    with current_hub(app).db.read_session() as session:
        people = {
            user.username: (user.role, user.area_code, user.agency_code, user.password_hash)
            for user in session.scalars(select(User).where(User.username != "boss"))
        }
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert people == {
        "lurah.setu": ("ward_staff", SETU, None, NO_PASSWORD),
        "camat.cipayung": ("officer", CIPAYUNG, None, NO_PASSWORD),
        "dlh.jaktim": ("officer", None, "dlh", NO_PASSWORD),
    }
    assert actions == ["user.create", "user.reset_link"] * 3
    download = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)" download=', page)
    rows = list(csv.reader(io.StringIO(unquote(download.group(1)).lstrip("\ufeff"))))
    assert rows[0] == ["username", "full_name", "link"]
    assert [row[0] for row in rows[1:]] == ["lurah.setu", "camat.cipayung", "dlh.jaktim"]
    assert [row[2] for row in rows[1:]] == links

    person = app.test_client()
    data = {"csrf_token": csrf_token(person), "password": "rahasia setu", "confirm": "rahasia setu"}
    assert person.post(links[0], data=data).status_code == 302
    assert sign_in(app.test_client(), "lurah.setu", "rahasia setu").status_code == 302


def test_commas_without_a_byte_order_mark_and_extra_columns_are_read(app: Flask, admin) -> None:
    content = (
        "Username,Full_Name,Role,Area_Code,Agency_Code,Catatan\n"
        '"wanea.staf","Staf Wanea, Manado",ward_staff,71.71.07,,baru\n'
        "\n"
        "ops,Operator,operator,,,\n"
    )

    response = upload(admin, content)

    assert response.status_code == 200
    assert len(LINK.findall(response.get_data(as_text=True))) == 2
    with current_hub(app).db.read_session() as session:
        wanea = session.scalar(select(User).where(User.username == "wanea.staf"))
    assert (wanea.full_name, wanea.area_code) == ("Staf Wanea, Manado", "71.71.07")


@pytest.mark.parametrize(
    ("rows", "named", "message"),
    [
        (
            ["username;full_name;role;area_code", *(row.rsplit(";", 1)[0] for row in GOOD)],
            [1],
            "agency_code tidak ada",
        ),
        ([HEADER, GOOD[0], "lurah.x;X;ward_staff;99.99.99;"], [3], "Tidak ada wilayah dengan kode"),
        ([HEADER, GOOD[0], "dlh.x;X;officer;;Dinas LH"], [3], "Kode dinas terdiri atas"),
        ([HEADER, GOOD[0], "ops.x;X;operator;;dlh"], [3], "Hanya petugas yang bekerja untuk dinas"),
        ([HEADER, GOOD[0], "walikota;X;mayor;;"], [3], "Pilih salah satu peran"),
        ([HEADER, GOOD[0], "boss;Boss;admin;;"], [3], "Nama pengguna boss sudah dipakai."),
        (
            [HEADER, *GOOD, "lurah.setu;Siti lagi;ward_staff;31.75.10.1005;"],
            [2, 5],
            "Nama pengguna lurah.setu juga ada di baris",
        ),
        ([HEADER, GOOD[0], "x;X;ward_staff;;"], [3], "Staf kelurahan memerlukan wilayah"),
        ([HEADER, GOOD[0], "a;b;admin;;;extra"], [3], "Baris ini berisi 6 nilai"),
        ([HEADER], [2], "Berkas ini tidak berisi pengguna."),
    ],
)
def test_a_bad_file_creates_nobody_and_names_each_bad_line(
    app: Flask, admin, rows: list[str], named: list[int], message: str
) -> None:
    before = counts(app)

    response = upload(admin, "\n".join(rows) + "\n")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tidak ada yang diimpor." in page
    assert message in page
    assert lines_named(page) == named
    assert counts(app) == before


def test_every_bad_line_is_named_with_all_of_its_problems(app: Flask, admin) -> None:
    content = "\n".join(
        [
            HEADER,
            GOOD[0],
            "boss;;mayor;;",
            GOOD[1],
            "spasi di nama;;officer;00.00;DLH",
            GOOD[2],
            "",
            "lurah.setu;;ward_staff;31.75.10.1005;",
        ]
    )

    page = upload(admin, content).get_data(as_text=True)

    assert lines_named(page) == [2, 3, 5, 8]
    bad = page.split("<li>Baris 5:")[1].split("</li>")[0]
    assert "Nama pengguna terdiri atas" in bad
    assert "Tidak ada wilayah dengan kode 00.00." in bad
    assert "Kode dinas terdiri atas" in bad
    assert "Nama pengguna boss sudah dipakai." in page
    assert "Nama pengguna lurah.setu juga ada di baris 8." in page
    assert counts(app) == (1, 0, 0)


def test_a_file_that_is_not_utf8_or_not_csv_is_refused(app: Flask, admin) -> None:
    latin = "\n".join([HEADER, GOOD[0], "lurah.bu;Bu Sumiyati Ré;ward_staff;31.75.10.1005;"])

    wrong_encoding = upload(admin, latin.encode("latin-1"))
    empty = upload(admin, b"")
    spreadsheet = upload(admin, b"PK\x03\x04\x00\x00binary", name="pengguna.xlsx")
    no_file = admin.post(
        "/users/import",
        data={"csrf_token": csrf_token(admin, "/users/import")},
        content_type="multipart/form-data",
    )

    assert wrong_encoding.status_code == 422
    assert lines_named(wrong_encoding.text) == [3]
    assert "Berkas ini bukan UTF-8" in wrong_encoding.text
    assert empty.status_code == 422 and "Berkas ini kosong." in empty.text
    assert spreadsheet.status_code == 422 and lines_named(spreadsheet.text) == [1]
    assert no_file.status_code == 422 and "Pilih berkas CSV untuk diunggah." in no_file.text
    assert counts(app) == (1, 0, 0)


def test_only_administrators_import(app: Flask, make_user, sign_in) -> None:
    make_user(app, "operator", "operator")
    client = app.test_client()
    sign_in(client, "operator")
    token = csrf_token(client, "/sources")

    response = client.post(
        "/users/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO("\n".join([HEADER, *GOOD]).encode()), "a.csv"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 403
    assert counts(app) == (2, 0, 0)


def test_with_the_complaints_agencies_a_line_naming_another_is_refused(
    make_app, database_url, make_user, sign_in
) -> None:
    app = make_app(database_url, only=("complaints",))
    make_user(app, "boss", "admin")
    admin = app.test_client()
    sign_in(admin, "boss")
    rows = [HEADER, *GOOD, "pu.jaktim;Petugas PU;officer;;dinas-pu", "ops.x;X;operator;;dinas-pu"]

    refused = upload(admin, "\n".join(rows) + "\n")
    imported = upload(admin, "\n".join([HEADER, *GOOD]) + "\n")

    assert refused.status_code == 422
    assert lines_named(refused.text) == [5, 6]
    assert "Tidak ada dinas dengan kode dinas-pu. Pilih salah satu: dishub, dlh," in refused.text
    assert imported.status_code == 200
    assert len(LINK.findall(imported.text)) == len(GOOD)
    assert counts(app) == (1 + len(GOOD), len(GOOD), 2 * len(GOOD))
