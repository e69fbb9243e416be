"""The sync engine against the sample streetlight app over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from hub.config import load_settings
from hub.db import Database
from hub.models import Base, Record, RecordError, Source, SyncRun
from hub.models.base import utcnow
from hub.sources import ConfigError
from hub.state import current_hub
from hub.sync.engine import SyncEngine, reap_stale_runs
from hub.sync.health import source_health
from hub.sync.store import PageStore
from hub.testing import run_sync

SOURCE = "lights-test"


@pytest.fixture
def sim(serve_streetlights):
    return serve_streetlights(size=120, seed=7)


@pytest.fixture
def app(make_city, database_url, sim):
    return make_city(database_url, sources=(sim.source(SOURCE, page_size=25),))


def sync(app, **options) -> SyncRun:
    return run_sync(app, SOURCE, **options)


def stored(app) -> dict[str, Record]:
    with current_hub(app).db.session() as session:
        return {r.external_id: r for r in session.scalars(select(Record))}


def source_row(app) -> Source:
    with current_hub(app).db.session() as session:
        return session.scalars(select(Source).filter_by(name=SOURCE)).one()


def health(app):
    with current_hub(app).db.session() as session:
        return source_health(session, source_row(app).id)


def lights(sim) -> dict[str, dict]:
    """Every light the app has now, by id."""
    return {light["id"]: light for light in sim.control("/_sim/lights")}


def test_first_sync_stores_every_light_as_a_record(app, sim):
    run = sync(app)

    assert run.status == "succeeded"
    assert run.counters() == {
        "created": 120,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "errored": 0,
    }
    assert run.pages == 5
    records, listed = stored(app), lights(sim)
    assert set(records) == set(listed)
    for light_id, record in records.items():
        light = listed[light_id]
        assert (record.kind, record.status, record.title) == (
            "streetlight",
            light["status"],
            light["street"],
        )
        assert (record.area_code, record.category) == (light["kelurahan_code"], light["lamp"])
        assert record.payload == light
        assert record.created_at == datetime.fromisoformat(light["installed_at"])
        assert record.created_at.tzinfo is not None
    assert health(app).state == "ok"
    assert health(app).data_as_of == run.started_at


def test_a_sync_with_no_changes_makes_one_request_and_writes_nothing(app):
    sync(app)
    run = sync(app)

    assert run.full is False
    assert run.requests == 1
    assert run.counters() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "errored": 0,
    }


def test_an_incremental_sync_reads_only_what_changed(app, sim):
    sync(app)
    changes = sim.control("/_sim/tick", {"new": 3, "outages": 2})

    run = sync(app)

    assert (run.created, run.updated, run.unchanged) == (3, 2, 0)
    records = stored(app)
    assert len(records) == 123
    assert {records[light_id].status for light_id in changes["out"]} == {"out"}
    assert {records[light_id].status for light_id in changes["installed"]} == {"lit"}


def test_deletions_are_detected_only_by_a_complete_listing(app, sim):
    sync(app)
    deleted = sim.control("/_sim/tick", {"removals": 2})["removed"]

    assert sync(app).deleted == 0
    run = sync(app, full=True)

    assert run.full is True
    assert run.deleted == 2
    assert run.unchanged == 118
    records = stored(app)
    assert {i for i, r in records.items() if r.deleted_at is not None} == set(deleted)
    assert sync(app, full=True).deleted == 0


def test_a_complete_listing_that_fails_is_taken_up_again_by_the_next_run(app, sim):
    sync(app)
    deleted = sim.control("/_sim/tick", {"removals": 2})["removed"]
    sim.control("/_sim/faults", {"garbage_next": 1})

    assert sync(app, full=True).status == "failed"
    assert source_row(app).full_sync_requested is True
    run = sync(app)

    assert (run.status, run.full, run.deleted) == ("succeeded", True, 2)
    assert {i for i, r in stored(app).items() if r.deleted_at is not None} == set(deleted)
    assert source_row(app).full_sync_requested is False
    assert sync(app).full is False


def test_a_bad_record_is_an_error_and_the_run_goes_on(app, sim):
    sim.control("/_sim/faults", {"invalid_next": 1})

    run = sync(app)

    assert run.status == "succeeded"
    assert run.created == 120
    assert run.errored == 2
    with current_hub(app).db.session() as session:
        errors = session.scalars(select(RecordError).order_by(RecordError.id)).all()
    messages = sorted(error.message for error in errors)
    assert messages[0] == "the light has no id"
    assert messages[1] == "unknown area code '99.99.99.9999'"
    assert all(error.stage == "normalize" and error.run_id == run.id for error in errors)
    assert all(error.payload for error in errors)
    assert health(app).state == "degraded"


def test_transient_failures_are_retried_within_the_run(app, sim):
    sim.control("/_sim/faults", {"fail_next": 2, "rate_limit_next": 1, "retry_after": 0})

    run = sync(app)

    assert run.status == "succeeded"
    assert run.created == 120
    assert run.requests == 5 + 3


def test_a_long_retry_after_ends_the_run_and_delays_the_schedule(app, sim):
    sim.control("/_sim/faults", {"rate_limit_next": 1, "retry_after": 900})
    before = utcnow()

    run = sync(app)

    assert run.status == "failed"
    assert run.error_kind == "transient"
    assert "429" in run.error
    source = source_row(app)
    assert source.consecutive_failures == 1
    assert source.next_run_at >= before + timedelta(seconds=900)


def test_a_page_of_malformed_json_is_read_again(app, sim):
    sim.control("/_sim/faults", {"malformed_next": 2})

    run = sync(app)

    assert (run.status, run.created) == ("succeeded", 120)
    assert run.requests == 5 + 2


def test_malformed_json_at_every_attempt_fails_the_run_and_keeps_what_was_stored(app, sim):
    sync(app)
    cursor = source_row(app).cursor
    sim.control("/_sim/tick", {"new": 5})
    sim.control("/_sim/faults", {"malformed_next": 99})

    failed = sync(app)

    assert (failed.status, failed.error_kind, failed.requests) == ("failed", "source", 4)
    assert "malformed JSON" in failed.error
    assert "/api/v1/lights" in failed.error
    assert len(stored(app)) == 120
    assert source_row(app).cursor == cursor
    assert health(app).state == "degraded"
    sim.control("/_sim/faults", {"reset": True})
    assert sync(app).created == 5


def test_json_of_the_wrong_shape_fails_the_run_at_once(app, sim):
    sim.control("/_sim/faults", {"garbage_next": 1})

    failed = sync(app)

    assert (failed.status, failed.error_kind, failed.requests) == ("failed", "source", 1)
    assert "not a listing" in failed.error
    assert sync(app).created == 120


def test_duplicated_and_out_of_order_records_are_stored_once_at_their_latest(app, sim):
    sync(app)
    changed = sim.control("/_sim/tick", {"outages": 10})["out"]
    sim.control("/_sim/faults", {"duplicates": True})

    run = sync(app, full=True)

    assert run.status == "succeeded"
    assert (run.created, run.updated, run.unchanged, run.errored) == (0, 10, 110, 0)
    records, listed = stored(app), lights(sim)
    assert len(changed) == 10
    assert {light_id: record.payload for light_id, record in records.items()} == listed


def test_a_refused_api_key_means_the_source_needs_reauthentication(make_city, database_url, sim):
    app = make_city(database_url, sources=(sim.source(SOURCE, api_key_env="WRONG_KEY"),))

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WRONG_KEY", "not-the-key")
        run = sync(app)

    assert run.status == "failed"
    assert run.error_kind == "auth"
    assert health(app).state == "needs_reauth"


def test_a_missing_secret_fails_the_run_with_a_clear_message(make_city, database_url, sim):
    app = make_city(database_url, sources=(sim.source(SOURCE, api_key_env="UNSET_VARIABLE"),))

    run = sync(app)

    assert run.status == "failed"
    assert run.error_kind == "config"
    assert "environment variable UNSET_VARIABLE is not set" in run.error


def test_only_one_run_per_source_at_a_time(app):
    with current_hub(app).db.session() as session:
        session.add(SyncRun(source_id=source_row(app).id, status="running"))

    assert current_hub(app).engine().run(SOURCE) is None
    assert len(stored(app)) == 0


def test_the_reaper_frees_a_source_whose_worker_died(app):
    with current_hub(app).db.session() as session:
        session.add(
            SyncRun(
                source_id=source_row(app).id,
                status="running",
                heartbeat_at=utcnow() - timedelta(minutes=10),
            )
        )

    assert reap_stale_runs(current_hub(app).db, stale_after=300) == 1
    assert sync(app).status == "succeeded"
    with current_hub(app).db.session() as session:
        statuses = session.scalars(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert statuses == ["abandoned", "succeeded"]


def test_each_next_page_is_normalized_while_the_one_before_is_stored(app, monkeypatch):
    threads = []
    normalize_page = PageStore.normalize_page

    def noted(store, payloads):
        threads.append(threading.current_thread())
        return normalize_page(store, payloads)

    monkeypatch.setattr(PageStore, "normalize_page", noted)
    run = sync(app)

    assert (run.status, run.created, run.pages) == ("succeeded", 120, 5)
    assert len(threads) == 5 and threading.main_thread() not in threads


def test_a_reaped_run_cannot_write_again(app, sim):
    sim.control("/_sim/faults", {"latency_ms": 0})
    engine = current_hub(app).engine()
    original = engine._commit_page
    calls = []

    def reaped_after_first_page(source, run, store, page, normalized):
        if calls:
            with current_hub(app).db.session() as session:
                session.execute(update(SyncRun).values(status="abandoned"))
        calls.append(page)
        original(source, run, store, page, normalized)

    engine._commit_page = reaped_after_first_page
    run = engine.run(SOURCE)

    assert run.status == "failed"
    assert run.error_kind == "lost"
    with current_hub(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 25
        assert session.scalar(select(SyncRun.status)) == "abandoned"


def test_a_source_that_keeps_timing_out_is_retried_then_fails_as_transient(
    make_city, database_url, sim
):
    app = make_city(database_url, retry_attempts=3, sources=(sim.source(SOURCE, timeout=0.2),))
    sim.control("/_sim/faults", {"latency_ms": 1000})

    run = sync(app)

    assert (run.status, run.error_kind, run.requests) == ("failed", "transient", 3)
    assert "ReadTimeout" in run.error
    assert len(stored(app)) == 0
    assert source_row(app).consecutive_failures == 1


def backdate_full_runs(app, hours: float) -> None:
    """Move the start of every complete listing of the source ``hours`` into the past."""
    with current_hub(app).db.session() as session:
        for run in session.scalars(select(SyncRun).where(SyncRun.full)):
            run.started_at -= timedelta(hours=hours)


def test_a_complete_listing_runs_by_itself_when_full_every_has_passed(make_city, database_url, sim):
    every_hour = dataclasses.replace(sim.source(SOURCE, page_size=25), full_every=3600)
    app = make_city(database_url, sources=(every_hour,))
    sync(app)
    deleted = sim.control("/_sim/tick", {"removals": 2})["removed"]
    backdate_full_runs(app, 0.5)

    assert sync(app).full is False
    backdate_full_runs(app, 0.5)
    run = sync(app)

    assert (run.status, run.full, run.deleted) == ("succeeded", True, 2)
    assert {i for i, r in stored(app).items() if r.deleted_at is not None} == set(deleted)
    assert sync(app).full is False


def test_only_a_complete_listing_that_succeeded_counts_for_full_every(make_city, database_url, sim):
    every_hour = dataclasses.replace(sim.source(SOURCE, page_size=25), full_every=3600)
    app = make_city(database_url, sources=(every_hour,))
    sync(app)
    backdate_full_runs(app, 2)
    with current_hub(app).db.session() as session:
        session.add(SyncRun(source_id=source_row(app).id, full=True, status="failed"))

    assert sync(app).full is True


def test_without_full_every_a_complete_listing_runs_only_when_asked(app):
    sync(app)
    backdate_full_runs(app, 24 * 365)

    assert sync(app).full is False


def test_full_every_is_read_with_a_source_s_schedule(tmp_path):
    path = tmp_path / "simpul.toml"
    path.write_text('[sources.a]\ntype = "qlue"\nfull_every = 86400\nurl = "http://x"\n')

    source = load_settings(path, environ={}).source("a")

    assert (source.full_every, source.settings) == (86400, {"url": "http://x"})
    path.write_text('[sources.a]\ntype = "qlue"\nfull_every = -1\n')
    with pytest.raises(ConfigError, match="full_every must be from 0 to 31536000"):
        load_settings(path, environ={})


def test_a_large_sync_has_the_statistics_refreshed_as_it_grows(app, monkeypatch):
    hub = current_hub(app)
    written_when_refreshed = []
    refresh = hub.db.refresh_statistics

    def refreshed() -> list[str]:
        with hub.db.session() as session:
            written_when_refreshed.append(session.scalar(select(func.count(Record.id))))
        return refresh()

    monkeypatch.setattr(SyncEngine, "analyze_after", 30)
    monkeypatch.setattr(hub.db, "refresh_statistics", refreshed)

    assert sync(app).status == "succeeded"

    assert written_when_refreshed == [50, 75, 120]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_postgres_url")


def test_the_tables_changed_since_their_statistics_are_analyzed(empty_database):
    db = Database(empty_database)
    try:
        Base.metadata.create_all(db.engine)
        with db.session() as session:
            session.add(Source(name="lights", type="streetlights"))
        with db.session() as session:
            session.execute(
                insert(Record),
                [
                    {"source_id": 1, "external_id": str(n), "kind": "x", "content_hash": "x"}
                    for n in range(1500)
                ],
            )
        if db.is_sqlite:
            assert db.refresh_statistics() == []
            return
        wait_for_table_statistics(db)

        assert "records" in db.refresh_statistics()
        assert "records" not in db.refresh_statistics()
        with db.engine.connect() as connection:
            analyzed = connection.execute(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'records'")
            ).scalar()
        assert analyzed is not None
    finally:
        db.dispose()


def wait_for_table_statistics(db: Database) -> None:
    """Make this backend's table counters visible to the others (PostgreSQL reports them at
    the end of a transaction, at most once a second)."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_force_next_flush()"))
