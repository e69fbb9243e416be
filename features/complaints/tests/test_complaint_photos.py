"""The citizens' photos: copied from the source app by the workers into the hub's file store,
served from there to those who may see the complaint, and said to be missing, with the reason,
when they cannot be had; tried again only when the failure may pass."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from flask import Flask, Response, redirect, request
from PIL import Image
from rq import Queue, SimpleWorker
from sqlalchemy import func, insert, select, update

from features.complaints import photos
from features.complaints.models import ComplaintCase, ComplaintPhoto
from hub import migrate
from hub.app import load_plugins
from hub.config import Settings
from hub.db import Database
from hub.models import Record, Source
from hub.models.base import utcnow
from hub.simulators import RunningServer
from hub.sources import ConfigError
from hub.state import Hub, current_hub
from hub.storage import open_storage
from hub.sync import jobs
from hub.sync.scheduler import tick
from hub.sync.store import RecordChange
from hub.testing import run_sync

SOURCE = "qlue-photos"
SIZE = 4
COPY_JOB = "features.complaints.jobs.copy_photo"


@pytest.fixture
def sim(serve_simulator):
    return serve_simulator("qlue", size=SIZE, seed=11)


@pytest.fixture
def app(make_app, database_url, redis_url, sim):
    app = make_app(database_url, redis_url=redis_url, sources=(sim.source(SOURCE),))
    run_sync(app, SOURCE)
    return app


def photo_rows(app) -> list[ComplaintPhoto]:
    with current_hub(app).db.session() as session:
        rows = session.scalars(select(ComplaintPhoto).order_by(ComplaintPhoto.record_id)).all()
        session.expunge_all()
    return rows


def copy_jobs(app) -> list[tuple]:
    return [job.args for job in current_hub(app).queue.jobs if job.func_name == COPY_JOB]


def work(app) -> None:
    """Run every queued job here, as a worker of ``app`` would."""
    hub = current_hub(app)
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)


def claim_all(app, now: datetime | None = None) -> int:
    hub = current_hub(app)
    return photos.enqueue_due(hub.db, hub.queue, now)


def staff_of(app, make_user, sign_in, record_id: int, username: str = "lurah"):
    """A client signed in as ward staff of the complaint's kelurahan."""
    with current_hub(app).db.session() as session:
        area = session.get(ComplaintCase, record_id).area_code
    make_user(app, username, "ward_staff", area_code=area)
    client = app.test_client()
    sign_in(client, username)
    return client


def test_a_synced_photo_is_copied_and_served_without_the_source(app, sim, make_user, sign_in):
    wanted = photo_rows(app)
    first = wanted[0]
    staff = staff_of(app, make_user, sign_in, first.record_id)
    waiting = staff.get(f"/complaints/{first.record_id}").text

    tick(current_hub(app))
    queued = copy_jobs(app)
    work(app)
    sim.stop()
    stored = photo_rows(app)
    page = staff.get(f"/complaints/{first.record_id}").text
    src = f"/complaints/{first.record_id}/photos/{stored[0].digest}"
    served = staff.get(src)

    assert len(wanted) == SIZE
    assert all(row.state == "pending" and row.url.startswith(sim.url) for row in wanted)
    assert "Foto sedang disalin dari aplikasi sumber." in waiting
    assert 'class="photo"' not in waiting
    assert sorted(queued) == sorted((row.record_id, row.url, 1) for row in wanted)
    assert all(row.state == "stored" and row.digest and row.stored_at for row in stored)
    assert len({row.digest for row in stored}) == SIZE
    assert f'<img class="photo" src="{src}"' in page
    assert f'src="{sim.url}' not in page and "Foto sedang disalin" not in page
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with open_storage(current_hub(app).settings).open(stored[0].digest) as handle:
        assert served.data == handle.read()
    image = Image.open(BytesIO(served.data))
    assert (image.format, image.size) == ("JPEG", (480, 360))
    assert not dict(image.getexif())


def test_photos_are_served_only_to_those_who_may_see_the_complaint(app, make_user, sign_in):
    claim_all(app)
    work(app)
    first, second = photo_rows(app)[:2]
    setu = staff_of(app, make_user, sign_in, first.record_id)
    make_user(app, "elsewhere", "ward_staff", area_code="36.71.01.1001")
    elsewhere = app.test_client()
    sign_in(elsewhere, "elsewhere")
    make_user(app, "operator", "operator")
    operator = app.test_client()
    sign_in(operator, "operator")
    path = f"/complaints/{first.record_id}/photos/{first.digest}"

    assert setu.get(path).status_code == 200
    assert operator.get(path).status_code == 200
    assert elsewhere.get(path).status_code == 404
    assert elsewhere.get(f"/complaints/{first.record_id}").status_code == 404
    assert app.test_client().get(path).status_code == 302
    other = f"/complaints/{first.record_id}/photos/{second.digest}"
    assert operator.get(other).status_code == 404
    with current_hub(app).db.session() as session:
        session.execute(
            update(Record).where(Record.id == first.record_id).values(deleted_at=utcnow())
        )
    assert operator.get(path).status_code == 404


