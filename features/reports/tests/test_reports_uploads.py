"""Attachments of reports: real types, photos re-encoded, bad files refused, memory bounded."""

from __future__ import annotations

import struct
import tracemalloc
import uuid
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from PIL import ExifTags, Image
from sqlalchemy import select

from features.reports.models import ReportAttachment
from hub.models import AuditEntry, User
from hub.state import current_hub
from hub.storage import open_storage
from hub.testing import csrf_token

SETU = "31.75.10.1005"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLE2_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def api_client(app: Flask, username: str) -> FlaskClient:
    """A client signed in as ``username`` that sends the CSRF token with every request."""
    with current_hub(app).db.read_session() as session:
        session_id = session.scalar(select(User).where(User.username == username)).get_id()
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = session_id
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/reports")
    return client


def jpeg(size=(1200, 900), gps=None, orientation=None) -> bytes:
    """A JPEG with a camera make in its EXIF, and GPS ((lat dms, "S"), (lon dms, "E"))."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        (latitude, north_south), (longitude, east_west) = gps
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {
                ExifTags.GPS.GPSLatitudeRef: north_south,
                ExifTags.GPS.GPSLatitude: latitude,
                ExifTags.GPS.GPSLongitudeRef: east_west,
                ExifTags.GPS.GPSLongitude: longitude,
            }
        )
    output = BytesIO()
    Image.new("RGB", size, "green").save(output, "JPEG", exif=exif)
    return output.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: an image bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def transparent_png() -> bytes:
    output = BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(output, "PNG")
    return output.getvalue()


def docx() -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


def xlsx() -> bytes:
    output = BytesIO()
    Workbook().save(output)
    return output.getvalue()


def odt() -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return output.getvalue()


@pytest.fixture
def make_reports_app(make_app, make_user, tmp_path):
    def make(url: str, **settings) -> Flask:
        app = make_app(url, storage_path=str(tmp_path / "files"), **settings)
        make_user(app, "setu", "ward_staff", SETU)
        return app

    return make


@pytest.fixture
def app(make_reports_app, sqlite_url) -> Flask:
    return make_reports_app(sqlite_url)


def new_report(client: FlaskClient, **fields) -> dict:
    body = {
        "client_id": uuid.uuid4().hex,
        "activity_type": "Kerja bakti",
        "date": "2024-05-01",
        "title": "Kerja bakti RW 03",
    }
    response = client.post("/api/v1/reports", json=body | fields)
    assert response.status_code == 201, response.json
    return response.json


def upload(client: FlaskClient, report_id: int, name: str, content: bytes):
    return client.post(
        f"/api/v1/reports/{report_id}/attachments?lang=en",
        data={"file": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def stored_image(app: Flask, digest: str) -> Image.Image:
    with open_storage(current_hub(app).settings).open(digest) as handle:
        image = Image.open(BytesIO(handle.read()))
        image.load()
    return image


def attachment_row(app: Flask, attachment_id: int) -> ReportAttachment:
    with current_hub(app).db.read_session() as session:
        return session.get(ReportAttachment, attachment_id)


def test_a_photo_is_reencoded_without_exif_and_its_gps_locates_the_report(app):
    setu = api_client(app, "setu")
    report = new_report(setu)
    taken_in_setu = ((6.0, 19.0, 12.0), "S"), ((106.0, 54.0, 36.0), "E")

    response = upload(setu, report["id"], "IMG_0001.JPG", jpeg(gps=taken_in_setu, orientation=6))

    assert response.status_code == 201
    photo = response.json
    assert (photo["kind"], photo["content_type"], photo["name"]) == (
        "photo",
        "image/jpeg",
        "IMG_0001.jpg",
    )
    assert (photo["width"], photo["height"]) == (900, 1200)
    row = attachment_row(app, photo["id"])
    image = stored_image(app, row.digest)
    assert image.size == (900, 1200)
    assert dict(image.getexif()) == {}
    thumbnail = stored_image(app, row.thumbnail_digest)
    assert max(thumbnail.size) == 320 and not dict(thumbnail.getexif())
    located = setu.get(f"/api/v1/reports/{report['id']}").json
    assert located["latitude"] == pytest.approx(-6.32)
    assert located["longitude"] == pytest.approx(106.91)
    assert located["location_source"] == "photo"
    assert (
        setu.get(photo["thumbnail_url"]).data
        == open_storage(current_hub(app).settings).open(row.thumbnail_digest).read()
    )


def test_the_form_location_wins_over_exif_and_exif_outside_the_city_is_ignored(app):
    setu = api_client(app, "setu")
    located = new_report(setu, latitude=-6.33, longitude=106.9)
    unlocated = new_report(setu)
    in_manado = ((1.0, 29.0, 0.0), "N"), ((124.0, 50.0, 0.0), "E")

    upload(setu, located["id"], "a.jpg", jpeg(gps=in_manado))
    upload(setu, unlocated["id"], "b.jpg", jpeg(gps=in_manado))

    first = setu.get(f"/api/v1/reports/{located['id']}").json
    second = setu.get(f"/api/v1/reports/{unlocated['id']}").json
    assert (first["latitude"], first["longitude"], first["location_source"]) == (
        -6.33,
        106.9,
        "manual",
    )
    assert (second["latitude"], second["location_source"]) == (None, "")


GOOD_FILES = [
    ("laporan.pdf", PDF_BYTES, "document", "application/pdf"),
    (
        "notulen.docx",
        docx(),
        "document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "daftar hadir.xlsx",
        xlsx(),
        "document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("undangan.odt", odt(), "document", "application/vnd.oasis.opendocument.text"),
    ("lama.doc", OLE2_BYTES, "document", "application/x-ole-storage"),
    ("tanpa nama", PDF_BYTES + b"% tanpa nama\n", "document", "application/pdf"),
    ("peta.png", transparent_png(), "photo", "image/jpeg"),
]
BAD_FILES = [
    ("foto.jpg", PDF_BYTES, 415, "type_mismatch", "like a .jpg file but its content is PDF"),
    ("notulen.xlsx", docx(), 415, "type_mismatch", "its content is Word"),
    ("laporan.pdf", jpeg(), 415, "type_mismatch", "its content is JPEG"),
    ("setup.exe", b"MZ\x90\x00" + bytes(100), 415, "unsupported_type", "is not a photo"),
    ("foto.jpg", b"\xff\xd8\xff\xe0garbage", 415, "unreadable_photo", "cannot be read"),
    ("bom.png", png_claiming(100_000, 100_000), 413, "image_bomb", "image bomb"),
    ("panjang.png", png_claiming(30_000, 10), 413, "image_bomb", "image bomb"),
    ("../../etc/passwd.jpg", jpeg(), 400, "path_in_name", "contains a folder path"),
    # a backslash is escaped in the quoted file name of the multipart header
    ("dokumen\\\\foto.jpg", jpeg(), 400, "path_in_name", "“dokumen\\foto.jpg” contains"),
    ("kosong.pdf", b"", 400, "empty_file", "is empty"),
]


def test_documents_and_photos_are_accepted_by_their_content(app):
    setu = api_client(app, "setu")
    report = new_report(setu)

    for name, content, kind, content_type in GOOD_FILES:
        response = upload(setu, report["id"], name, content)

        assert response.status_code == 201, (name, response.json)
        assert (response.json["kind"], response.json["content_type"]) == (kind, content_type)


def test_each_bad_file_is_refused_and_the_report_keeps_its_other_files(app):
    setu = api_client(app, "setu")
    report = new_report(setu)
    kept = upload(setu, report["id"], "kept.pdf", PDF_BYTES).json

    for name, content, status, code, message in BAD_FILES:
        response = upload(setu, report["id"], name, content)

        error = response.json["error"]
        assert (response.status_code, error["code"], error["field"]) == (status, code, "file")
        assert message in error["message"], name
    after = setu.get(f"/api/v1/reports/{report['id']}").json
    assert [attachment["id"] for attachment in after["attachments"]] == [kept["id"]]
    assert after["title"] == "Kerja bakti RW 03"
    assert setu.get(kept["url"]).data == PDF_BYTES


def test_a_file_over_the_size_limit_is_refused_with_the_limit(make_reports_app, sqlite_url):
    app = make_reports_app(sqlite_url, upload_max_bytes=1024 * 1024)
    setu = api_client(app, "setu")
    report = new_report(setu)
    kept = upload(setu, report["id"], "kept.pdf", PDF_BYTES).json

    response = upload(setu, report["id"], "besar.pdf", PDF_BYTES + bytes(1024 * 1024))

    assert response.status_code == 413
    assert response.json["error"] == {
        "code": "too_large",
        "message": "“besar.pdf” is larger than 1 MB, the most a file may be.",
        "field": "file",
    }
    after = setu.get(f"/api/v1/reports/{report['id']}").json
    assert [attachment["id"] for attachment in after["attachments"]] == [kept["id"]]


def test_sending_the_same_file_again_does_not_double_it(app):
    setu = api_client(app, "setu")
    report = new_report(setu)
    photo = jpeg()

    first = upload(setu, report["id"], "foto.jpg", photo)
    retried = upload(setu, report["id"], "foto.jpg", photo)

    assert (first.status_code, retried.status_code) == (201, 200)
    assert first.json == retried.json
    assert len(setu.get(f"/api/v1/reports/{report['id']}").json["attachments"]) == 1
    with current_hub(app).db.read_session() as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.target_id, AuditEntry.detail).where(
                AuditEntry.action == "report.attach"
            )
        ).all()
    assert [(action, target) for action, target, _detail in entries] == [
        ("report.attach", str(report["id"]))
    ]
    assert entries[0].detail["attachment_id"] == first.json["id"]


def test_an_upload_without_a_file_or_a_csrf_token_is_refused(app):
    setu = api_client(app, "setu")
    report = new_report(setu)

    without_file = setu.post(f"/api/v1/reports/{report['id']}/attachments?lang=en", data={})
    del setu.environ_base["HTTP_X_CSRFTOKEN"]
    without_token = upload(setu, report["id"], "laporan.pdf", PDF_BYTES)

    assert without_file.status_code == 400
    assert without_file.json["error"]["code"] == "missing_file"
    assert without_token.status_code == 400
    assert without_token.json["error"]["code"] == "csrf"
    assert setu.get(f"/api/v1/reports/{report['id']}").json["attachments"] == []


def test_memory_stays_bounded_while_a_large_file_uploads(make_reports_app, sqlite_url, tmp_path):
    app = make_reports_app(sqlite_url, upload_max_bytes=40 * 1024 * 1024)
    setu = api_client(app, "setu")
    report = new_report(setu)
    size = 30 * 1024 * 1024
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.write(PDF_BYTES)
        for _ in range(size // (1024 * 1024)):
            handle.write(bytes(1024 * 1024))

    tracemalloc.start()
    try:
        with big.open("rb") as handle:
            response = setu.post(
                f"/api/v1/reports/{report['id']}/attachments",
                data={"file": (handle, "scan.pdf")},
                content_type="multipart/form-data",
            )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 201
    assert response.json["size"] == Path(big).stat().st_size
    assert peak < size / 10, f"peak {peak / 1e6:.1f} MB while uploading {size / 1e6:.0f} MB"
