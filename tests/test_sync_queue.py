"""Schedules, the scheduler tick and RQ workers, against the real Redis."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from rq import Queue, SimpleWorker
from sample_city import API_KEY_ENV
from sqlalchemy import func, select, update

from hub.models import Record, Source, SyncRun
from hub.models.base import utcnow
from hub.state import current_hub
from hub.sync import jobs
from hub.sync.engine import reap_stale_runs
from hub.sync.scheduler import register_sources, tick

SOURCE = "lights-test"


@pytest.fixture
def sim(serve_streetlights):
    return serve_streetlights(size=60, seed=3)


@pytest.fixture
def app(make_city, database_url, redis_url, sim):
    return make_city(
        database_url, redis_url=redis_url, sources=(sim.source(SOURCE, interval=60, page_size=20),)
    )


def queued(app) -> list[str]:
    return [job.args[0] for job in current_hub(app).queue.jobs]


def test_a_tick_enqueues_each_due_source_once(app):
    hub = current_hub(app)

    assert tick(hub) == [SOURCE]
    assert tick(hub) == []
    assert queued(app) == [SOURCE]
    with hub.db.session() as session:
        next_run = session.scalar(select(Source.next_run_at))
    assert timedelta(seconds=55) < next_run - utcnow() <= timedelta(seconds=60)


def test_two_schedulers_never_enqueue_the_same_run_twice(app):
    hub = current_hub(app)
    other = Queue(hub.settings.queue_name, connection=hub.redis)

    first = tick(hub)
    second = tick(hub, other)

    assert first + second == [SOURCE]
    assert len(hub.queue) == 1


def test_a_sync_that_cannot_be_queued_stays_due(app):
    hub = current_hub(app)
    unreachable = Queue(hub.settings.queue_name, connection=redis.Redis(port=1, retry=None))
    with hub.db.session() as session:
        due_at = session.scalar(select(Source.next_run_at))

    with pytest.raises(redis.ConnectionError):
        tick(hub, unreachable)

    with hub.db.session() as session:
        assert session.scalar(select(Source.next_run_at)) == due_at
    assert tick(hub) == [SOURCE]


def test_a_worker_runs_the_queued_sync(app):
    hub = current_hub(app)
    tick(hub)
    jobs.bind(app)

    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)

    with hub.db.session() as session:
        run = session.scalars(select(SyncRun)).one()
        count = session.scalar(select(func.count()).select_from(Record))
    assert (run.status, run.created, count) == ("succeeded", 60, 60)
    assert run.worker.startswith("rq") or run.worker


def test_failures_back_off_and_success_resets_them(app, sim):
    hub = current_hub(app)
    sim.control("/_sim/faults", {"fail_next": 100})

    started = utcnow()
    for expected in (1, 2):
        hub.engine().run(SOURCE)
        with hub.db.session() as session:
            source = session.scalars(select(Source)).one()
        assert source.consecutive_failures == expected
        assert source.next_run_at >= started + timedelta(seconds=60 * 2 ** (expected - 1))

    sim.control("/_sim/faults", {"reset": True})
    assert hub.engine().run(SOURCE).status == "succeeded"
    with hub.db.session() as session:
        assert session.scalar(select(Source.consecutive_failures)) == 0


def test_disabled_and_removed_sources_are_not_scheduled(app, make_settings, database_url):
    hub = current_hub(app)
    register_sources(hub.db, make_settings(database_url, sources=()))

    assert tick(hub) == []
    with hub.db.session() as session:
        assert session.scalar(select(Source.enabled)) is False


def write_config(path, app, sim) -> None:
    settings = current_hub(app).settings
    path.write_text(
        "[hub]\n"
        f'database_url = "{settings.database_url}"\n'
        f'redis_url = "{settings.redis_url}"\n'
        f'queue_name = "{settings.queue_name}"\n'
        f'instance_path = "{settings.instance_path}"\n'
        f"[sources.{SOURCE}]\n"
        'type = "streetlights"\n'
        f'url = "{sim.url}"\n'
        f'api_key_env = "{API_KEY_ENV}"\n'
        "page_size = 5\n"
    )


def wait_for(condition, timeout: float = 30.0):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"condition not met within {timeout}s")


def test_a_worker_killed_mid_sync_is_reaped_and_the_next_run_resumes_cleanly(
    app, sim, tmp_path, sample_installed
):
    hub = current_hub(app)
    config = tmp_path / "simpul.toml"
    write_config(config, app, sim)
    sim.control("/_sim/faults", {"latency_ms": 150})
    worker = subprocess.Popen(
        [sys.executable, "-m", "hub", "worker"],
        env={**sample_installed, "SIMPUL_CONFIG": str(config)},
    )
    try:
        hub.queue.enqueue("hub.sync.jobs.sync_source", SOURCE)

        def pages_committed():
            with hub.db.session() as session:
                return session.scalar(select(SyncRun.pages).where(SyncRun.status == "running"))

        assert wait_for(lambda: (pages_committed() or 0) >= 3)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    with hub.db.session() as session:
        run = session.scalars(select(SyncRun)).one()
        partial = session.scalar(select(func.count()).select_from(Record))
    assert run.status == "running"
    assert 15 <= partial < 60
    assert hub.engine().run(SOURCE) is None

    with hub.db.session() as session:
        session.execute(update(SyncRun).values(heartbeat_at=utcnow() - timedelta(minutes=10)))
    assert reap_stale_runs(hub.db, hub.settings.run_stale_after) == 1
    sim.control("/_sim/faults", {"reset": True})
    resumed = hub.engine().run(SOURCE)

    assert resumed.status == "succeeded"
    assert resumed.full is False
    assert resumed.unchanged == 0
    with hub.db.session() as session:
        total = session.scalar(select(func.count()).select_from(Record))
        distinct = session.scalar(select(func.count(Record.external_id.distinct())))
    assert total == distinct == 60
    assert resumed.created == 60 - partial
