"""The complaint pages: the list with its filters and area scope, one complaint, how fresh the
data is, and the feature as the hub lists it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hub.models import Record, Source, SyncRun, User
from hub.state import current_hub
from hub.testing import PASSWORD, PASSWORD_HASH, add_records, csrf_token

SETU, MUNJUL, PISANGAN_BARU = "31.75.10.1005", "31.75.10.1004", "31.75.01.1001"
CIPAYUNG = "31.75.10"


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=data).status_code == 302
    return client


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def complaint(source: Source, external_id: str, title: str, **values) -> Record:
    defaults = {
        "kind": "complaint",
        "status": "open",
        "category": "Sampah",
        "area_code": SETU,
        "created_at": utc(2024, 5, 1, 3),
        "content_hash": external_id,
    }
    return Record(source_id=source.id, external_id=external_id, title=title, **(defaults | values))


def add_users(app: Flask) -> None:
    """One user per role; the password is hashed once for the whole module, to stay fast."""
    users = [
        ("admin", "admin", None),
        ("operator", "operator", None),
        ("camat", "officer", CIPAYUNG),
        ("setu", "ward_staff", SETU),
    ]
    with current_hub(app).db.session() as session:
        session.add_all(
            User(username=name, role=role, area_code=area, password_hash=PASSWORD_HASH)
            for name, role, area in users
        )


def add_city(app: Flask) -> None:
    """Four visible complaints in two kecamatan, one deleted, and one record of another kind.

    "Banjir di Munjul" was made on 11 May 01:00 WIB, which is still 10 May in UTC.
    """
    with current_hub(app).db.session() as session:
        qlue = Source(name="qlue-jaktim", type="qlue")
        session.add(qlue)
        session.flush()
        add_records(
            app,
            session,
            [
                complaint(qlue, "1", "Sampah di Setu", created_at=utc(2024, 5, 1, 3)),
                complaint(
                    qlue,
                    "2",
                    "Banjir di Munjul",
                    status="in_progress",
                    category="Banjir",
                    area_code=MUNJUL,
                    created_at=utc(2024, 5, 10, 18),
                ),
                complaint(
                    qlue,
                    "3",
                    "Sampah di Pisangan",
                    status="resolved",
                    area_code=PISANGAN_BARU,
                    created_at=utc(2024, 5, 20, 3),
                ),
                complaint(
                    qlue,
                    "4",
                    "Jalan rusak di Cipayung",
                    category="Jalan rusak",
                    area_code=CIPAYUNG,
                    created_at=utc(2024, 5, 15, 3),
                ),
                complaint(qlue, "5", "Laporan terhapus", deleted_at=utc(2024, 5, 21)),
                complaint(qlue, "6", "Lowongan kerja", kind="vacancy"),
            ],
        )


@pytest.fixture
def city(make_app, database_url) -> Flask:
    """The English portal on SQLite and PostgreSQL, with users and complaints."""
    app = make_app(database_url, language="en", only=("complaints",))
    add_users(app)
    add_city(app)
    return app


@pytest.fixture
def small_city(make_app, sqlite_url) -> Flask:
    """The same, on SQLite only."""
    app = make_app(sqlite_url, language="en", only=("complaints",))
    add_users(app)
    add_city(app)
    return app


ALL = ["Sampah di Pisangan", "Jalan rusak di Cipayung", "Banjir di Munjul", "Sampah di Setu"]


def listed(client: FlaskClient, **args: str) -> list[str]:
    page = client.get(f"/complaints?{urlencode(args)}").get_data(as_text=True)
    return re.findall(r'class="title" href="/complaints/\d+">([^<]+)<', page)


def test_home_leads_to_the_complaints(small_city: Flask) -> None:
    response = signed_in(small_city, "admin").get("/")

    assert response.headers["Location"] == "/complaints"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ALL),
        ({"status": "open"}, ["Jalan rusak di Cipayung", "Sampah di Setu"]),
        ({"category": "Sampah"}, ["Sampah di Pisangan", "Sampah di Setu"]),
        (
            {"kecamatan": CIPAYUNG},
            ["Jalan rusak di Cipayung", "Banjir di Munjul", "Sampah di Setu"],
        ),
        ({"kelurahan": SETU}, ["Sampah di Setu"]),
        ({"kecamatan": CIPAYUNG, "kelurahan": MUNJUL}, ["Banjir di Munjul"]),
        (
            {"from": "2024-05-11", "to": "2024-05-15"},
            ["Jalan rusak di Cipayung", "Banjir di Munjul"],
        ),
        ({"to": "2024-05-10"}, ["Sampah di Setu"]),
        (
            {"status": "open", "kecamatan": CIPAYUNG, "from": "2024-05-02"},
            ["Jalan rusak di Cipayung"],
        ),
    ],
)
def test_complaint_filters(city: Flask, args: dict[str, str], expected: list[str]) -> None:
    assert listed(signed_in(city, "admin"), **args) == expected


def test_the_filters_offer_what_the_complaints_have(city: Flask) -> None:
    page = signed_in(city, "admin").get(f"/complaints?kecamatan={CIPAYUNG}").text

    assert re.findall(r"<option >([^<]+)</option>", page) == ["Banjir", "Jalan rusak", "Sampah"]
    assert '<option value="31.75.01" >Matraman</option>' in page
    assert f'<option value="{CIPAYUNG}" selected>Cipayung</option>' in page
    assert f'<option value="{SETU}" >Setu</option>' in page
    assert PISANGAN_BARU not in page
    assert '<option value="in_progress" >In process</option>' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "2024-13-01"}, "“2024-13-01” is not a date: write the start date as YYYY-MM-DD"),
        ({"to": "yesterday"}, "“yesterday” is not a date: write the end date as YYYY-MM-DD"),
        ({"from": "2024-05-20", "to": "2024-05-01"}, "The start date is after the end date."),
        ({"status": "lost"}, "Unknown status “lost”."),
        ({"kecamatan": "31.75.99"}, "Unknown kecamatan “31.75.99”."),
        ({"kecamatan": CIPAYUNG, "kelurahan": PISANGAN_BARU}, "not in the chosen kecamatan"),
        ({"page": "two"}, "The page must be a whole number from 1, not “two”."),
    ],
)
def test_a_bad_filter_value_is_explained(small_city: Flask, args: dict, message: str) -> None:
    response = signed_in(small_city, "admin").get(f"/complaints?{urlencode(args)}")

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_complaints_are_paginated_newest_first(make_app, sqlite_url) -> None:
    app = make_app(sqlite_url, language="en", only=("complaints",))
    add_users(app)
    with current_hub(app).db.session() as session:
        source = Source(name="qlue", type="qlue")
        session.add(source)
        session.flush()
        add_records(
            app,
            session,
            (
                complaint(
                    source,
                    str(day),
                    f"Laporan {day:02d}",
                    created_at=utc(2024, 1, 1 + day % 28, day % 24),
                )
                for day in range(55)
            ),
        )
    client = signed_in(app, "admin")

    first, second = listed(client), listed(client, page="2")

    assert (len(first), len(second)) == (50, 5)
    assert first[0] == "Laporan 27" and second[-1] == "Laporan 00"
    assert "Page 2 of 2" in client.get("/complaints?page=9").text


def test_ward_staff_see_only_their_kelurahan(city: Flask) -> None:
    client = signed_in(city, "setu")

    assert listed(client) == ["Sampah di Setu"]
    assert listed(client, kecamatan=CIPAYUNG) == ["Sampah di Setu"]
    assert MUNJUL not in client.get("/complaints").text


def test_an_officer_sees_their_kecamatan(city: Flask) -> None:
    assert listed(signed_in(city, "camat")) == [
        "Jalan rusak di Cipayung",
        "Banjir di Munjul",
        "Sampah di Setu",
    ]


def record_id(app: Flask, external_id: str) -> int:
    with current_hub(app).db.session() as session:
        return session.query(Record.id).filter(Record.external_id == external_id).scalar()


def test_ward_staff_cannot_open_another_kelurahan_complaint(city: Flask) -> None:
    client = signed_in(city, "setu")

    assert client.get(f"/complaints/{record_id(city, '1')}").status_code == 200
    response = client.get(f"/complaints/{record_id(city, '2')}")
    assert response.status_code == 404
    assert "This page does not exist, or it is outside your area." in response.text


def test_deleted_complaints_and_other_kinds_are_not_found(small_city: Flask) -> None:
    client = signed_in(small_city, "admin")

    assert client.get(f"/complaints/{record_id(small_city, '5')}").status_code == 404
    assert client.get(f"/complaints/{record_id(small_city, '6')}").status_code == 404
    assert client.get("/complaints/999999").status_code == 404


def detailed(app: Flask, photo_url: str) -> int:
    with current_hub(app).db.session() as session:
        record = session.get(Record, record_id(app, "1"))
        record.latitude, record.longitude = -6.3306, 106.9061
        record.updated_at = utc(2024, 5, 2, 9, 30)
        record.attributes = {
            "description": "Sampah menumpuk di pinggir jalan.",
            "photo_url": photo_url,
            "address": "Jl. Setu Cipayung",
        }
        record.payload = {"post_id": "Q-1", "secret_note": "raw"}
        return record.id


def test_the_complaint_page_shows_the_whole_complaint(small_city: Flask) -> None:
    complaint_id = detailed(small_city, "https://cdn.qlue.example/1.jpg")

    page = signed_in(small_city, "admin").get(f"/complaints/{complaint_id}").text

    for expected in [
        "Sampah di Setu",
        '<span class="badge badge-red">Waiting</span>',
        "Sampah",
        "Setu, Cipayung",
        "-6.330600, 106.906100",
        "Jl. Setu Cipayung",
        "Sampah menumpuk di pinggir jalan.",
        "May 1, 2024",
        "10:00\u202fAM",
        "May 2, 2024",
        "4:30\u202fPM",
        "qlue-jaktim · 1",
        "<details>",
        "&#34;secret_note&#34;: &#34;raw&#34;",
    ]:
        assert expected in page
    assert 'src="https://cdn.qlue.example' not in page  # only the hub's copy is ever shown


def test_raw_payloads_are_for_operators_and_photos_must_be_web_links(small_city: Flask) -> None:
    complaint_id = detailed(small_city, "javascript:alert(1)")

    page = signed_in(small_city, "setu").get(f"/complaints/{complaint_id}").text

    assert "Sampah menumpuk" in page
    assert "secret_note" not in page
    assert "javascript:" not in page


def add_run(app: Flask) -> None:
    """A finished sync of the complaints' source, so the list can say how fresh its data is."""
    with current_hub(app).db.session() as session:
        source = session.query(Source).filter_by(name="qlue-jaktim").one()
        session.add(
            SyncRun(
                source_id=source.id,
                status="succeeded",
                started_at=utc(2024, 5, 1, 3),
                finished_at=utc(2024, 5, 1, 3, 2),
            )
        )


