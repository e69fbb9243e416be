"""The complaints on the live room's wall: the default screens' tiles from stored complaints, a
screen for one kecamatan, the default wall the features and plugins make together, and an
official's answer reaching the screens' event stream."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from features.complaints.actions import reopen
from hub.live.events import CHANGED
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist, Record, Screen, Source, SyncRun, User
from hub.models.base import utcnow
from hub.state import current_hub
from hub.testing import add_records, run_sync

NOW = utcnow()
SETU, PISANGAN_BARU, CIPAYUNG = "31.75.10.1005", "31.75.01.1001", "31.75.10"
DEADLINE = 10.0

COMPLAINTS = [
    # external id, status, kelurahan, hours ago, deleted
    ("a", "open", SETU, 2, False),
    ("b", "open", SETU, 30, False),
    ("c", "in_progress", PISANGAN_BARU, 5, False),
    ("d", "resolved", PISANGAN_BARU, 3, False),
    ("e", "resolved", PISANGAN_BARU, 24 * 40, False),
    ("f", "open", SETU, 1, True),
]


def add_complaints(app, source_id: int) -> None:
    with current_hub(app).db.session() as session:
        records = [
            Record(
                source_id=source_id,
                external_id=external_id,
                kind="complaint",
                status=status,
                category="Sampah",
                area_code=area,
                title=f"Sampah menumpuk {external_id}",
                latitude=-6.33 + index * 0.01,
                longitude=106.90,
                created_at=NOW - timedelta(hours=hours),
                updated_at=NOW - timedelta(hours=hours) + timedelta(minutes=30),
                content_hash=external_id,
                deleted_at=NOW if deleted else None,
            )
            for index, (external_id, status, area, hours, deleted) in enumerate(COMPLAINTS)
        ]
        add_records(app, session, records)


def add_source(app, name: str = "qlue-city", runs: tuple[str, ...] = ("succeeded",)) -> int:
    with current_hub(app).db.session() as session:
        source = Source(name=name, type="qlue", interval_seconds=300)
        session.add(source)
        session.flush()
        for minutes, status in enumerate(runs):
            started = NOW - timedelta(minutes=minutes)
            session.add(
                SyncRun(source_id=source.id, status=status, started_at=started, finished_at=started)
            )
        return source.id


@pytest.fixture
def wall(make_app, make_user, sign_in):
    """An app with complaint handling (``only`` names the installed plugins to load, None for
    all), its default screens and an operator signed in: (app, client)."""

    def make(database_url: str, only: tuple[str, ...] | None = ("complaints",)):
        app = make_app(database_url, only=only)
        with current_hub(app).db.session() as session:
            ensure_defaults(session, current_hub(app), "en")
        make_user(app, "operator1", "operator")
        make_user(app, "admin1", "admin")
        client = app.test_client()
        sign_in(client, "operator1")
        return app, client

    return make


def widgets_of(client, screen: str, **args) -> dict[str, dict]:
    response = client.get(f"/live/api/screens/{screen}/data", query_string={"lang": "en", **args})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return {widget["name"]: widget for widget in response.json["widgets"]}


def test_the_default_screens_tell_the_complaints_story(database_url, wall):
    app, client = wall(database_url)
    add_complaints(app, add_source(app))

    shown = widgets_of(client, "complaints")
    assert all(widget["status"] == "ok" for widget in shown.values())
    backlog = shown["complaints.backlog"]
    assert backlog["data"] == {
        "value": 2,
        "colour": "red",
        "caption": "3 received in the last 24 hours",
    }
    assert (backlog["freshness"], backlog["sources"]) == ("fresh", ["qlue-city"])
    assert shown["complaints.response_rate"]["data"]["value"] == 50.0
    assert shown["complaints.response_rate"]["data"]["caption"] == "2 of 4 answered"
    assert shown["complaints.overdue"]["data"]["value"] == 1
    ranking = shown["complaints.ranking"]["data"]["rows"]
    assert [(row["label"], row["value"], row["colour"]) for row in ranking] == [
        ("Setu", 0.0, "red"),
        ("Pisangan Baru", 100.0, "green"),
    ]
    series = shown["complaints.trend"]["data"]["series"]
    assert [(s["label"], sum(s["values"])) for s in series] == [("Received", 4), ("Answered", 2)]
    latest = shown["complaints.latest"]["data"]["items"]
    assert [(item["title"][-1], item["colour"]) for item in latest] == [
        ("a", "red"),
        ("d", "green"),
        ("c", "yellow"),
        ("b", "red"),
        ("e", "green"),
    ]

    mapped = widgets_of(client, "complaints-map")["complaints.map"]["data"]
    assert sum(point["count"] for point in mapped["points"]) == 4
    assert {entry["colour"]: entry["value"] for entry in mapped["legend"]} == {
        "red": 2,
        "yellow": 1,
        "green": 1,
    }
    assert mapped["bounds"] == {"south": -6.37, "west": 106.85, "north": -6.21, "east": 106.97}
    assert {label["text"] for label in mapped["labels"]} == {"Cipayung", "Matraman"}


def test_a_screen_for_one_kecamatan_shows_only_its_complaints(database_url, wall):
    app, client = wall(database_url)
    add_complaints(app, add_source(app))
    with current_hub(app).db.session() as session:
        session.add(
            Screen(
                name="cipayung",
                title="Cipayung",
                area_code=CIPAYUNG,
                widgets=["complaints.backlog", "complaints.ranking", "complaints.map"],
            )
        )

    response = client.get("/live/api/screens/cipayung/data")
    shown = {widget["name"]: widget for widget in response.json["widgets"]}

    assert response.json["screen"]["area"] == "Cipayung"
    assert shown["complaints.backlog"]["data"]["value"] == 2
    assert [row["label"] for row in shown["complaints.ranking"]["data"]["rows"]] == ["Setu"]
    assert [label["text"] for label in shown["complaints.map"]["data"]["labels"]] == ["Setu"]


def test_the_default_wall_has_the_features_screens_then_each_plugins(sqlite_url, wall):
    app, client = wall(sqlite_url, only=None)

    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).filter_by(name="wall"))
        screens = list(playlist.screens)
    assert screens[:3] == ["complaints", "complaints-map", "wards-and-sources"]
    assert {"jobs", "finance", "hr", "floods"} <= set(screens[3:])
    shown = {name: widgets_of(client, name) for name in ("jobs", "finance", "hr", "floods")}
    assert list(shown["jobs"]) == [
        *("jobs.vacancies", "jobs.seekers", "jobs.placed"),
        *("jobs.sectors", "jobs.weeks", "jobs.latest"),
    ]
    assert {w["status"] for tiles in shown.values() for w in tiles.values()} == {"ok"}


def test_the_default_complaint_screens_are_titled_in_the_hubs_language(make_app, sqlite_url):
    app = make_app(sqlite_url, only=("complaints",))

    made = app.test_cli_runner().invoke(args=["live", "defaults"])

    assert made.output == "default screens made\n"
    with current_hub(app).db.session() as session:
        titles = dict(session.execute(select(Screen.name, Screen.title)).all())
        wall = session.scalar(select(Playlist).where(Playlist.name == "wall"))
    assert titles == {"complaints": "Pengaduan warga", "complaints-map": "Peta pengaduan"}
    assert wall.screens == ["complaints", "complaints-map"]


def next_event(chunks: Iterator[bytes], event_type: str) -> dict:
    """The data of the next ``event_type`` event of a screen's event stream (one event to a
    chunk); fails after DEADLINE seconds, the stream's heartbeats keeping it from blocking."""
    give_up = time.monotonic() + DEADLINE
    while time.monotonic() < give_up:
        event = re.search(rf"^event: {event_type}\ndata: (.*)$", next(chunks).decode(), re.M)
        if event:
            return json.loads(event.group(1))
    pytest.fail(f"no {event_type} event within {DEADLINE} s")


def test_a_complaint_reopened_in_the_portal_reaches_the_event_stream(
    make_app, sqlite_url, redis_url, serve_simulator, make_user
):
    qlue = serve_simulator("qlue", size=5, seed=3)
    app = make_app(sqlite_url, only=("complaints", "qlue"), sources=(qlue.source("qlue-city"),))
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    run_sync(app, "qlue-city")
    admin = make_user(app, "admin1", "admin")
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "id")
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "test wall", playlist, None)
    stream = app.test_client().get("/live/events", query_string={"token": token})
    chunks = stream.iter_encoded()
    next_event(chunks, "ready")

    with app.app_context(), current_hub(app).db.session() as session:
        record_id = session.scalar(select(Record.id).limit(1))
        reopen(session, session.get(User, admin.id), record_id, "Warga belum puas")
    changed = next_event(chunks, CHANGED)
    stream.close()

    assert (changed["kinds"], changed["areas"]) == (["complaint"], None)
