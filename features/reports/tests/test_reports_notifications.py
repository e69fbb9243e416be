"""A report's author is told of its review: returned with what to fix, or accepted; in the inbox
and by e-mail, on a real SMTP server on loopback."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from sqlalchemy import select

from hub.models import ChannelAddress, Notification, User
from hub.notify import outbox
from hub.state import current_hub
from hub.sync import jobs
from hub.testing import csrf_token

SETU, CIPAYUNG = "31.75.10.1005", "31.75.10"


@pytest.fixture
def app(make_app, make_user, database_url, redis_url, smtp_port, tmp_path) -> Flask:
    app = make_app(
        database_url,
        redis_url=redis_url,
        storage_path=str(tmp_path / "files"),
        sections={"notify": {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}},
    )
    author = make_user(app, "setu", "ward_staff", SETU)
    make_user(app, "setu2", "ward_staff", SETU)
    make_user(app, "camat", "officer", CIPAYUNG, full_name="Camat Cipayung")
    with current_hub(app).db.session() as session:
        session.add(
            ChannelAddress(user_id=author.id, channel="email", address="setu@jakarta.go.id")
        )
    return app


def api_client(app: Flask, username: str) -> FlaskClient:
    with current_hub(app).db.read_session() as session:
        session_id = session.scalar(select(User).where(User.username == username)).get_id()
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = session_id
        browser_session["_fresh"] = True
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/reports")
    return client


def subject(mail) -> str:
    return str(make_header(decode_header(mail["Subject"])))


def inbox(app: Flask) -> list[tuple[str, str, str, str]]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(User.username, Notification.title, Notification.body, Notification.url)
            .join(User, User.id == Notification.user_id)
            .order_by(Notification.id)
        )
        return [tuple(row) for row in rows]


def test_the_author_is_told_when_the_report_is_returned_and_when_it_is_accepted(app, mailbox):
    setu, camat = api_client(app, "setu"), api_client(app, "camat")
    report = setu.post(
        "/api/v1/reports",
        json={
            "client_id": uuid.uuid4().hex,
            "activity_type": "Posyandu",
            "date": "2024-05-01",
            "title": "Posyandu Melati",
        },
    ).json
    url = f"/api/v1/reports/{report['id']}/review"

    returned = camat.post(f"{url}?lang=en", json={"decision": "return", "comment": "Foto kurang"})
    setu.patch(f"/api/v1/reports/{report['id']}", json={"participants": 30})
    accepted = camat.post(url, json={"decision": "accept"})

    assert (returned.status_code, accepted.status_code) == (200, 200)
    page = f"/reports/{report['id']}"
    assert inbox(app) == [
        (
            "setu",
            "Laporan Anda “Posyandu Melati” dikembalikan untuk diperbaiki",
            "Camat Cipayung meminta: “Foto kurang” Perbaiki laporannya lalu kirim lagi.",
            page,
        ),
        (
            "setu",
            "Laporan Anda “Posyandu Melati” diterima",
            "Camat Cipayung menerimanya: tidak ada lagi yang perlu dilakukan.",
            page,
        ),
    ]
    hub = current_hub(app)
    outbox.enqueue_due(hub.db, hub.queue, datetime.now(UTC) + timedelta(days=1))
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)
    assert [(mail["To"], subject(mail)) for mail in mailbox.messages] == [
        ("setu@jakarta.go.id", "Laporan Anda “Posyandu Melati” dikembalikan untuk diperbaiki"),
        ("setu@jakarta.go.id", "Laporan Anda “Posyandu Melati” diterima"),
    ]
    assert f"http://127.0.0.1:5000{page}" in mailbox.messages[0].get_payload()