@pytest.mark.parametrize(
    ("fault", "reason", "detail", "note"),
    [
        (
            "photo_huge_next",
            "too_large",
            "more than 10.0 MB",
            "Foto tidak tersedia: berkasnya terlalu besar.",
        ),
        (
            "photo_html_next",
            "not_an_image",
            "an HTML page",
            "Foto tidak tersedia: aplikasi sumber mengirim sesuatu yang bukan foto.",
        ),
    ],
)
def test_a_photo_refused_is_missing_with_its_reason_and_not_tried_again(
    app, sim, make_user, sign_in, fault, reason, detail, note
):
    sim.control("/_sim/faults", {fault: SIZE})

    claim_all(app)
    work(app)

    rows = photo_rows(app)
    assert [(r.state, r.reason, r.detail, r.digest) for r in rows] == [
        ("missing", reason, detail, None)
    ] * SIZE
    assert all(row.next_attempt_at is None for row in rows)
    with current_hub(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(ComplaintCase)) == SIZE
        assert session.scalar(select(func.count()).select_from(Record)) == SIZE
    page = staff_of(app, make_user, sign_in, rows[0].record_id).get(
        f"/complaints/{rows[0].record_id}"
    )
    assert page.status_code == 200
    assert f"{note} ({detail})" in page.text and "Akan dicoba lagi" not in page.text
    assert 'class="photo"' not in page.text
    assert claim_all(app, utcnow() + timedelta(days=30)) == 0


def test_the_size_limit_is_the_upload_limit_when_that_is_less(make_app, sqlite_url, redis_url, sim):
    app = make_app(
        sqlite_url, redis_url=redis_url, sources=(sim.source(SOURCE),), upload_max_bytes=5000
    )
    run_sync(app, SOURCE)

    claim_all(app)
    work(app)

    assert {(row.state, row.reason) for row in photo_rows(app)} == {("missing", "too_large")}


def test_a_failure_that_may_pass_is_tried_again_later_and_later(app, sim, make_user, sign_in):
    sim.control("/_sim/faults", {"photo_fail_next": SIZE})
    started = utcnow()
    claim_all(app, started)
    work(app)
    failed = photo_rows(app)

    assert claim_all(app, started + timedelta(seconds=30)) == 0
    again = utcnow() + timedelta(seconds=61)
    assert claim_all(app, again) == SIZE
    sim.stop()
    retried = utcnow()
    work(app)
    unreachable = photo_rows(app)
    page = staff_of(app, make_user, sign_in, failed[0].record_id).get(
        f"/complaints/{failed[0].record_id}"
    )

    assert {(row.state, row.reason, row.detail, row.attempts) for row in failed} == {
        ("missing", "server_error", "HTTP 503", 1)
    }
    for row in failed:
        assert (
            started + timedelta(seconds=60)
            <= row.next_attempt_at
            <= utcnow() + timedelta(seconds=60)
        )
    assert {(row.state, row.reason, row.attempts) for row in unreachable} == {
        ("missing", "unreachable", 2)
    }
    for row in unreachable:
        assert retried + timedelta(seconds=120) <= row.next_attempt_at
        assert row.next_attempt_at <= utcnow() + timedelta(seconds=120)
    assert "Foto tidak tersedia: aplikasi sumber tidak dapat dihubungi." in page.text
    assert "Akan dicoba lagi nanti." in page.text
    with current_hub(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(ComplaintCase)) == SIZE


def test_the_waits_grow_to_a_limit_and_stop_after_the_last_attempt():
    passing = photos.PhotoFailure(photos.UNREACHABLE, "timed out", passing=True)
    refused = photos.PhotoFailure(photos.TOO_LARGE, "more than 10.0 MB", passing=False)
    now = datetime(2026, 12, 1, tzinfo=UTC)

    waits = [
        photos.failed(passing, attempt, now)["next_attempt_at"]
        for attempt in range(1, photos.MAX_ATTEMPTS + 1)
    ]

    assert [(wait - now).total_seconds() for wait in waits[:4]] == [60, 120, 240, 480]
    assert max(wait - now for wait in waits[:-1]) == timedelta(seconds=photos.LONGEST_WAIT)
    assert waits[-1] is None
    assert photos.failed(refused, 1, now)["next_attempt_at"] is None


