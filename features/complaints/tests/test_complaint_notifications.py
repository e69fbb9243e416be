"""Who is told what about complaints: new ones (folded), hand-offs, assignments, disputes,
deadlines approaching and missed (escalated up the areas), and the daily digest; each once,
however many schedulers tick at the same moment."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from rq import SimpleWorker
from sqlalchemy import event, select, update

from features.complaints import digest, outbox, reminders
from features.complaints.audience import ancestor
from features.complaints.models import ComplaintCase, OutboxMessage
from features.complaints.settings import routing_of
from features.complaints.statuses import IN_PROGRESS
from hub.models import (
    Area,
    ChannelAddress,
    Notification,
    NotificationChoice,
    Record,
    Source,
    User,
)
from hub.notify import outbox as notify_outbox
from hub.state import current_hub
from hub.storage import open_storage
from hub.sync import jobs
from hub.testing import add_records, csrf_token, run_sync

SOURCE = "qlue-test"
SETU, MUNJUL, CILANGKAP = "31.75.10.1005", "31.75.10.1004", "31.75.10.1002"
JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
"""Monday 7 December 2026, 00:00 in Jakarta."""
TWICE_AT_ONCE = pytest.mark.parametrize(
    ("database_url", "threaded"),
    [
        pytest.param("sqlite", False, id="sqlite"),
        pytest.param("postgresql", False, id="postgresql"),
        pytest.param("postgresql", True, id="postgresql-two-threads"),
    ],
    indirect=["database_url"],
)
"""Each tick twice at the same moment: one after the other, and (on PostgreSQL, whose row locks
two schedulers meet on) from two threads at once."""


@pytest.fixture
def sim(serve_simulator):
    return serve_simulator("qlue", size=0, seed=11)


@pytest.fixture
def app(make_app, database_url, redis_url, sim, smtp_port):
    return make_app(
        database_url,
        redis_url=redis_url,
        sources=(sim.source(SOURCE),),
        sections={"notify": {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}},
    )


def sync(app) -> None:
    """One sync of the source, inside the app as a worker runs it (in the hub's language)."""
    with app.app_context():
        run_sync(app, SOURCE)


def tick(app, task: Callable, now: datetime) -> None:
    """One scheduler's run of ``task`` at ``now``, inside the app as the scheduler runs it."""
    with app.app_context():
        task(current_hub(app), now)


def inbox(app) -> dict[str, list[str]]:
    """Each person's inbox lines, oldest first; people with none are left out."""
    found: dict[str, list[str]] = {}
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(User.username, Notification.title)
            .join(Notification, Notification.user_id == User.id)
            .order_by(Notification.id)
        )
        for username, title in rows:
            found.setdefault(username, []).append(title)
    return found


def urls(app) -> set[str]:
    with current_hub(app).db.read_session() as session:
        return set(session.scalars(select(Notification.url)))


def post(client, path: str, data: dict, files=None):
    form = {"csrf_token": csrf_token(client, path.rsplit("/", 1)[0]), **data}
    if files:
        form["photos"] = files
    return client.post(path, data=form, content_type="multipart/form-data")


def signed_in(app, sign_in, username: str):
    client = app.test_client()
    sign_in(client, username)
    return client


def jpeg() -> BytesIO:
    output = BytesIO()
    Image.new("RGB", (64, 48), "orange").save(output, "JPEG")
    output.seek(0)
    return output


def new_reports(sim, count: int) -> list[dict]:
    """``count`` complaints just made at the source (not synced yet)."""
    created = sim.control("/_sim/tick", {"new": count})["created"]
    return [sim.control(f"/_sim/reports/{report_id}") for report_id in created]


def village_of(report: dict) -> str:
    return report["location"]["kelurahan_code"]


def synced_case(app, report: dict) -> ComplaintCase:
    with current_hub(app).db.read_session() as session:
        record_id = session.scalar(select(Record.id).filter_by(external_id=report["id"]))
        return session.get(ComplaintCase, record_id)


def area_name(app, code: str) -> str:
    with current_hub(app).db.read_session() as session:
        return session.get(Area, code).name


def deliver_mail(app) -> None:
    hub = current_hub(app)
    later = max(datetime.now(UTC), MONDAY) + timedelta(days=30)
    notify_outbox.enqueue_due(hub.db, hub.queue, later)
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)


