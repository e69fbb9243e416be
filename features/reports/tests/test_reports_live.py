"""Ward reports on the live room's wall: the latest accepted reports beside every source's
health on the default screen, and a report accepted in the portal reaching the screens' event
stream."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from features.reports.changes import review_report
from features.reports.models import ActivityReport
from hub.live.events import CHANGED
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist, Source, SyncRun, User
from hub.models.base import utcnow
from hub.state import current_hub

SETU = "31.75.10.1005"
DEADLINE = 10.0


@pytest.fixture
def app(make_app, sqlite_url, redis_url, make_user):
    """Ward reports with their default screens, a ward official of Setu and a camat."""
    app = make_app(sqlite_url, only=("reports",))
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
    make_user(app, "lurah1", "ward_staff", area_code=SETU)
    make_user(app, "camat1", "ward_staff", area_code="31.75.10")
    make_user(app, "operator1", "operator")
    return app


def add_report(app, **values) -> int:
    with current_hub(app).db.session() as session:
        report = ActivityReport(
            client_id="r1",
            author_id=session.scalar(select(User.id).where(User.username == "lurah1")),
            area_code=SETU,
            activity_type="Kerja bakti",
            date=date.today(),
            title="Kerja bakti di RW 03",
            **values,
        )
        session.add(report)
        session.flush()
        return report.id


def test_the_wards_screen_shows_the_latest_accepted_reports_and_every_sources_health(app, sign_in):
    add_report(app, status="accepted", reviewed_at=utcnow() - timedelta(minutes=10))
    with current_hub(app).db.session() as session:
        source = Source(name="qlue-city", type="qlue", interval_seconds=300)
        session.add(source)
        session.flush()
        session.add(SyncRun(source_id=source.id, status="succeeded", finished_at=utcnow()))
    client = app.test_client()
    sign_in(client, "operator1")

    response = client.get("/live/api/screens/wards-and-sources/data", query_string={"lang": "en"})

    shown = {widget["name"]: widget for widget in response.json["widgets"]}
    reports = shown["reports.latest"]
    assert [item["title"] for item in reports["data"]["items"]] == ["Kerja bakti di RW 03"]
    assert (reports["status"], reports["freshness"]) == ("ok", "live")
    health = shown["sources.health"]["data"]["sources"]
    assert [(source["name"], source["state"]) for source in health] == [("qlue-city", "ok")]


def next_event(chunks: Iterator[bytes], event_type: str) -> dict:
    """The data of the next ``event_type`` event of a screen's event stream (one event to a
    chunk); fails after DEADLINE seconds, the stream's heartbeats keeping it from blocking."""
    give_up = time.monotonic() + DEADLINE
    while time.monotonic() < give_up:
        event = re.search(rf"^event: {event_type}\ndata: (.*)$", next(chunks).decode(), re.M)
        if event:
            return json.loads(event.group(1))
    pytest.fail(f"no {event_type} event within {DEADLINE} s")


def test_a_report_accepted_in_the_portal_reaches_the_event_stream(app):
    report_id = add_report(app)
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "test wall", playlist, None)
    stream = app.test_client().get("/live/events", query_string={"token": token})
    chunks = stream.iter_encoded()
    next_event(chunks, "ready")

    with app.app_context(), current_hub(app).db.session() as session:
        camat = session.scalar(select(User).where(User.username == "camat1"))
        review_report(session, camat, report_id, {"decision": "accept"})
    changed = next_event(chunks, CHANGED)
    stream.close()

    assert (changed["kinds"], changed["areas"]) == (["activity_report"], [SETU])
