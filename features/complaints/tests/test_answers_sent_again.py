"""An answer sent again (a double tap, or a phone sending what it kept without signal) is stored
once; one written to a complaint that changed meanwhile is refused and overwrites nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from features.complaints.models import ComplaintCase, ComplaintEvent, OutboxMessage
from features.complaints.tests.test_complaint_handling import (
    SOURCE,
    jpeg,
    one,
    open_complaint,
    post,
    signed_in,
)
from hub.state import current_hub
from hub.testing import csrf_token, run_sync

JSON = {"Accept": "application/json"}


@pytest.fixture
def app(make_app, database_url, redis_url, serve_simulator):
    sim = serve_simulator("qlue", size=10, seed=11)
    app = make_app(database_url, redis_url=redis_url, sources=(sim.source(SOURCE),))
    app.sim = sim
    run_sync(app, SOURCE)
    return app


def answers(app, record_id: int) -> list[ComplaintEvent]:
    with current_hub(app).db.read_session() as session:
        return session.scalars(
            select(ComplaintEvent).filter_by(record_id=record_id, action="answer")
        ).all()


def count_outbox(app) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_same_answer_twice_is_stored_and_written_back_once(app, make_user, sign_in):
    record, case = open_complaint(app, app.sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)
    form = {
        "status": "in_progress",
        "note": "Petugas menuju lokasi.",
        "client_id": uuid.uuid4().hex,
        "seen_status": case.status,
    }

    first = post(staff, f"/complaints/{record.id}/answer", form)
    again = post(staff, f"/complaints/{record.id}/answer", form)

    assert first.status_code == again.status_code == 302
    assert [event.note for event in answers(app, record.id)] == ["Petugas menuju lokasi."]
    assert count_outbox(app) == 1
    other = post(
        staff,
        f"/complaints/{record.id}/answer",
        {**form, "client_id": uuid.uuid4().hex, "seen_status": "in_progress"},
    )
    assert other.status_code == 302 and len(answers(app, record.id)) == 2


def test_a_kept_answer_gets_a_json_reply_with_the_complaint_page(app, make_user, sign_in):
    record, case = open_complaint(app, app.sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)
    form = {"status": "in_progress", "note": "Dicek besok.", "client_id": uuid.uuid4().hex}

    for _ in range(2):
        reply = staff.post(
            f"/complaints/{record.id}/answer",
            data={"csrf_token": csrf(staff, record.id), **form},
            headers=JSON,
            content_type="multipart/form-data",
        )
        assert reply.status_code == 200
        assert reply.json == {"saved": True, "url": f"/complaints/{record.id}"}

    assert len(answers(app, record.id)) == 1
    assert "Tanggapan Anda tersimpan" not in staff.get(f"/complaints/{record.id}").text


def test_an_answer_to_a_complaint_closed_meanwhile_is_refused_and_changes_nothing(
    app, make_user, sign_in
):
    record, case = open_complaint(app, app.sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)
    seen = case.status
    closed = {"status": "closed", "resolution": "duplicate", "note": "Sudah ditangani."}
    assert post(staff, f"/complaints/{record.id}/answer", closed).status_code == 302
    before = one(app, select(ComplaintCase).filter_by(record_id=record.id))

    reply = staff.post(
        f"/complaints/{record.id}/answer",
        data={
            "csrf_token": csrf(staff, record.id),
            "status": "resolved",
            "note": "Jalan sudah diperbaiki.",
            "client_id": uuid.uuid4().hex,
            "seen_status": seen,
        },
        headers=JSON,
        content_type="multipart/form-data",
        buffered=True,
    )

    assert reply.status_code == 409
    error = reply.json["error"]
    assert error["code"] == "changed" and "Ditutup" in error["message"]
    after = one(app, select(ComplaintCase).filter_by(record_id=record.id))
    assert (after.status, after.resolution, after.updated_at) == (
        before.status,
        before.resolution,
        before.updated_at,
    )
    assert [event.note for event in answers(app, record.id)] == ["Sudah ditangani."]


def test_the_page_names_the_change_and_keeps_what_was_written(app, make_user, sign_in):
    record, case = open_complaint(app, app.sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)
    post(staff, f"/complaints/{record.id}/answer", {"status": "in_progress", "note": "Dicek."})

    page = post(
        staff,
        f"/complaints/{record.id}/answer",
        {"status": "in_progress", "note": "Kata-kata saya.", "seen_status": case.status},
        [(jpeg(), "foto.jpg")],
    )

    assert page.status_code == 400
    assert "Tanggapan Anda tidak disimpan" in page.text and "Kata-kata saya." in page.text
    assert len(answers(app, record.id)) == 1


def test_a_damaged_client_id_is_refused(app, make_user, sign_in):
    record, case = open_complaint(app, app.sim)
    staff = signed_in(app, make_user, sign_in, "lurah", "ward_staff", area_code=case.area_code)

    page = post(
        staff,
        f"/complaints/{record.id}/answer",
        {"status": "in_progress", "note": "Dicek.", "client_id": "<script>"},
    )

    assert page.status_code == 400 and "Formulir rusak" in page.text
    assert answers(app, record.id) == []


def csrf(client, record_id: int) -> str:
    return csrf_token(client, f"/complaints/{record_id}")