def twice_at_once(app, task: Callable, now: datetime, threaded: bool) -> None:
    """Run ``task`` twice at the same moment ``now``: one after the other, or from two threads
    released together (as two schedulers would)."""
    if not threaded:
        tick(app, task, now)
        tick(app, task, now)
        return
    start, failures = threading.Barrier(2), []

    def released() -> None:
        try:
            start.wait()
            tick(app, task, now)
        except Exception as error:  # the test fails below with it
            failures.append(error)

    threads = [threading.Thread(target=released) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_a_complaint_s_life_tells_each_role_its_part_and_nobody_else(app, sim, make_user, sign_in):
    (report,) = new_reports(sim, 1)
    village = village_of(report)
    district = ancestor(village, "district")
    routing = routing_of(current_hub(app))
    agency = routing.agency(routing.rule(report["category"]).agency)
    other_agency = next(a for a in routing.agencies if a.code != agency.code)
    other_village = next(
        v.code for v in current_hub(app).areas.villages(within=district) if v.code != village
    )
    make_user(app, "lurah", "ward_staff", village)
    make_user(app, "camat", "ward_staff", district)
    make_user(app, "dinas", "officer", agency_code=agency.code)
    make_user(app, "lurah2", "ward_staff", other_village)
    make_user(app, "dinas2", "officer", agency_code=other_agency.code)
    make_user(app, "petugas", "officer", district, agency_code=other_agency.code)
    make_user(app, "operator", "operator")
    make_user(app, "cuti", "ward_staff", village, active=False)

    sync(app)
    case = synced_case(app, report)
    number, title = case.record_id, report["title"]
    assert inbox(app) == {
        "lurah": [f"1 aduan baru di {area_name(app, village)}"],
        "dinas": [f"1 aduan baru untuk {agency.name}"],
    }

    lurah = signed_in(app, sign_in, "lurah")
    handed = {"area_code": other_village, "agency_code": other_agency.code, "note": "Bukan wilayah"}
    assert post(lurah, f"/complaints/{number}/handoff", handed).status_code == 302
    dinas2 = signed_in(app, sign_in, "dinas2")
    with current_hub(app).db.read_session() as session:
        petugas_id = session.scalar(select(User.id).filter_by(username="petugas"))
    assigned = post(dinas2, f"/complaints/{number}/assign", {"assignee_id": petugas_id})
    petugas = signed_in(app, sign_in, "petugas")
    answer = {"status": "resolved", "note": "Sudah diperbaiki."}
    answered = post(petugas, f"/complaints/{number}/answer", answer, [(jpeg(), "a.jpg")])
    assert (assigned.status_code, answered.status_code) == (302, 302)
    hub = current_hub(app)
    with hub.db.read_session() as session:
        message_id = session.scalar(select(OutboxMessage.id))
    assert outbox.deliver(hub, hub.db, open_storage(hub.settings), message_id) == "sent"
    sync(app)
    assert sim.control("/_sim/tick", {"disputes": 1})["disputed"] == [report["id"]]
    sync(app)

    handed_off = f"Aduan #{number} didisposisikan kepada Anda: {title}"
    reopened = f"Aduan #{number} dibuka kembali: {title}"
    assert inbox(app) == {
        "lurah": [f"1 aduan baru di {area_name(app, village)}"],
        "dinas": [f"1 aduan baru untuk {agency.name}"],
        "lurah2": [handed_off, reopened],
        "dinas2": [handed_off, reopened],
        "petugas": [handed_off, f"Aduan #{number} ditugaskan kepada Anda: {title}", reopened],
    }
    assert urls(app) == {f"/complaints?kelurahan={village}", "/complaints", f"/complaints/{number}"}


def test_a_burst_of_new_complaints_is_one_line_per_person_with_its_count(
    app, sim, make_user, mailbox
):
    reports = new_reports(sim, 30)
    routing = routing_of(current_hub(app))
    agency_of = {r["id"]: routing.rule(r["category"]).agency for r in reports}
    village = Counter(village_of(r) for r in reports).most_common(1)[0][0]
    agency = Counter(agency_of.values()).most_common(1)[0][0]
    district = ancestor(village, "district")
    expected = {
        "lurah": sum(village_of(r) == village for r in reports),
        "dinas": sum(agency_of[r["id"]] == agency for r in reports),
        "suku_dinas": sum(
            agency_of[r["id"]] == agency and village_of(r).startswith(district + ".")
            for r in reports
        ),
    }
    for username, role, area, agency_code in (
        ("lurah", "ward_staff", village, None),
        ("dinas", "officer", None, agency),
        ("suku_dinas", "officer", district, agency),
    ):
        user = make_user(app, username, role, area, agency_code=agency_code)
        address = ChannelAddress(user_id=user.id, channel="email", address=f"{username}@x.go.id")
        with current_hub(app).db.session() as session:
            session.add(address)

    statements = []
    engine = current_hub(app).db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        sync(app)
    finally:
        event.remove(engine, "before_cursor_execute", listen)

    village_name = area_name(app, village)
    agency_name = routing.agency(agency).name
    titles = {
        "lurah": f"{expected['lurah']} aduan baru di {village_name}",
        "dinas": f"{expected['dinas']} aduan baru untuk {agency_name}",
        "suku_dinas": f"{expected['suku_dinas']} aduan baru untuk {agency_name} di "
        + area_name(app, district),
    }
    assert inbox(app) == {name: [title] for name, title in titles.items() if expected[name]}
    asking_for_people = [s for s in statements if "FROM users" in s]
    assert len(asking_for_people) == 1, "the people are read once for the page, not per complaint"
    deliver_mail(app)
    assert sorted(mail["Subject"] for mail in mailbox.messages) == sorted(
        title for name, title in titles.items() if expected[name]
    )


def test_a_sync_s_pages_fold_into_one_message_that_goes_when_the_run_ends(
    make_app, database_url, redis_url, sim, smtp_port, make_user, mailbox
):
    app = make_app(
        database_url,
        redis_url=redis_url,
        sources=(sim.source(SOURCE, page_size=4),),
        sections={"notify": {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}},
    )
    reports = new_reports(sim, 12)
    hub = current_hub(app)
    for number, village in enumerate({village_of(r) for r in reports}):
        user = make_user(app, f"lurah{number}", "ward_staff", village)
        with hub.db.session() as session:
            session.add(ChannelAddress(user_id=user.id, channel="email", address=f"{number}@x.id"))

    with app.app_context():
        run = run_sync(app, SOURCE)

    assert run.pages >= 3
    told = {title for titles in inbox(app).values() for title in titles}
    assert told == {
        f"{sum(village_of(r) == village for r in reports)} aduan baru di {area_name(app, village)}"
        for village in {village_of(r) for r in reports}
    }, "one line per person for the whole run"
    assert hub.queue.count == len(told), "handed to the workers when the run ended"
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)
    assert sorted(mail["Subject"] for mail in mailbox.messages) == sorted(told)