def test_two_ticks_never_enqueue_the_same_photo_twice(app):
    hub = current_hub(app)
    now = utcnow()

    tick(hub, now=now)
    tick(hub, now=now + timedelta(seconds=1))
    first = copy_jobs(app)
    hub.queue.empty()
    lapsed = claim_all(app, now + timedelta(seconds=photos.FETCHING_LEASE + 2))
    second = copy_jobs(app)

    assert len(first) == SIZE and len({args[0] for args in first}) == SIZE
    assert lapsed == SIZE and {args[2] for args in second} == {2}
    record_id, url, _ = first[0]
    stale = photos.Claim(record_id, url, 1)
    storage = open_storage(hub.settings)
    assert photos.copy(hub, storage, stale, photos.MAX_BYTES) == "fetching"
    work(app)
    assert {row.state for row in photo_rows(app)} == {"stored"}


def test_schedulers_ticking_at_once_claim_each_photo_once(app):
    hub = current_hub(app)
    queues = [Queue(f"{hub.settings.queue_name}-{n}", connection=hub.redis) for n in (1, 2)]
    start = threading.Barrier(len(queues))
    counts: list[int] = []

    def scheduler(queue: Queue) -> None:
        start.wait()
        counts.append(photos.enqueue_due(hub.db, queue))

    threads = [threading.Thread(target=scheduler, args=(queue,)) for queue in queues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    claimed = [job.args[0] for queue in queues for job in queue.jobs]
    for queue in queues:
        queue.empty()
    assert sum(counts) == SIZE and sorted(claimed) == sorted(r.record_id for r in photo_rows(app))


def test_a_changed_photo_url_is_wanted_again_and_the_old_job_changes_nothing(app, sim):
    hub = current_hub(app)
    claim_all(app)
    (record_id, old_url, attempt), *_ = copy_jobs(app)
    new_url = old_url.rsplit("/", 1)[0] + "/" + "QLUE-3175-000002.jpg"
    give_photo(app, record_id, new_url)

    old = photos.copy(hub, open_storage(hub.settings), photos.Claim(record_id, old_url, attempt), 1)
    row = next(r for r in photo_rows(app) if r.record_id == record_id)
    assert old == "pending"
    assert (row.url, row.state, row.attempts, row.digest) == (new_url, "pending", 0, None)

    hub.queue.empty()
    assert claim_all(app) == 1
    work(app)
    row = next(r for r in photo_rows(app) if r.record_id == record_id)
    assert (row.url, row.state, row.attempts) == (new_url, "stored", 1)

    give_photo(app, record_id, "javascript:alert(1)")
    assert record_id not in {r.record_id for r in photo_rows(app)}


def give_photo(app, record_id: int, url: str) -> None:
    """The source now gives the complaint the photo at ``url``, noted as a sync notes it."""
    hub = current_hub(app)
    with hub.db.session() as session:
        record = session.get(Record, record_id)
        record.attributes = {**record.attributes, "photo_url": url}
        session.flush()
        hub.records_changed(session, [change_of(record)])


class Elsewhere:
    """A second server on loopback: ``url`` reaches it at the simulator's host (127.0.0.1),
    ``other`` at another host (localhost). It serves ``/photo.jpg``, redirects ``/moved`` to
    its ``to`` argument, and keeps the path of every request it gets in ``asked``."""

    def __init__(self, server: RunningServer, asked: list[str]) -> None:
        self.url, self.asked = server.url, asked
        self.other = server.url.replace("127.0.0.1", "localhost")


@pytest.fixture
def elsewhere() -> Iterator[Elsewhere]:
    asked: list[str] = []
    with RunningServer(elsewhere_app(asked)) as server:
        yield Elsewhere(server, asked)


def elsewhere_app(asked: list[str]) -> Flask:
    app = Flask(__name__)
    image = BytesIO()
    Image.new("RGB", (64, 48), "green").save(image, "JPEG")

    @app.before_request
    def note() -> None:
        asked.append(request.path)

    @app.get("/photo.jpg")
    def photo() -> Response:
        return Response(image.getvalue(), mimetype="image/jpeg")

    @app.get("/moved")
    def moved() -> Response:
        return redirect(request.args["to"])

    return app


def test_a_photo_on_another_host_is_refused_without_a_request(app, elsewhere):
    first, *others = photo_rows(app)
    give_photo(app, first.record_id, f"{elsewhere.other}/photo.jpg")

    claim_all(app)
    work(app)

    refused, *fetched = photo_rows(app)
    assert (refused.state, refused.reason, refused.detail, refused.next_attempt_at) == (
        "missing",
        "host_not_allowed",
        "localhost is not an allowed host",
        None,
    )
    assert elsewhere.asked == []
    assert {row.state for row in fetched} == {"stored"} and len(fetched) == len(others)
    assert claim_all(app, utcnow() + timedelta(days=30)) == 0


def test_a_redirect_to_another_host_is_refused_and_one_on_the_host_followed(app, elsewhere):
    away, home = photo_rows(app)[:2]
    give_photo(app, away.record_id, f"{elsewhere.url}/moved?to={elsewhere.other}/photo.jpg")
    give_photo(app, home.record_id, f"{elsewhere.url}/moved?to={elsewhere.url}/photo.jpg")

    claim_all(app)
    work(app)

    rows = {row.record_id: row for row in photo_rows(app)}
    assert (rows[away.record_id].state, rows[away.record_id].reason) == (
        "missing",
        "host_not_allowed",
    )
    assert rows[home.record_id].state == "stored"
    assert sorted(elsewhere.asked) == ["/moved", "/moved", "/photo.jpg"]


def test_a_photo_on_a_listed_host_is_fetched(make_app, database_url, redis_url, sim, elsewhere):
    app = make_app(
        database_url,
        redis_url=redis_url,
        sources=(sim.source(SOURCE),),
        sections={"complaints": {"photo_hosts": ["LocalHost."]}},
    )
    run_sync(app, SOURCE)
    first = photo_rows(app)[0]
    give_photo(app, first.record_id, f"{elsewhere.other}/photo.jpg")

    claim_all(app)
    work(app)

    assert {row.state for row in photo_rows(app)} == {"stored"}
    assert elsewhere.asked == ["/photo.jpg"]


@pytest.mark.parametrize("host", ["https://cdn.qlue.id", "cdn.qlue.id:443", "cdn.qlue.id/foto", ""])
def test_a_listed_photo_host_is_a_bare_host_name(make_app, sqlite_url, host):
    with pytest.raises(ConfigError, match=r"\[complaints\] photo_hosts.0: .*must be a host name"):
        make_app(sqlite_url, sections={"complaints": {"photo_hosts": [host]}})


def change_of(record: Record) -> RecordChange:
    return RecordChange(
        record.id,
        record.source_id,
        record.kind,
        record.external_id,
        False,
        record.status,
        record.status,
        record.category,
        record.area_code,
        record.created_at,
        record.updated_at,
    )


@pytest.mark.parametrize(
    ("attributes", "url"),
    [
        ({"photo_url": " https://qlue.test/a.jpg "}, "https://qlue.test/a.jpg"),
        ({"media_url": "http://open311.test/b.png"}, "http://open311.test/b.png"),
        ({"photo_url": None, "media_url": "https://x.test/c.jpg"}, "https://x.test/c.jpg"),
        ({"photo_url": "/photos/relative.jpg"}, None),
        ({"photo_url": "file:///etc/passwd"}, None),
        ({"photo_url": "https://x.test/" + "a" * 2000}, None),
        ({"photo_url": 7}, None),
        (None, None),
    ],
)
def test_only_a_web_address_is_wanted(attributes, url):
    assert photos.source_url(attributes) == url


def test_the_migration_wants_the_photos_of_complaints_stored_before(tmp_path):
    settings = Settings(strict_plugins=True)
    folders = Hub(settings, load_plugins(settings)).migration_folders
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate.upgrade(db.engine, folders, revision="0008")
        with db.engine.begin() as connection:
            source_id = connection.execute(
                insert(Source).values(name="qlue", type="qlue").returning(Source.id)
            ).scalar_one()
            for number, attributes in enumerate(
                [{"photo_url": "https://qlue.test/1.jpg"}, {"photo_url": None}, {}]
            ):
                connection.execute(
                    insert(Record).values(
                        source_id=source_id,
                        external_id=str(number),
                        kind="complaint",
                        attributes=attributes,
                        content_hash=str(number),
                    )
                )

        migrate.upgrade(db.engine, folders)

        with db.session() as session:
            rows = session.execute(select(ComplaintPhoto.url, ComplaintPhoto.state)).all()
        assert rows == [("https://qlue.test/1.jpg", "pending")]
    finally:
        db.dispose()
