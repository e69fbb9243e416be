"""The portal pages: complaints with filters and area scope, sources, sync now, metadata."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue

from hub.app import state
from hub.models import Record, RecordError, Source, SyncRun, User
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
    with state(app).db.session() as session:
        session.add_all(
            User(username=name, role=role, area_code=area, password_hash=PASSWORD_HASH)
            for name, role, area in users
        )


def add_city(app: Flask) -> None:
    """Four visible complaints in two kecamatan, one deleted, and one record of another kind.

    "Banjir di Munjul" was made on 11 May 01:00 WIB, which is still 10 May in UTC.
    """
    with state(app).db.session() as session:
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
    app = make_app(database_url, language="en")
    add_users(app)
    add_city(app)
    return app


@pytest.fixture
def small_city(make_app, sqlite_url) -> Flask:
    """The same, on SQLite only."""
    app = make_app(sqlite_url, language="en")
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
    app = make_app(sqlite_url, language="en")
    add_users(app)
    with state(app).db.session() as session:
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
    with state(app).db.session() as session:
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
    with state(app).db.session() as session:
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
        'src="https://cdn.qlue.example/1.jpg"',
        "May 1, 2024",
        "10:00\u202fAM",
        "May 2, 2024",
        "4:30\u202fPM",
        "qlue-jaktim · 1",
        "<details>",
        "&#34;secret_note&#34;: &#34;raw&#34;",
    ]:
        assert expected in page


def test_raw_payloads_are_for_operators_and_photos_must_be_web_links(small_city: Flask) -> None:
    complaint_id = detailed(small_city, "javascript:alert(1)")

    page = signed_in(small_city, "setu").get(f"/complaints/{complaint_id}").text

    assert "Sampah menumpuk" in page
    assert "secret_note" not in page
    assert "javascript:" not in page


def add_runs(app: Flask) -> None:
    with state(app).db.session() as session:
        healthy = session.query(Source).filter_by(name="qlue-jaktim").one()
        locked_out = Source(name="crm-tangerang", type="crm")
        session.add_all([locked_out, Source(name="siap-manado", type="siap")])
        session.flush()
        run = SyncRun(
            source_id=healthy.id,
            status="succeeded",
            started_at=utc(2024, 5, 1, 3),
            finished_at=utc(2024, 5, 1, 3, 2),
            created=7,
            updated=2,
            unchanged=40,
            deleted=1,
            errored=3,
        )
        session.add_all(
            [
                run,
                SyncRun(
                    source_id=locked_out.id,
                    status="failed",
                    started_at=utc(2024, 5, 1, 4),
                    finished_at=utc(2024, 5, 1, 4, 1),
                    error="401 Unauthorized",
                    error_kind="auth",
                ),
            ]
        )
        session.flush()
        session.add(
            RecordError(
                run_id=run.id,
                source_id=healthy.id,
                external_id="Q-77",
                stage="normalize",
                message="latitude is not a number",
                payload='{"lat": "north"}' + "x" * 3000,
            )
        )


def test_the_sources_page_shows_health_counters_and_data_as_of(small_city: Flask) -> None:
    add_runs(small_city)

    page = signed_in(small_city, "camat").get("/sources").text

    cards = dict(re.findall(r'class="title"[^>]*>([^<]+)<(.*?)</li>', page, re.S))
    assert '<span class="badge badge-yellow">Degraded</span>' in cards["qlue-jaktim"]
    assert "May 1, 2024 10:00\u202fAM" in cards["qlue-jaktim"]
    for label, count in [
        ("Created", 7),
        ("Updated", 2),
        ("Unchanged", 40),
        ("Deleted", 1),
        ("Errors", 3),
    ]:
        assert f"<dt>{label}</dt><dd>{count}</dd>" in cards["qlue-jaktim"]
    assert "Succeeded" in cards["qlue-jaktim"]
    assert '<span class="badge badge-red">Needs re-authentication</span>' in cards["crm-tangerang"]
    assert "Failed" in cards["crm-tangerang"]
    assert '<span class="badge badge-grey">Unknown</span>' in cards["siap-manado"]
    assert "<dd>never</dd>" in cards["siap-manado"]
    assert "Sync now" not in page


def test_the_complaints_page_says_how_fresh_the_data_is(small_city: Flask) -> None:
    add_runs(small_city)

    page = signed_in(small_city, "setu").get("/complaints").text

    assert "qlue-jaktim:" in page
    assert "Data as of May 1, 2024 10:00\u202fAM" in page


def test_a_source_page_shows_runs_and_record_errors(small_city: Flask) -> None:
    add_runs(small_city)

    page = signed_in(small_city, "admin").get("/sources/qlue-jaktim").text
    operator_page = signed_in(small_city, "operator").get("/sources/qlue-jaktim").text

    assert "Latest runs" in page and "Succeeded" in page
    assert "Q-77" in page and "normalize" in page and "latitude is not a number" in page
    assert "<details>" in page and "{&#34;lat&#34;: &#34;north&#34;}" in page
    assert "(1016 more characters)" in page
    assert "latitude is not a number" in operator_page
    assert "&#34;north&#34;" not in operator_page, "payloads may hold personal data: admins only"


def test_source_pages_are_for_operators(small_city: Flask) -> None:
    assert signed_in(small_city, "setu").get("/sources/qlue-jaktim").status_code == 403
    assert signed_in(small_city, "admin").get("/sources/unknown").status_code == 404


@pytest.fixture
def queued_city(make_app, sqlite_url, redis_url) -> Flask:
    app = make_app(sqlite_url, language="en", redis_url=redis_url)
    add_users(app)
    add_city(app)
    return app


def queue_of(app: Flask) -> Queue:
    return Queue(
        state(app).settings.queue_name,
        connection=redis.Redis.from_url(state(app).settings.redis_url),
    )


def test_sync_now_queues_a_sync_job(queued_city: Flask) -> None:
    client = signed_in(queued_city, "operator")
    token = csrf_token(client, "/sources")

    response = client.post("/sources/qlue-jaktim/sync", data={"csrf_token": token})

    assert response.headers["Location"] == "/sources"
    assert "Sync of qlue-jaktim queued" in client.get("/sources").text
    queue = queue_of(queued_city)
    assert queue.count == 1
    job = queue.jobs[0]
    assert (job.func_name, job.args, job.description) == (
        "hub.sync.jobs.sync_source",
        ("qlue-jaktim",),
        "sync qlue-jaktim",
    )
    assert job.timeout == state(queued_city).settings.run_stale_after * 4


def test_sync_now_is_refused_to_ward_staff_and_without_the_token(queued_city: Flask) -> None:
    staff = signed_in(queued_city, "setu")
    operator = signed_in(queued_city, "operator")

    refused = staff.post(
        "/sources/qlue-jaktim/sync", data={"csrf_token": csrf_token(staff, "/sources")}
    )
    tokenless = operator.post("/sources/qlue-jaktim/sync")
    unknown = operator.post(
        "/sources/nothing/sync", data={"csrf_token": csrf_token(operator, "/sources")}
    )

    assert (refused.status_code, tokenless.status_code, unknown.status_code) == (403, 400, 404)
    assert "Your account does not have access to this page." in refused.text
    assert queue_of(queued_city).count == 0


def test_plugins_json_lists_every_plugin_without_sign_in(small_city: Flask) -> None:
    plugins = small_city.test_client().get("/-/plugins.json").get_json()

    names = {plugin["name"]: plugin for plugin in plugins}
    assert names["hub.complaints"] == {
        "name": "hub.complaints",
        "module": "hub.complaints",
        "version": "",
        "state": "loaded",
        "hooks": [
            "records_changed",
            "register_blueprints",
            "register_menu_items",
            "register_record_kinds",
        ],
        "last_error": None,
    }
    expected = [info.as_dict() for info in state(small_city).hub.plugins.plugins.values()]
    assert plugins == expected


def test_health_reports_the_database_and_redis(small_city: Flask) -> None:
    response = small_city.test_client().get("/-/health")

    assert (response.status_code, response.get_json()) == (
        200,
        {"status": "ok", "database": "ok", "redis": "ok"},
    )


def test_health_is_degraded_without_redis_and_an_error_without_the_database(
    make_app, sqlite_url, tmp_path
) -> None:
    app = make_app(sqlite_url, redis_url="redis://127.0.0.1:1/0")

    degraded = app.test_client().get("/-/health")
    state(app).db.dispose()
    (tmp_path / "hub.db").unlink()
    (tmp_path / "hub.db").mkdir()
    failed = app.test_client().get("/-/health")

    assert (degraded.status_code, degraded.get_json()) == (
        200,
        {"status": "degraded", "database": "ok", "redis": "unreachable"},
    )
    assert (failed.status_code, failed.get_json()["database"]) == (503, "unreachable")


def test_error_pages_use_the_portal_style(small_city: Flask) -> None:
    response = signed_in(small_city, "admin").get("/no/such/page")

    assert response.status_code == 404
    assert "simpul.css" in response.text and "Not found" in response.text


def test_a_form_field_with_an_unreadable_name_is_a_bad_request(small_city: Flask) -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="a\rb"\r\n\r\nx\r\n--b--\r\n'

    response = small_city.test_client().post(
        "/login", data=body, content_type="multipart/form-data; boundary=b"
    )

    assert response.status_code == 400


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(make_app, sqlite_url) -> None:
    app = make_app(sqlite_url, upload_max_bytes=1000)
    limit = app.config["MAX_CONTENT_LENGTH"]

    response = app.test_client().post(
        "/login", data=b"x" * (limit + 1), content_type="application/octet-stream"
    )

    assert response.status_code == 413
