"""Live updates: what a commit publishes through the real Redis, and the event stream that relays
it to the screens (read with a deadline, never by sleeping)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.app import state
from hub.live.events import CHANGED, LiveEvent, live_channel
from hub.live.relay import INBOX_SIZE, Inbox, Relay
from hub.live.room import live_room
from hub.live.screens import ensure_defaults
from hub.live.stream import event_stream
from hub.live.tokens import create_token
from hub.models import ActivityReport, ComplaintEvent, Playlist, Record, Source, User
from hub.models.base import utcnow
from hub.testing import add_records, run_sync

DEADLINE = 10.0


class EventReader:
    """Reads server-sent events from a streaming response, giving up at a deadline."""

    def __init__(self, response) -> None:
        assert response.status_code == 200, response.text
        assert response.mimetype == "text/event-stream"
        self.response = response
        self.chunks: Iterator[bytes] = response.iter_encoded()
        self.buffer = ""

    def next_event(self, deadline: float = DEADLINE) -> dict:
        """The next event: its ``event``, ``id`` and parsed ``data``."""
        give_up = time.monotonic() + deadline
        while time.monotonic() < give_up:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                fields = dict(
                    line.split(": ", 1) for line in block.splitlines() if ": " in line[:12]
                )
                if "event" in fields:
                    fields["data"] = json.loads(fields["data"])
                    return fields
            self.buffer += next(self.chunks).decode()
        pytest.fail(f"no event within {deadline} s")

    def wait_for(self, event_type: str) -> dict:
        give_up = time.monotonic() + DEADLINE
        while time.monotonic() < give_up:
            event = self.next_event(give_up - time.monotonic())
            if event["event"] == event_type:
                return event
        pytest.fail(f"no {event_type} event within {DEADLINE} s")

    def ended(self) -> bool:
        try:
            while True:
                next(self.chunks)
        except StopIteration:
            return True

    def close(self) -> None:
        self.response.close()


@pytest.fixture
def live_app(make_app, sqlite_url, redis_url, serve_simulator):
    """An app reading a Qlue simulator, streaming with a fast heartbeat, and a screen token:
    (app, simulator, token)."""
    qlue = serve_simulator("qlue", size=5, seed=3)
    app = make_app(sqlite_url, sources=(qlue.source("qlue-city"),))
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    with state(app).db.session() as session:
        ensure_defaults(session, state(app).hub, "id")
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "test wall", playlist, None)
    return app, qlue, token


def open_stream(app, token: str, **headers) -> EventReader:
    client = app.test_client()
    return EventReader(client.get("/live/events", query_string={"token": token}, headers=headers))


def test_a_sync_commit_reaches_the_event_stream(live_app):
    app, _qlue, token = live_app
    stream = open_stream(app, token)
    ready = stream.next_event()
    assert ready["event"] == "ready"

    created = run_sync(app, "qlue-city").created
    changed = stream.wait_for(CHANGED)

    assert created == 5
    assert changed["data"]["kinds"] == ["complaint"]
    assert all(area.startswith("31.75.") for area in changed["data"]["areas"])
    assert int(changed["id"]) > int(ready["id"])
    stream.close()


def test_nothing_is_published_for_a_transaction_that_rolled_back(live_app):
    app, _qlue, token = live_app
    stream = open_stream(app, token)
    stream.next_event()
    with state(app).db.session() as session:
        source = Source(name="manual", type="qlue")
        session.add(source)
    with pytest.raises(RuntimeError), state(app).db.session() as session:
        add_records(app, session, [complaint(source.id, "rolled-back", "31.75.01.1001")])
        raise RuntimeError("the page failed")
    with state(app).db.session() as session:
        add_records(app, session, [complaint(source.id, "committed", "31.75.10.1005")])

    changed = stream.wait_for(CHANGED)

    assert changed["data"]["areas"] == ["31.75.10.1005"]
    stream.close()


def complaint(source_id: int, external_id: str, area_code: str) -> Record:
    now = utcnow()
    return Record(
        source_id=source_id,
        external_id=external_id,
        kind="complaint",
        status="open",
        category="Banjir",
        area_code=area_code,
        title="Banjir",
        created_at=now,
        updated_at=now,
        content_hash=external_id,
    )


def test_an_answer_given_in_the_portal_reaches_the_event_stream(live_app):
    app, _qlue, token = live_app
    run_sync(app, "qlue-city")
    stream = open_stream(app, token)
    stream.next_event()

    with app.app_context(), state(app).db.session() as session:
        record_id = session.scalar(select(Record.id).limit(1))
        session.add(ComplaintEvent(record_id=record_id, action="answer", note="Ditangani"))
    changed = stream.wait_for(CHANGED)

    assert (changed["data"]["kinds"], changed["data"]["areas"]) == (["complaint"], None)
    stream.close()


def test_a_report_accepted_in_the_portal_reaches_the_event_stream(live_app, make_user):
    app, _qlue, token = live_app
    make_user(app, "lurah1", "ward_staff", area_code="31.75.10.1005")
    with state(app).db.session() as session:
        author = session.scalar(select(User.id))
        report = ActivityReport(
            client_id="r1",
            author_id=author,
            area_code="31.75.10.1005",
            activity_type="Kerja bakti",
            date=utcnow().date(),
            title="Kerja bakti",
        )
        session.add(report)
    stream = open_stream(app, token)
    stream.next_event()

    with app.app_context(), state(app).db.session() as session:
        session.get(ActivityReport, report.id).status = "accepted"
    changed = stream.wait_for(CHANGED)

    assert changed["data"]["kinds"] == ["activity_report"]
    assert changed["data"]["areas"] == ["31.75.10.1005"]
    stream.close()


def test_a_screen_that_reconnects_after_missing_events_is_told_to_refresh(live_app):
    app, _qlue, token = live_app
    first = open_stream(app, token)
    seen = first.next_event()["id"]
    first.close()
    live_channel(state(app).settings).publish(CHANGED, kinds=["complaint"])

    missed = open_stream(app, token, **{"Last-Event-ID": seen})
    current = open_stream(app, token, **{"Last-Event-ID": str(int(seen) + 1)})

    assert missed.next_event()["event"] == "refresh"
    assert current.next_event()["event"] == "ready"
    missed.close()
    current.close()


def test_revoking_a_token_closes_its_event_stream(live_app, make_user, sign_in):
    app, _qlue, token = live_app
    make_user(app, "admin1", "admin")
    admin = app.test_client()
    sign_in(admin, "admin1")
    stream = open_stream(app, token)
    stream.next_event()

    page = admin.get("/live/admin/").text
    token_id = page.split("/live/admin/tokens/")[1].split("/revoke")[0]
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    admin.post(f"/live/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})

    assert stream.wait_for("revoked")["event"] == "revoked"
    assert stream.ended()
    assert open_stream_status(app, token) == 403


def open_stream_status(app, token: str) -> int:
    return app.test_client().get("/live/events", query_string={"token": token}).status_code


def test_a_change_is_on_the_screen_at_the_next_read(live_app):
    app, qlue, token = live_app
    run_sync(app, "qlue-city")
    clock = [1000.0]
    live_room(app).cache.clock = lambda: clock[0]
    client = app.test_client()
    headers = {"X-Screen-Token": token}

    def backlog() -> tuple[int, bool]:
        data = client.get("/live/api/screens/complaints/data", headers=headers).json
        shown = next(w for w in data["widgets"] if w["name"] == "complaints.backlog")
        return shown["data"]["value"], data["pending"]

    before, _pending = backlog()
    qlue.control("/_sim/tick", {"new": 2})
    run_sync(app, "qlue-city")
    clock[0] += 1.5

    assert backlog() == (before, True)
    live_room(app).cache.settle(5)
    assert backlog() == (before + 2, False)
    assert_last_used_recently(app)


def assert_last_used_recently(app) -> None:
    from hub.models import ScreenToken

    with state(app).db.session() as session:
        used = session.scalar(select(ScreenToken.last_used_at))
    assert utcnow() - used < timedelta(minutes=1)


def test_the_streams_of_a_process_share_one_subscription(live_app):
    app, _qlue, token = live_app
    channel = live_channel(state(app).settings)
    first, second = open_stream(app, token), open_stream(app, token)
    first.next_event()
    second.next_event()

    subscribers = dict(channel.client.pubsub_numsub(channel.channel))
    channel.publish(CHANGED, kinds=["complaint"], areas=["31.75.10.1005"])

    assert subscribers == {channel.channel.encode(): 1}
    for stream in (first, second):
        assert stream.wait_for(CHANGED)["data"]["areas"] == ["31.75.10.1005"]
        stream.close()


def test_a_stream_that_falls_behind_is_told_to_refresh():
    inbox = Inbox()
    for number in range(INBOX_SIZE + 5):
        inbox.put(LiveEvent(number, CHANGED, ("complaint",)))

    stream = event_stream(Relay(None), inbox, 7, None, None, lambda: True, 60, 60)
    events = [next(stream) for _ in range(4)]
    stream.close()

    assert events[1].startswith("id: 7\nevent: ready")
    assert events[2].startswith("event: refresh")
    assert events[3].startswith("id: 0\nevent: changed")