@pytest.fixture
def late(app, sim, make_user):
    """One complaint, synced, and the people its deadlines concern: its kelurahan's, its
    kecamatan's and its city's staff, its agency's head, someone disabled, someone elsewhere."""
    (report,) = new_reports(sim, 1)
    village = village_of(report)
    agency = routing_of(current_hub(app)).rule(report["category"]).agency
    sync(app)
    make_user(app, "lurah", "ward_staff", village)
    make_user(app, "camat", "ward_staff", ancestor(village, "district"))
    make_user(app, "walikota", "ward_staff", ancestor(village, "regency"))
    make_user(app, "dinas", "officer", agency_code=agency)
    make_user(app, "cuti", "ward_staff", village, active=False)
    make_user(app, "matraman", "ward_staff", "31.75.01")
    return synced_case(app, report)


@TWICE_AT_ONCE
def test_a_late_complaint_is_reminded_then_goes_up_to_the_kecamatan_then_the_city_once_each(
    app, late, threaded
):
    number, due = late.record_id, late.response_due_at
    period = due - late.received_at
    when = due.astimezone(JAKARTA).strftime("%d/%m/%Y %H:%M")
    approaching = f"Aduan #{number}: tanggapan pertama paling lambat {when}"
    overdue = f"Aduan #{number} terlambat ditanggapi"

    twice_at_once(app, reminders.remind_due, late.received_at + period * 0.7, threaded)
    assert inbox(app) == {}
    twice_at_once(app, reminders.remind_due, late.received_at + period * 0.8, threaded)
    assert inbox(app) == {"lurah": [approaching], "dinas": [approaching]}

    twice_at_once(app, reminders.remind_due, due + timedelta(minutes=1), threaded)
    twice_at_once(app, reminders.remind_due, due + period + timedelta(minutes=1), threaded)
    twice_at_once(app, reminders.remind_due, due + period + timedelta(minutes=2), threaded)

    assert inbox(app) == {
        "lurah": [approaching, overdue],
        "dinas": [approaching, overdue, overdue],
        "camat": [overdue],
        "walikota": [overdue],
    }
    assert urls(app) == {f"/complaints/{number}"}


