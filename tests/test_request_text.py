"""A request holding a NUL (or another character the database cannot store) is refused with a
400 that says why, as a page or as JSON, before anything is stored; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.models import Base, Record
from hub.state import current_hub
from hub.testing import csrf_token, run_sync

SOURCE = "qlue-test"
MESSAGE = "cannot be stored"


@pytest.fixture
def sim(serve_simulator):
    return serve_simulator("qlue", size=3, seed=5)


@pytest.fixture
def app(make_app, database_url, redis_url, sim):
    app = make_app(
        database_url,
        only=("complaints", "open311", "qlue"),
        redis_url=redis_url,
        language="en",
        sources=(sim.source(SOURCE),),
    )
    run_sync(app, SOURCE)
    return app


@pytest.fixture
def admin(app, make_user, sign_in):
    make_user(app, "admin", "admin")
    client = app.test_client()
    sign_in(client, "admin")
    return client


def snapshot(app) -> dict[str, list]:
    """Every row of every table."""
    with current_hub(app).db.session() as session:
        return {t.name: session.execute(select(t)).all() for t in Base.metadata.sorted_tables}


def a_complaint(app) -> int:
    with current_hub(app).db.session() as session:
        return session.scalars(select(Record.id).order_by(Record.id)).first()


def post_form(client, path: str, form_path: str, data: dict, **headers):
    form = {"csrf_token": csrf_token(client, form_path), **data}
    return client.post(path, data=form, content_type="multipart/form-data", headers=headers)


@pytest.mark.parametrize("action", ["answer", "handoff"])
def test_a_note_with_a_nul_is_refused_and_nothing_changes(app, admin, action):
    record_id = a_complaint(app)
    before = snapshot(app)
    data = {"status": "in_progress", "note": "Sudah\x00 dicek", "area_code": "31.75.10.1004"}

    page = f"/complaints/{record_id}"
    response = post_form(admin, f"{page}/{action}", page, data)

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert MESSAGE in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_queued_answer_with_a_nul_is_refused_for_good_as_json(app, admin):
    record_id = a_complaint(app)
    before = snapshot(app)
    data = {"status": "in_progress", "note": "Sudah\x00 dicek", "client_id": "phone-0001-answer"}

    response = post_form(
        admin,
        f"/complaints/{record_id}/answer",
        f"/complaints/{record_id}",
        data,
        Accept="application/json",
    )

    assert response.status_code == 400
    error = response.json["error"]
    assert (error["code"], error["field"]) == ("unstorable_text", "note")
    assert MESSAGE in error["message"]
    assert snapshot(app) == before


def test_an_answer_with_tabs_and_emoji_is_saved(app, admin):
    record_id = a_complaint(app)
    data = {"status": "in_progress", "note": "Sudah\tdicek 👍\r\nbesok diperbaiki"}

    page = f"/complaints/{record_id}"
    response = post_form(admin, f"{page}/answer", page, data)

    assert response.status_code == 302
    (event,) = [row for row in snapshot(app)["complaint_events"] if row.action == "answer"]
    assert (event.note, event.to_status) == (data["note"], "in_progress")


def test_a_username_with_a_nul_is_refused_and_the_account_still_signs_in(app, make_user):
    make_user(app, "lurah", "ward_staff")
    before = snapshot(app)
    client = app.test_client()
    form = {"username": "lurah\x00", "password": "wrong", "csrf_token": csrf_token(client)}

    response = client.post("/login", data=form)

    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert snapshot(app) == before
    signed = client.post(
        "/login",
        data={"username": "lurah", "password": "correct horse", "csrf_token": csrf_token(client)},
    )
    assert signed.status_code == 302


def test_a_nul_in_a_source_address_is_refused_with_a_page(admin):
    response = admin.get("/sources/qlue-test%00")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_a_query_is_refused(admin):
    response = admin.get("/complaints/?q=jalan%00")

    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_a_screen_name_is_refused_as_json(admin):
    response = admin.get("/live/api/screens/sources%00/data")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "unstorable_text"
    assert MESSAGE in response.json["error"]["message"]


def test_a_nul_in_an_open311_token_is_refused_as_json(app):
    response = app.test_client().get("/open311/v2/tokens/abc%00.json")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "unstorable_text"
    assert MESSAGE in response.json["error"]["message"]


def test_a_nul_in_an_open311_request_form_is_refused(app):
    before = snapshot(app)

    response = app.test_client().post(
        "/open311/v2/requests.json",
        data={"service_code": "JALAN", "description": "Lubang\x00", "lat": "-6.3", "long": "106.9"},
    )

    assert response.status_code == 400
    assert response.json["error"]["field"] == "description"
    assert snapshot(app) == before
