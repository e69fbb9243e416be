"""Complaint handling end to end: cases from syncs, answers written back, hand-offs, access."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image
from rq import SimpleWorker
from sqlalchemy import func, select

from features.complaints import outbox
from features.complaints.models import ComplaintCase, ComplaintEvent, OutboxMessage
from features.complaints.settings import routing_of
from hub.models import AuditEntry, Record, User
from hub.models.base import utcnow
from hub.state import current_hub
from hub.storage import open_storage
from hub.sync import jobs
from hub.sync.scheduler import tick
from hub.testing import csrf_token, run_sync

SOURCE = "qlue-test"


@pytest.fixture
def sim(serve_simulator):
    return serve_simulator("qlue", size=60, seed=5)


@pytest.fixture
def app(make_app, database_url, redis_url, sim, make_user):
    app = make_app(database_url, redis_url=redis_url, sources=(sim.source(SOURCE),))
    run_sync(app, SOURCE)
    return app


def one(app, statement):
    with current_hub(app).db.session() as session:
        return session.execute(statement).scalars().first()


def open_complaint(app, sim) -> tuple[Record, ComplaintCase]:
    """A fresh complaint from the source, synced, with its case."""
    report_id = sim.control("/_sim/tick", {"new": 1})["created"][0]
    run_sync(app, SOURCE)
    with current_hub(app).db.session() as session:
        record = session.scalars(select(Record).filter_by(external_id=report_id)).one()
        return record, session.get(ComplaintCase, record.id)


def signed_in(app, make_user, sign_in, username, role, **values):
    make_user(app, username, role, **values)
    client = app.test_client()
    sign_in(client, username)
    return client


def jpeg(size=(64, 48)) -> BytesIO:
    output = BytesIO()
    Image.new("RGB", size, "orange").save(output, "JPEG")
    output.seek(0)
    return output


def post(client, path, data, files=None):
    form = {"csrf_token": csrf_token(client, path.rsplit("/", 1)[0]), **data}
    if files:
        form["photos"] = files
    return client.post(path, data=form, content_type="multipart/form-data")


def test_every_synced_complaint_is_routed_with_its_service_levels(app):
    routing = routing_of(current_hub(app))
    with current_hub(app).db.session() as session:
        cases = session.scalars(select(ComplaintCase)).all()
        records = {r.id: r for r in session.scalars(select(Record))}

    assert len(cases) == 60
    for case in cases:
        rule = routing.rule(records[case.record_id].category)
        assert case.agency_code == rule.agency
        assert case.area_code == records[case.record_id].area_code
        assert case.response_due_at == case.received_at + timedelta(hours=rule.response_hours)
        assert (case.first_response_at is None) == (case.status == "open")


def test_a_status_changed_at_the_source_is_history_and_a_dispute_reopens(app, sim):
    disputed = sim.control("/_sim/tick", {"disputes": 1})["disputed"][0]

    run_sync(app, SOURCE)

    record = one(app, select(Record).filter_by(external_id=disputed))
    case = one(app, select(ComplaintCase).filter_by(record_id=record.id))
    event = one(app, select(ComplaintEvent).filter_by(record_id=record.id))
    assert (case.status, case.reopened, case.resolved_at) == ("open", 1, None)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "dispute",
        "resolved",
        "open",
        "source",
    )


def test_an_answer_from_a_phone_is_written_back_once_through_the_outbox(
    app, sim, make_user, sign_in
):
    record, case = open_complaint(app, sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)

    response = post(
        staff,
        f"/complaints/{record.id}/answer",
        {"status": "resolved", "note": "Sudah dibersihkan."},
        [(jpeg(), "after.jpg")],
    )

    assert response.status_code == 302
    case = one(app, select(ComplaintCase).filter_by(record_id=record.id))
    assert case.status == "resolved" and case.first_response_at and case.resolved_at
    event = one(app, select(ComplaintEvent).filter_by(record_id=record.id, action="answer"))
    assert len(event.detail["photos"]) == 1
    assert open_storage(current_hub(app).settings).exists(event.detail["photos"][0])
    page = staff.get(f"/complaints/{record.id}").text
    assert "Sudah dibersihkan." in page and "Menunggu dikirim" in page

    hub = current_hub(app)
    assert outbox.enqueue_due(hub.db, hub.queue) == 1
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)

    message = one(app, select(OutboxMessage))
    assert (message.state, message.attempts) == ("sent", 1)
    report = sim.control(f"/_sim/reports/{record.external_id}")
    assert report["status"] == "complete"
    assert [(r["note"], r["photos"]) for r in report["responses"]] == [("Sudah dibersihkan.", 1)]

    with hub.db.session() as session:
        outbox.retry_now(session.get(OutboxMessage, message.id))
    assert outbox.deliver(hub, hub.db, open_storage(hub.settings), message.id) == "sent"
    assert len(sim.control(f"/_sim/reports/{record.external_id}")["responses"]) == 1
    assert (
        staff.get(f"/complaints/{record.id}/photos/{event.detail['photos'][0]}").headers[
            "Content-Type"
        ]
        == "image/jpeg"
    )


def answer_as_operator(app, sim, make_user, sign_in):
    record, _case = open_complaint(app, sim)
    operator = signed_in(app, make_user, sign_in, "operator", "operator")
    post(
        operator,
        f"/complaints/{record.id}/answer",
        {"status": "in_progress", "note": "Petugas menuju lokasi."},
    )
    return record, operator


def test_an_answer_waits_while_the_source_is_down_and_is_sent_when_it_is_back(
    app, sim, make_user, sign_in
):
    record, _ = answer_as_operator(app, sim, make_user, sign_in)
    hub = current_hub(app)
    sim.control("/_sim/faults", {"fail_next": 1})

    state_after = outbox.deliver(hub, hub.db, open_storage(hub.settings), 1)

    message = one(app, select(OutboxMessage))
    assert state_after == "pending"
    assert message.attempts == 1 and "HTTP 500" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert outbox.enqueue_due(hub.db, hub.queue) == 0
    assert outbox.enqueue_due(hub.db, hub.queue, now=utcnow() + timedelta(minutes=1)) == 1
    assert outbox.deliver(hub, hub.db, open_storage(hub.settings), 1) == "sent"
    assert sim.control(f"/_sim/reports/{record.external_id}")["status"] == "process"


def test_an_answer_the_source_refuses_is_failed_visible_and_can_be_sent_again(
    app, sim, make_user, sign_in
):
    record, operator = answer_as_operator(app, sim, make_user, sign_in)
    sim.control("/_sim/tick", {"deletes": 200})
    hub = current_hub(app)

    assert outbox.deliver(hub, hub.db, open_storage(hub.settings), 1) == "failed"

    message = one(app, select(OutboxMessage))
    assert "Qlue refused the answer" in message.last_error
    page = operator.get(f"/complaints/{record.id}").text
    assert "Gagal" in page and "Qlue refused the answer" in page
    response = post(operator, f"/complaints/{record.id}/outbox/{message.id}/retry", {})
    assert response.status_code == 302
    assert one(app, select(OutboxMessage)).state == "pending"
    assert one(app, select(ComplaintCase).filter_by(record_id=record.id)).status == "in_progress"


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"status": "in_progress", "note": " "}, None, "Tulis catatan"),
        ({"status": "resolved", "note": "Selesai."}, None, "foto “sesudah”"),
        ({"status": "closed", "note": "Bukan wewenang."}, None, "ditutup tanpa perbaikan"),
        ({"status": "open", "note": "Kembali."}, None, "tidak dapat berpindah"),
        (
            {"status": "resolved", "note": "Selesai."},
            [(b"not a photo", "a.jpg")],
            "a.jpg",
        ),
    ],
)
def test_a_refused_answer_says_why_keeps_the_note_and_changes_nothing(
    app, sim, make_user, sign_in, data, files, message
):
    record, case = open_complaint(app, sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)
    post(staff, f"/complaints/{record.id}/answer", {"status": "in_progress", "note": "Dicek."})

    uploads = [(BytesIO(content), name) for content, name in files or []]
    response = post(staff, f"/complaints/{record.id}/answer", data, uploads)

    assert response.status_code == 400
    assert message in response.text
    if data["note"].strip():
        assert data["note"] in response.text
    assert one(app, select(ComplaintCase).filter_by(record_id=record.id)).status == "in_progress"
    with current_hub(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_photo_over_the_size_limit_is_refused(make_app, database_url, sim, make_user, sign_in):
    app = make_app(database_url, sources=(sim.source(SOURCE),), upload_max_bytes=1000)
    run_sync(app, SOURCE)
    record, case = open_complaint(app, sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)

    response = post(
        staff,
        f"/complaints/{record.id}/answer",
        {"status": "resolved", "note": "Selesai."},
        [(jpeg((800, 600)), "big.jpg")],
    )

    assert response.status_code == 400
    assert "lebih besar dari" in response.text
    assert one(app, select(ComplaintCase).filter_by(record_id=record.id)).status == "open"


def test_ward_staff_see_and_answer_only_their_own_area(app, sim, make_user, sign_in):
    record, case = open_complaint(app, sim)
    other_area = "71.71.01.1001" if not case.area_code.startswith("71.71") else "31.75.01.1001"
    outsider = signed_in(app, make_user, sign_in, "other", "ward_staff", area_code=other_area)

    assert outsider.get(f"/complaints/{record.id}").status_code == 404
    response = post(
        outsider,
        f"/complaints/{record.id}/answer",
        {"status": "in_progress", "note": "Bukan wilayah saya."},
    )
    assert response.status_code == 403
    assert one(app, select(ComplaintCase).filter_by(record_id=record.id)).status == "open"


def test_officers_handle_the_complaints_of_their_agency(app, sim, make_user, sign_in):
    record, case = open_complaint(app, sim)
    mine = signed_in(app, make_user, sign_in, "dinas", "officer", agency_code=case.agency_code)
    other = "dishub" if case.agency_code != "dishub" else "dlh"
    theirs = signed_in(app, make_user, sign_in, "lain", "officer", agency_code=other)

    assert theirs.get(f"/complaints/{record.id}").status_code == 404
    assert mine.get(f"/complaints/{record.id}").status_code == 200
    response = post(
        mine,
        f"/complaints/{record.id}/answer",
        {"status": "in_progress", "note": "Ditangani dinas."},
    )
    assert response.status_code == 302


def test_a_hand_off_moves_the_complaint_and_its_access(app, sim, make_user, sign_in):
    record, case = open_complaint(app, sim)
    first = signed_in(app, make_user, sign_in, "pertama", "ward_staff", area_code=case.area_code)
    target = next(
        v.code
        for v in current_hub(app).areas.villages(within=case.area_code.rsplit(".", 1)[0])
        if v.code != case.area_code
    )
    second = signed_in(app, make_user, sign_in, "kedua", "ward_staff", area_code=target)

    response = post(
        first,
        f"/complaints/{record.id}/handoff",
        {"area_code": target, "agency_code": "satpolpp", "note": "Wilayah sebelah."},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/complaints"
    landing = first.get("/complaints").text
    assert "Pengaduan sudah didisposisikan." in landing
    assert "sudah keluar dari daftar Anda" in landing
    moved = one(app, select(ComplaintCase).filter_by(record_id=record.id))
    assert (moved.area_code, moved.agency_code, moved.status) == (target, "satpolpp", "disposition")
    assert first.get(f"/complaints/{record.id}").status_code == 404
    assert second.get(f"/complaints/{record.id}").status_code == 200
    event = one(app, select(ComplaintEvent).filter_by(action="handoff"))
    assert event.detail["from_area"] == case.area_code and event.note == "Wilayah sebelah."

    refused = post(second, f"/complaints/{record.id}/handoff", {"area_code": "99.99", "note": "x"})
    assert refused.status_code == 400 and "99.99" in refused.text
    kept = post(second, f"/complaints/{record.id}/handoff", {"agency_code": "dppe", "note": "PJU."})
    assert kept.headers["Location"] == f"/complaints/{record.id}"


def test_assigning_to_someone_who_cannot_handle_it_is_refused(app, sim, make_user, sign_in):
    record, case = open_complaint(app, sim)
    operator = signed_in(app, make_user, sign_in, "operator", "operator")
    make_user(app, "petugas", "officer", agency_code=case.agency_code)
    make_user(app, "asing", "officer", agency_code="nobody")
    with current_hub(app).db.session() as session:
        people = dict(session.execute(select(User.username, User.id)).all())

    assert (
        post(
            operator, f"/complaints/{record.id}/assign", {"assignee_id": str(people["asing"])}
        ).status_code
        == 400
    )
    assert (
        post(
            operator, f"/complaints/{record.id}/assign", {"assignee_id": str(people["petugas"])}
        ).status_code
        == 302
    )
    assert (
        one(app, select(ComplaintCase).filter_by(record_id=record.id)).assignee_id
        == (people["petugas"])
    )


def test_a_nearby_complaint_of_the_same_category_is_suggested_and_merged(
    app, sim, make_user, sign_in
):
    first, case = open_complaint(app, sim)
    second, _ = open_complaint(app, sim)
    with current_hub(app).db.session() as session:
        twin = session.get(Record, second.id)
        twin.latitude, twin.longitude = first.latitude + 0.0005, first.longitude
        session.get(ComplaintCase, second.id).category = case.category
        twin.category = case.category
    operator = signed_in(app, make_user, sign_in, "operator", "operator")

    page = operator.get(f"/complaints/{second.id}").text
    assert f"#{first.id}" in page and "56 m" in page

    assert (
        post(operator, f"/complaints/{second.id}/merge", {"into": str(first.id)}).status_code == 302
    )
    merged = one(app, select(ComplaintCase).filter_by(record_id=second.id))
    assert (merged.status, merged.resolution, merged.duplicate_of_id) == (
        "closed",
        "duplicate",
        first.id,
    )
    assert one(app, select(OutboxMessage)).payload["status"] == "closed"


def test_every_action_is_in_the_audit_log(app, sim, make_user, sign_in):
    record, _case = open_complaint(app, sim)
    operator = signed_in(app, make_user, sign_in, "operator", "operator")
    post(
        operator,
        f"/complaints/{record.id}/answer",
        {"status": "closed", "note": "Bukan.", "resolution": "not_our_duty"},
    )
    post(operator, f"/complaints/{record.id}/reopen", {"note": "Warga keberatan."})

    with current_hub(app).db.session() as session:
        entries = session.execute(
            select(AuditEntry.username, AuditEntry.action, AuditEntry.target_id)
        ).all()
    assert [(e.username, e.action, e.target_id) for e in entries] == [
        ("operator", "complaint.answer", str(record.id)),
        ("operator", "complaint.reopen", str(record.id)),
    ]
    assert one(app, select(ComplaintCase).filter_by(record_id=record.id)).reopened == 1


def test_an_answer_whose_delivery_job_was_lost_is_sent_again_after_its_lease(
    app, sim, make_user, sign_in
):
    record, _ = answer_as_operator(app, sim, make_user, sign_in)
    hub = current_hub(app)

    assert outbox.enqueue_due(hub.db, hub.queue) == 1
    hub.queue.empty()
    assert outbox.enqueue_due(hub.db, hub.queue) == 0
    later = utcnow() + timedelta(seconds=outbox.SENDING_LEASE + 1)
    assert outbox.enqueue_due(hub.db, hub.queue, now=later) == 1
    assert [job.args for job in hub.queue.jobs] == [(1,)]
    assert outbox.deliver(hub, hub.db, open_storage(hub.settings), 1) == "sent"
    assert outbox.enqueue_due(hub.db, hub.queue, now=later + timedelta(hours=1)) == 0
    assert sim.control(f"/_sim/reports/{record.external_id}")["status"] == "process"


def test_the_scheduler_tick_enqueues_due_write_backs(app, sim, make_user, sign_in):
    answer_as_operator(app, sim, make_user, sign_in)
    hub = current_hub(app)

    tick(hub)

    assert [job.func_name for job in hub.queue.jobs][
        -1
    ] == "features.complaints.jobs.deliver_write_back"
    assert one(app, select(OutboxMessage)).state == "sending"