def test_the_complaints_page_says_how_fresh_the_data_is(small_city: Flask) -> None:
    add_run(small_city)

    page = signed_in(small_city, "setu").get("/complaints").text

    assert "qlue-jaktim:" in page
    assert "Data as of May 1, 2024 10:00\u202fAM" in page


def test_plugins_json_lists_the_feature_as_a_plugin_of_the_hub(small_city: Flask) -> None:
    plugins = small_city.test_client().get("/-/plugins.json").get_json()

    names = {plugin["name"]: plugin for plugin in plugins}
    assert names["complaints"] == {
        "name": "complaints",
        "module": "features.complaints.plugin",
        "version": "0.1.0",
        "state": "loaded",
        "hooks": [
            "records_changed",
            "register_agencies",
            "register_blueprints",
            "register_commands",
            "register_menu_items",
            "register_migrations",
            "register_periodic_tasks",
            "register_record_kinds",
            "register_screens",
            "register_settings",
            "register_widgets",
        ],
        "last_error": None,
    }


@pytest.mark.parametrize("path", ["/complaints", "/complaints/1"])
def test_complaint_pages_need_sign_in(small_city: Flask, path: str) -> None:
    response = small_city.test_client().get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_complaint_statuses_and_times_are_in_indonesian(make_app, sqlite_url) -> None:
    app = make_app(sqlite_url, only=("complaints",))
    add_users(app)

    page = signed_in(app, "admin").get("/complaints").text

    for label in ["Pengaduan", "Menunggu", "Diproses", "Selesai", "Kecamatan", "Kelurahan"]:
        assert label in page
    assert "Waktu ditampilkan dalam Waktu Indonesia Barat (WIB)." in page