def test_a_tick_that_looks_again_tells_nobody_twice_and_a_response_stops_the_steps(app, late):
    hub = current_hub(app)
    due = late.response_due_at
    tick(app, reminders.remind_due, due + timedelta(minutes=1))
    told = inbox(app)
    assert sorted(told) == ["camat", "dinas", "lurah"]
    with hub.db.session() as session:
        session.execute(update(ComplaintCase).values(remind_at=late.received_at))
    tick(app, reminders.remind_due, due + timedelta(minutes=2))
    assert inbox(app) == told

    with hub.db.session() as session:
        session.get(ComplaintCase, late.record_id).first_response_at = due
    tick(app, reminders.remind_due, due + (due - late.received_at) + timedelta(minutes=1))
    assert inbox(app) == told, "the first response came: the city is not told"


def complaint(
    source_id: int, number: int, area: str, category: str, received: datetime, status: str = "open"
) -> Record:
    return Record(
        source_id=source_id,
        external_id=f"D-{number}",
        kind="complaint",
        status=status,
        category=category,
        area_code=area,
        title=f"Aduan {number}",
        created_at=received,
        updated_at=received + timedelta(hours=2),
        content_hash=str(number),
    )


@pytest.fixture
def week(app) -> dict[int, int]:
    """Three complaints this week, by number with their record ids: in Setu one late (Sampah,
    its first response due on Tuesday 01:00) and one due later on Tuesday (Kemacetan, 12:00);
    in Munjul one answered (Sampah)."""
    with current_hub(app).db.session() as session:
        source_id = session.scalar(select(Source.id).filter_by(name=SOURCE))
        records = add_records(
            app,
            session,
            [
                complaint(source_id, 1, SETU, "Sampah", MONDAY + timedelta(hours=1)),
                complaint(source_id, 2, SETU, "Kemacetan", MONDAY + timedelta(hours=30)),
                complaint(source_id, 3, MUNJUL, "Sampah", MONDAY + timedelta(hours=2), IN_PROGRESS),
            ],
        )
        return {number: record.id for number, record in enumerate(records, start=1)}


@TWICE_AT_ONCE
def test_the_digest_comes_once_a_day_at_the_hour_and_not_before(
    app, make_user, mailbox, week, threaded
):
    lurah = make_user(app, "lurah", "ward_staff", SETU)
    munjul = make_user(app, "munjul", "ward_staff", MUNJUL)
    make_user(app, "cilangkap", "ward_staff", CILANGKAP)
    make_user(app, "cuti", "ward_staff", SETU, active=False)
    make_user(app, "dinas", "officer", agency_code="dlh")
    with current_hub(app).db.session() as session:
        session.add(ChannelAddress(user_id=lurah.id, channel="email", address="lurah@setu.go.id"))
        session.add(NotificationChoice(user_id=munjul.id, digest_only=True))
    tuesday = MONDAY + timedelta(days=1, hours=7)

    twice_at_once(app, digest.send_due, tuesday - timedelta(minutes=1), threaded)
    assert inbox(app) == {}
    twice_at_once(app, digest.send_due, tuesday, threaded)
    tick(app, digest.send_due, tuesday + timedelta(hours=11))

    assert inbox(app) == {
        "lurah": ["Aduan Anda hari ini: 2 terbuka, 1 terlambat"],
        "munjul": ["Aduan Anda hari ini: 1 terbuka, 0 terlambat"],
        "dinas": ["Aduan Anda hari ini: 2 terbuka, 1 terlambat"],
    }
    assert bodies(app) == {
        "lurah": "Jatuh tempo hari ini: 1.\n"
        "Setu menanggapi 0% aduan minggu ini: peringkat 2 dari 2.\n"
        f"Tanggapi lebih dulu: #{week[1]} Aduan 1, batas waktu 08/12/2026 01:00.",
        "munjul": "Jatuh tempo hari ini: 0.\n"
        "Munjul menanggapi 100% aduan minggu ini: peringkat 1 dari 2.\n"
        f"Tanggapi lebih dulu: #{week[3]} Aduan 3, batas waktu 10/12/2026 02:00.",
        "dinas": "Jatuh tempo hari ini: 0.\n"
        "Dinas Lingkungan Hidup menanggapi 50% aduan minggu ini: peringkat 1 dari 2.\n"
        f"Tanggapi lebih dulu: #{week[1]} Aduan 1, batas waktu 08/12/2026 01:00.",
    }
    assert urls(app) == {f"/complaints/{week[1]}", f"/complaints/{week[3]}"}
    deliver_mail(app)
    assert [mail["Subject"] for mail in mailbox.messages] == [
        "Aduan Anda hari ini: 2 terbuka, 1 terlambat"
    ]

    tick(app, digest.send_due, tuesday + timedelta(days=1))
    assert [len(lines) for lines in inbox(app).values()] == [2, 2, 2]


def bodies(app) -> dict[str, str]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(User.username, Notification.body).join(User, User.id == Notification.user_id)
        )
        return dict(rows.all())
