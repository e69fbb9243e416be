"""The feed of accepted reports and its thumbnails: for the wall's kiosks with a valid screen
token, and for signed-in people within what they may read; refused to anyone else."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from features.reports.models import ActivityReport
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token, revoke_token
from hub.models import Playlist, ScreenToken, User
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

SETU, PISANGAN_BARU = "31.75.10.1005", "31.75.01.1001"
USERS = [
    ("setu", "ward_staff", SETU),
    ("pisangan", "ward_staff", PISANGAN_BARU),
    ("operator", "operator", None),
]
REFUSAL = "Sign in, or read the feed with a wall screen's token."


@pytest.fixture
def app(make_app, make_user, database_url: str, tmp_path) -> Flask:
    """One accepted report with a photo in Setu, one in Pisangan Baru without, one submitted."""
    app = make_app(database_url, language="en", storage_path=str(tmp_path / "files"))
    for username, role, area in USERS:
        make_user(app, username, role, area)
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
    with_photo = add_report(app, "setu", SETU, "Kerja bakti", accepted=False)
    add_report(app, "pisangan", PISANGAN_BARU, "Posyandu")
    add_report(app, "setu", SETU, "Patroli", accepted=False)
    setu = signed_in(app, "setu")
    setu.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(setu, "/reports")
    uploaded = setu.post(
        f"/api/v1/reports/{with_photo}/attachments",
        data={"file": (BytesIO(jpeg()), "kerja bakti.jpg")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.text
    with current_hub(app).db.session() as session:
        report = session.get(ActivityReport, with_photo)
        report.status, report.reviewed_at = "accepted", dt.datetime.now(dt.UTC)
    return app


def add_report(app: Flask, author: str, area: str, activity: str, *, accepted: bool = True) -> int:
    with current_hub(app).db.session() as session:
        report = ActivityReport(
            client_id=f"{author}-{activity}",
            author_id=session.scalar(select(User.id).where(User.username == author)),
            area_code=area,
            activity_type=activity,
            date=dt.date(2024, 5, 2),
            title=activity,
            participants=10,
            status="accepted" if accepted else "submitted",
            reviewed_at=dt.datetime.now(dt.UTC) if accepted else None,
        )
        session.add(report)
        session.flush()
        return report.id


def jpeg() -> bytes:
    output = BytesIO()
    Image.new("RGB", (640, 480), "orange").save(output, "JPEG")
    return output.getvalue()


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=form).status_code == 302
    return client


def screen_token(app: Flask) -> str:
    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        return create_token(session, "lobby", playlist, None)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json["reports"])


def thumbnail_of(app: Flask) -> str:
    """The thumbnail's address, as the operators' feed gives it."""
    return signed_in(app, "operator").get("/reports/feed.json").json["reports"][0]["thumbnails"][0]


def test_nobody_reads_the_feed_or_its_thumbnails_without_a_token_or_signing_in(app) -> None:
    thumbnail = thumbnail_of(app)
    anonymous = app.test_client()

    feed = anonymous.get("/reports/feed.json")

    assert (feed.status_code, feed.json) == (403, {"error": REFUSAL})
    assert anonymous.get(thumbnail).status_code == 403


@pytest.mark.parametrize("token", ["forged", "revoked"])
def test_a_forged_or_revoked_token_opens_nothing(app, token: str) -> None:
    thumbnail = thumbnail_of(app)
    if token == "revoked":
        token = screen_token(app)
        with current_hub(app).db.session() as session:
            row = session.scalar(select(ScreenToken))
            revoke_token(session, row.id, None)
    kiosk = app.test_client()

    assert kiosk.get("/reports/feed.json", headers={"X-Screen-Token": token}).status_code == 403
    assert kiosk.get(thumbnail, query_string={"token": token}).status_code == 403


def test_a_kiosk_with_a_screen_token_reads_every_accepted_report(app) -> None:
    token = screen_token(app)
    kiosk = app.test_client()

    feed = kiosk.get("/reports/feed.json", headers={"X-Screen-Token": token})
    thumbnail = kiosk.get(feed.json["reports"][0]["thumbnails"][0], query_string={"token": token})

    assert titles(feed) == ["Kerja bakti", "Posyandu"]
    assert "private" in feed.headers["Cache-Control"]
    assert (thumbnail.status_code, thumbnail.mimetype) == (200, "image/jpeg")
    assert "private" in thumbnail.headers["Cache-Control"]


def test_signed_in_people_read_only_the_reports_of_their_area(app) -> None:
    thumbnail = thumbnail_of(app)
    pisangan, setu = signed_in(app, "pisangan"), signed_in(app, "setu")

    assert titles(pisangan.get("/reports/feed.json")) == ["Posyandu"]
    assert titles(setu.get("/reports/feed.json")) == ["Kerja bakti"]
    assert titles(signed_in(app, "operator").get("/reports/feed.json")) == [
        "Kerja bakti",
        "Posyandu",
    ]
    assert pisangan.get(thumbnail).status_code == 404
    assert setu.get(thumbnail).status_code == 200


def test_the_walls_photo_loads_on_a_kiosk_with_its_token(app) -> None:
    token = screen_token(app)
    kiosk = app.test_client()
    kiosk.environ_base["HTTP_X_SCREEN_TOKEN"] = token

    data = kiosk.get("/live/api/screens/wards-and-sources/data").json
    shown = {widget["name"]: widget for widget in data["widgets"]}
    image = shown["reports.latest"]["data"]["items"][0]["image"]

    assert app.test_client().get(image, query_string={"token": token}).status_code == 200
    assert app.test_client().get(image).status_code == 403
