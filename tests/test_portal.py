"""The portal's own pages with the sample plugin: the landing page, a plugin's page in the
user's area, the source pages and "sync now", the metadata pages and the error pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from sample_city import CIPAYUNG, KAYU_MANIS, MUNJUL, PISANGAN_BARU, SETU

from hub.models import Record, RecordError, Source, SyncRun, User
from hub.state import current_hub
from hub.testing import PASSWORD, PASSWORD_HASH, add_records, csrf_token


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=data).status_code == 302
    return client


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def light(source: Source, external_id: str, street: str, area_code: str, **values) -> Record:
    defaults = {"kind": "streetlight", "status": "lit", "content_hash": external_id}
    return Record(
        source_id=source.id,
        external_id=external_id,
        title=street,
        area_code=area_code,
        **(defaults | values),
    )


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
    """Five streetlights in two kecamatan, one of them removed."""
    with current_hub(app).db.session() as session:
        lights = Source(name="lights-jaktim", type="streetlights")
        session.add(lights)
        session.flush()
        add_records(
            app,
            session,
            [
                light(lights, "PJU-1", "Jl. Raya Setu No. 1", SETU),
                light(lights, "PJU-2", "Jl. Munjul No. 2", MUNJUL, status="out"),
                light(lights, "PJU-3", "Jl. Pisangan Baru No. 3", PISANGAN_BARU),
                light(lights, "PJU-4", "Jl. Kayu Manis No. 4", KAYU_MANIS, status="flickering"),
                light(lights, "PJU-5", "Jl. Raya Setu No. 5", SETU, deleted_at=utc(2024, 5, 21)),
            ],
        )


@pytest.fixture
def city(make_city, database_url) -> Flask:
    """The English portal with the sample plugin on SQLite and PostgreSQL, users and lights."""
    app = make_city(database_url, language="en")
    add_users(app)
    add_city(app)
    return app


@pytest.fixture
def small_city(make_city, sqlite_url) -> Flask:
    """The same, on SQLite only."""
    app = make_city(sqlite_url, language="en")
    add_users(app)
    add_city(app)
    return app


def test_home_leads_to_the_first_page_of_the_menu(small_city: Flask) -> None:
    client = signed_in(small_city, "admin")

    response = client.get("/")

    assert response.headers["Location"] == "/streetlights/"
    menu = client.get("/sources").text.split('class="menu"')[1].split("</nav>")[0]
    assert menu.index("/streetlights/") < menu.index("/live/") < menu.index("/sources")


def shown_lights(client: FlaskClient) -> list[str]:
    return re.findall(r"<li>(Jl\. [^<(]+) \(", client.get("/streetlights/").text)


def test_a_plugin_page_shows_what_the_users_area_may_read(city: Flask) -> None:
    everything = ["Jl. Raya Setu No. 1", "Jl. Munjul No. 2", "Jl. Pisangan Baru No. 3"]

    assert shown_lights(signed_in(city, "admin")) == [*everything, "Jl. Kayu Manis No. 4"]
    assert shown_lights(signed_in(city, "camat")) == everything[:2]
    assert shown_lights(signed_in(city, "setu")) == everything[:1]
    assert city.test_client().get("/streetlights/").status_code == 302


def add_runs(app: Flask) -> None:
    with current_hub(app).db.session() as session:
        healthy = session.query(Source).filter_by(name="lights-jaktim").one()
        locked_out = Source(name="parks-bekasi", type="parks")
        session.add_all([locked_out, Source(name="water-manado", type="water")])
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
    assert '<span class="badge badge-yellow">Degraded</span>' in cards["lights-jaktim"]
    assert "May 1, 2024 10:00\u202fAM" in cards["lights-jaktim"]
    for label, count in [
        ("Created", 7),
        ("Updated", 2),
        ("Unchanged", 40),
        ("Deleted", 1),
        ("Errors", 3),
    ]:
        assert f"<dt>{label}</dt><dd>{count}</dd>" in cards["lights-jaktim"]
    assert "Succeeded" in cards["lights-jaktim"]
    assert '<span class="badge badge-red">Needs re-authentication</span>' in cards["parks-bekasi"]
    assert "Failed" in cards["parks-bekasi"]
    assert '<span class="badge badge-grey">Unknown</span>' in cards["water-manado"]
    assert "<dd>never</dd>" in cards["water-manado"]
    assert "Sync now" not in page


def test_a_source_page_shows_runs_and_record_errors(small_city: Flask) -> None:
    add_runs(small_city)

    page = signed_in(small_city, "admin").get("/sources/lights-jaktim").text
    operator_page = signed_in(small_city, "operator").get("/sources/lights-jaktim").text

    assert "Latest runs" in page and "Succeeded" in page
    assert "Q-77" in page and "normalize" in page and "latitude is not a number" in page
    assert "<details>" in page and "{&#34;lat&#34;: &#34;north&#34;}" in page
    assert "(1016 more characters)" in page
    assert "latitude is not a number" in operator_page
    assert "&#34;north&#34;" not in operator_page, "payloads may hold personal data: admins only"


def test_source_pages_are_for_operators(small_city: Flask) -> None:
    assert signed_in(small_city, "setu").get("/sources/lights-jaktim").status_code == 403
    assert signed_in(small_city, "admin").get("/sources/unknown").status_code == 404


@pytest.fixture
def queued_city(make_city, sqlite_url, redis_url) -> Flask:
    app = make_city(sqlite_url, language="en", redis_url=redis_url)
    add_users(app)
    add_city(app)
    return app


def queue_of(app: Flask) -> Queue:
    return Queue(
        current_hub(app).settings.queue_name,
        connection=redis.Redis.from_url(current_hub(app).settings.redis_url),
    )


def test_sync_now_queues_a_sync_job(queued_city: Flask) -> None:
    client = signed_in(queued_city, "operator")
    token = csrf_token(client, "/sources")

    response = client.post("/sources/lights-jaktim/sync", data={"csrf_token": token})

    assert response.headers["Location"] == "/sources"
    assert "Sync of lights-jaktim queued" in client.get("/sources").text
    queue = queue_of(queued_city)
    assert queue.count == 1
    job = queue.jobs[0]
    assert (job.func_name, job.args, job.description) == (
        "hub.sync.jobs.sync_source",
        ("lights-jaktim",),
        "sync lights-jaktim",
    )
    assert job.timeout == current_hub(queued_city).settings.run_stale_after * 4


def test_sync_now_is_refused_to_ward_staff_and_without_the_token(queued_city: Flask) -> None:
    staff = signed_in(queued_city, "setu")
    operator = signed_in(queued_city, "operator")

    refused = staff.post(
        "/sources/lights-jaktim/sync", data={"csrf_token": csrf_token(staff, "/sources")}
    )
    tokenless = operator.post("/sources/lights-jaktim/sync")
    unknown = operator.post(
        "/sources/nothing/sync", data={"csrf_token": csrf_token(operator, "/sources")}
    )

    assert (refused.status_code, tokenless.status_code, unknown.status_code) == (403, 400, 404)
    assert "Your account does not have access to this page." in refused.text
    assert queue_of(queued_city).count == 0


def test_plugins_json_lists_every_plugin_without_sign_in(small_city: Flask) -> None:
    plugins = small_city.test_client().get("/-/plugins.json").get_json()

    names = {plugin["name"]: plugin for plugin in plugins}
    assert names["streetlights"] == {
        "name": "streetlights",
        "module": "sample_city",
        "version": "",
        "state": "loaded",
        "hooks": [
            "register_blueprints",
            "register_menu_items",
            "register_record_kinds",
            "register_screens",
            "register_simulators",
            "register_source_types",
            "register_widgets",
        ],
        "last_error": None,
    }
    assert {plugin["state"] for name, plugin in names.items() if name != "streetlights"} == {
        "disabled"
    }
    expected = [info.as_dict() for info in current_hub(small_city).plugins.plugins.values()]
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
    current_hub(app).db.dispose()
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
