"""The ``open311`` source type: syncing the simulated Manado server, and the hub's own API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from flask import Flask, Response
from sqlalchemy import create_engine, func, select

from features.complaints.models import ComplaintCase, ComplaintEvent
from features.open311.addresses import find_village
from features.open311.connector import Open311Connector
from features.open311.keys import create_key
from features.open311.normalize import CITY_KEY, city_places, normalize_request
from features.open311.plugin import API_KEY_ENV, register_simulators, register_source_types
from features.open311.simulator import DEMO_API_KEY, create_app
from hub.areas import AreaDirectory
from hub.models import Base, Record, RecordError
from hub.simulators import RunningServer
from hub.sources import ConfigError, SourceSettings
from hub.state import current_hub
from hub.sync.connector import InvalidRecord, SourceError
from hub.testing import run_sync

AREAS = AreaDirectory()
SIZE = 60
SOURCE = "manado"
ON_CASE = ComplaintCase.record_id == Record.id


@pytest.fixture
def serve() -> Iterator[Callable[..., RunningServer]]:
    with ExitStack() as stack:

        def start(app: Flask) -> RunningServer:
            return stack.enter_context(RunningServer(app))

        yield start


@pytest.fixture
def simulator(serve, monkeypatch) -> RunningServer:
    monkeypatch.setenv(API_KEY_ENV, DEMO_API_KEY)
    return serve(create_app(AREAS, seed=7, size=SIZE))


def control(server: RunningServer, path: str, body: dict) -> dict:
    response = httpx.post(server.url + path, json=body, headers={"X-API-Key": DEMO_API_KEY})
    response.raise_for_status()
    return response.json()


def source(url: str, **overrides) -> SourceSettings:
    """A source reading the GeoReport v2 API of the server at ``url``, in small windows."""
    settings = {
        "url": f"{url}/open311/v2",
        "city": "71.71",
        "start_date": (date.today() - timedelta(days=90)).isoformat(),
        "window_by": "updated",
        "window_days": 20,
        "page_size": 25,
        **overrides,
    }
    return SourceSettings(SOURCE, "open311", 300, True, settings)


def simulated(url: str, **overrides) -> SourceSettings:
    return source(url, api_key_env=API_KEY_ENV, **overrides)


def count(app: Flask, model, *where) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_simulator_is_seeded_and_checks_its_controls():
    reference = datetime(2026, 11, 1, tzinfo=UTC)
    apps = [create_app(AREAS, seed=seed, size=20, reference=reference) for seed in (3, 3, 4)]
    headers = {"X-API-Key": DEMO_API_KEY}
    since = {"start_date": "2026-08-01T00:00:00Z"}
    listings = [
        app.test_client().get("/open311/v2/requests.json", query_string=since, headers=headers)
        for app in apps
    ]
    client = apps[0].test_client()

    assert listings[0].get_json() == listings[1].get_json() != listings[2].get_json()
    assert len(listings[0].get_json()) == 20
    manado = city_places(AREAS, "71.71")
    assert all(find_village(r["address"], manado) for r in listings[0].json)
    assert client.get("/open311/v2/services.json").get_json() == [
        {"code": 403, "description": "api_key is missing or wrong"}
    ]
    assert client.post("/_sim/tick", json={"new": -1}, headers=headers).status_code == 400
    assert client.post("/_sim/tick", json=[1], headers=headers).status_code == 400
    assert client.post("/_sim/faults", json={"boom": 1}, headers=headers).status_code == 400
    slow = client.post("/_sim/faults", json={"reset": True, "latency_ms": 5}, headers=headers)
    assert slow.json["latency_ms"] == 5
    ticked = client.post("/_sim/tick", json={"new": 2, "updates": 1}, headers=headers).json
    assert (len(ticked["created"]), len(ticked["updated"]), ticked["total"]) == (2, 1, 22)


def test_a_complete_listing_reads_every_window_and_page(make_app, database_url, simulator):
    demo = register_simulators(SimpleNamespace(areas=AREAS))[0].source_settings(simulator.url)
    settings = {**demo, "window_days": 20, "page_size": 25}
    app = make_app(database_url, sources=(SourceSettings(SOURCE, "open311", 300, True, settings),))

    run = run_sync(app, SOURCE)

    assert (run.status, run.created, run.errored) == ("succeeded", SIZE, 0), run.error
    assert run.requests >= 5
    with current_hub(app).db.read_session() as session:
        rows = session.execute(select(Record, ComplaintCase).join(ComplaintCase, ON_CASE)).all()
    assert len(rows) == SIZE
    assert all(record.area_code.startswith("71.71.") for record, _ in rows)
    assert {record.status for record, _ in rows} == {"open", "resolved", "closed"}
    for record, _ in rows:
        if record.attributes.get("source_status") == "closed":
            not_ours = "Bukan kewenangan" in record.attributes["status_notes"]
            assert record.status == ("closed" if not_ours else "resolved")
    record, case = next((record, case) for record, case in rows if record.category == "Sampah")
    assert (case.agency_code, case.area_code) == ("dlh", record.area_code)
    closed = next(record for record, _ in rows if record.status == "resolved")
    assert closed.attributes["status_notes"] and closed.attributes["source_status"] == "closed"


def test_the_next_run_reads_only_what_changed(make_app, database_url, simulator):
    app = make_app(database_url, sources=(simulated(simulator.url),))
    run_sync(app, SOURCE)
    changes = control(simulator, "/_sim/tick", {"new": 3, "updates": 4})

    again = run_sync(app, SOURCE)

    assert (again.created, again.updated, again.errored) == (3, 4, 0)
    assert again.requests == 1
    with current_hub(app).db.read_session() as session:
        statuses = session.execute(
            select(Record.status, ComplaintCase.status)
            .join(ComplaintCase, ON_CASE)
            .where(Record.external_id.in_(changes["updated"]))
        ).all()
    assert all(record == case for record, case in statuses)


def test_windows_by_request_time_reread_the_last_window(make_app, sqlite_url, simulator):
    sources = (simulated(simulator.url, window_by="requested", window_days=60),)
    app = make_app(sqlite_url, sources=sources)
    first = run_sync(app, SOURCE)
    control(simulator, "/_sim/tick", {"new": 2, "updates": 2})

    again = run_sync(app, SOURCE)

    assert (first.created, first.errored) == (SIZE, 0)
    assert (again.created, again.updated, again.unchanged) == (2, 2, SIZE - 2)


def test_bad_requests_are_record_errors_and_the_run_goes_on(make_app, sqlite_url, simulator):
    app = make_app(sqlite_url, sources=(simulated(simulator.url),))
    control(simulator, "/_sim/faults", {"invalid_next": 1})

    run = run_sync(app, SOURCE)

    assert (run.status, run.created, run.errored) == ("succeeded", SIZE, 2)
    with current_hub(app).db.read_session() as session:
        messages = sorted(session.scalars(select(RecordError.message)))
    assert messages == [
        "request has no service_request_id",
        "unknown status 'pending' (expected open, closed)",
    ]


def test_server_errors_and_rate_limits_are_retried(make_app, sqlite_url, simulator):
    app = make_app(sqlite_url, sources=(simulated(simulator.url),))
    control(simulator, "/_sim/faults", {"fail_next": 1, "rate_limit_next": 1, "retry_after": 0})

    run = run_sync(app, SOURCE)

    assert (run.status, run.created) == ("succeeded", SIZE)


def test_a_garbage_body_fails_the_run_and_keeps_what_is_stored(make_app, database_url, simulator):
    app = make_app(database_url, sources=(simulated(simulator.url),))
    run_sync(app, SOURCE)
    control(simulator, "/_sim/tick", {"new": 2})

    for fault, message in (
        ("html_next", "answered HTML, not JSON"),
        ("malformed_next", "malformed"),
        ("garbage_next", "answered a JSON dict, expected a list"),
    ):
        control(simulator, "/_sim/faults", {"reset": True, fault: 99})
        failed = run_sync(app, SOURCE)

        assert (failed.status, failed.error_kind) == ("failed", "source")
        assert message in failed.error
        assert count(app, Record, Record.deleted_at.is_(None)) == SIZE
    control(simulator, "/_sim/faults", {"reset": True})
    recovered = run_sync(app, SOURCE)
    assert (recovered.status, recovered.created) == ("succeeded", 2)


def test_a_wrong_key_needs_re_authentication_and_is_never_shown(
    make_app, sqlite_url, simulator, monkeypatch
):
    monkeypatch.setenv(API_KEY_ENV, "stolen-key")
    app = make_app(sqlite_url, sources=(simulated(simulator.url),))

    run = run_sync(app, SOURCE)

    assert (run.status, run.error_kind) == ("failed", "auth")
    assert "stolen-key" not in run.error


def test_a_server_answering_xml_or_ignoring_pages_is_a_clear_error(serve):
    server = Flask("misbehaving")

    @server.get("/xml/<path:_path>")
    def xml(_path: str) -> Response:
        return Response("<service_requests></service_requests>", mimetype="text/xml")

    @server.get("/unpaged/<path:_path>")
    def unpaged(_path: str) -> Response:
        return Response('[{"service_request_id": "1"}, {"service_request_id": "2"}]')

    running = serve(server)

    with pytest.raises(SourceError, match="answered XML, not JSON"):
        connector(f"{running.url}/xml").fetch_page(None)
    paging = connector(f"{running.url}/unpaged", page_size=2)
    first = paging.fetch_page(None)
    assert first.has_more
    with pytest.raises(SourceError, match="ignores the page parameter"):
        paging.fetch_page(first.next_cursor)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"city": "71.71.04"}, "city '71.71.04' is not a regency code"),
        ({"start_date": "last year"}, "start_date must be a day"),
        ({"window_by": "created"}, "window_by must be requested or updated"),
        ({"window_days": 0}, re.escape("setting 'window_days' must be from 1 to 366 (got 0)")),
        ({"page_size": 1001}, re.escape("setting 'page_size' must be from 1 to 1000 (got 1001)")),
    ],
)
def test_unusable_settings_are_config_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        connector("http://127.0.0.1:9", **overrides)


def test_normalizing_checks_each_field():
    base = {
        "service_request_id": 17,
        "status": "Closed",
        "service_code": "got",
        "requested_datetime": "2026-11-20T09:00:00+08:00",
        "address": "Jl. Sarapung 2, Kel. Wenang Utara, Kec. Wenang",
        "lat": "1.49",
        "long": 124.84,
        CITY_KEY: "71.71",
    }

    record = normalize_request(AREAS, base)

    assert (record.external_id, record.status, record.category) == ("17", "resolved", "got")
    assert record.area_code == "71.71.04.1005"
    assert (record.latitude, record.longitude) == (1.49, 124.84)
    assert record.created_at == record.updated_at == datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert normalize_request(AREAS, {**base, CITY_KEY: "31.75"}).area_code is None
    for changes, message in [
        ({"status": "pending"}, "unknown status 'pending'"),
        ({"service_request_id": " "}, "no service_request_id"),
        ({"service_code": None}, "neither service_name nor service_code"),
        ({"requested_datetime": "2026-11-20T09:00:00"}, "has no time zone"),
        ({"updated_datetime": "kemarin"}, "is not an ISO 8601 time"),
        ({"lat": 95}, "lat 95 is not a number from -90 to 90"),
    ]:
        with pytest.raises(InvalidRecord, match=message):
            normalize_request(AREAS, {**base, **changes})


def test_the_hub_reads_another_hubs_open311_api(make_app, database_url, serve, tmp_path):
    city_hall = make_app(database_url)
    with current_hub(city_hall).db.session() as session:
        key = create_key(session, "kecamatan-hub")
    submitted = [submit(city_hall, key, code) for code in ("sampah", "banjir", "jalan-rusak")]
    with current_hub(city_hall).db.session() as session:
        session.get(ComplaintCase, submitted[0]).status = "resolved"
        session.add(ComplaintEvent(record_id=submitted[0], action="answer", note="Sudah diangkut."))
    served = serve(city_hall)
    reader = make_app(empty_sqlite(tmp_path), sources=(source(served.url),))

    first = run_sync(reader, SOURCE)
    submit(city_hall, key, "pohon-tumbang")
    second = run_sync(reader, SOURCE)

    assert (first.status, first.created, second.created, second.errored) == ("succeeded", 3, 1, 0)
    with current_hub(reader).db.read_session() as session:
        records = {r.external_id: r for r in session.scalars(select(Record))}
        cases = {c.record_id: c for c in session.scalars(select(ComplaintCase))}
    answered = records[str(submitted[0])]
    assert (answered.status, answered.attributes["status_notes"]) == ("resolved", "Sudah diangkut.")
    assert {r.category for r in records.values()} == {
        "Sampah",
        "Banjir",
        "Jalan rusak",
        "Pohon tumbang",
    }
    assert {r.area_code for r in records.values()} == {"71.71.06.1001"}
    assert cases[records[str(submitted[1])].id].agency_code == "dsda"


def submit(app: Flask, key: str, code: str) -> int:
    response = app.test_client().post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": code,
            "description": f"Laporan {code} dari warga.",
            "address_string": "Jl. Bethesda 3, Sario Utara, Sario, Manado",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()[0]["service_request_id"])


def empty_sqlite(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'reader.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def connector(url: str, **overrides) -> Open311Connector:
    (source_type,) = register_source_types(SimpleNamespace(areas=AREAS))
    settings = {
        "url": url,
        "city": "71.71",
        "start_date": (date.today() - timedelta(days=3)).isoformat(),
        "window_days": 30,
        "page_size": 100,
        "window_by": "requested",
        **overrides,
    }
    return source_type.connect(source_type.validate("test", settings))
