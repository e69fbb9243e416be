"""Live updates: what a commit publishes through the real Redis, and the event stream that relays
it to the screens (read with a deadline, never by sleeping)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sample_city import PISANGAN_BARU, SETU
from sqlalchemy import select

from hub.live.events import CHANGED, DATA, LiveEvent
from hub.live.relay import INBOX_SIZE, Inbox, Relay
from hub.live.room import live_room
from hub.live.screens import ensure_defaults
from hub.live.stream import HEARTBEAT, event_stream
from hub.live.tokens import create_token
from hub.models import Playlist, Record, Source
from hub.models.base import utcnow
from hub.state import current_hub
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
def live_app(make_city, sqlite_url, redis_url, serve_streetlights):
    """An app reading the sample's streetlight app, streaming with a fast heartbeat, and a screen
    token: (app, simulator, token)."""
    lights = serve_streetlights(size=5, seed=3)
    app = make_city(sqlite_url, sources=(lights.source("lights-city"),))
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "id")
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "test wall", playlist, None)
    return app, lights, token


def open_stream(app, token: str, **headers) -> EventReader:
    client = app.test_client()
    return EventReader(client.get("/live/events", query_string={"token": token}, headers=headers))


def test_a_sync_commit_reaches_the_event_stream(live_app):
    app, _lights, token = live_app
    stream = open_stream(app, token)
    ready = stream.next_event()
    assert ready["event"] == "ready"

    created = run_sync(app, "lights-city").created
    changed = stream.wait_for(CHANGED)

    assert created == 5
    assert changed["data"]["kinds"] == ["streetlight"]
    assert all(area.startswith("31.75.") for area in changed["data"]["areas"])
    assert int(changed["id"]) > int(ready["id"])
    stream.close()


def test_nothing_is_published_for_a_transaction_that_rolled_back(live_app):
    app, _lights, token = live_app
    stream = open_stream(app, token)
    stream.next_event()
    with current_hub(app).db.session() as session:
        source = Source(name="manual", type="streetlights")
        session.add(source)
    with pytest.raises(RuntimeError), current_hub(app).db.session() as session:
        add_records(app, session, [light(source.id, "rolled-back", PISANGAN_BARU)])
        raise RuntimeError("the page failed")
    with current_hub(app).db.session() as session:
        add_records(app, session, [light(source.id, "committed", SETU)])

    changed = stream.wait_for(CHANGED)

    assert changed["data"]["areas"] == [SETU]
    stream.close()


def light(source_id: int, external_id: str, area_code: str) -> Record:
    now = utcnow()
    return Record(
        source_id=source_id,
        external_id=external_id,
        kind="streetlight",
        status="out",
        category="LED",
        area_code=area_code,
        title="Jl. Raya Setu",
        created_at=now,
        updated_at=now,
        content_hash=external_id,
    )


def test_a_screen_that_reconnects_after_missing_events_is_told_to_refresh(live_app):
    app, _lights, token = live_app
    first = open_stream(app, token)
    seen = first.next_event()["id"]
    first.close()
    current_hub(app).channel.publish(CHANGED, kinds=["streetlight"])

    missed = open_stream(app, token, **{"Last-Event-ID": seen})
    current = open_stream(app, token, **{"Last-Event-ID": str(int(seen) + 1)})

    assert missed.next_event()["event"] == "refresh"
    assert current.next_event()["event"] == "ready"
    missed.close()
    current.close()


def test_revoking_a_token_closes_its_event_stream(live_app, make_user, sign_in):
    app, _lights, token = live_app
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
    app, lights, token = live_app
    run_sync(app, "lights-city")
    clock = [1000.0]
    live_room(app).cache.clock = lambda: clock[0]
    client = app.test_client()
    headers = {"X-Screen-Token": token}

    def lights_out() -> tuple[int, bool]:
        data = client.get("/live/api/screens/streetlights/data", headers=headers).json
        shown = next(w for w in data["widgets"] if w["name"] == "streetlights.out")
        return shown["data"]["value"], data["pending"]

    before, _pending = lights_out()
    assert len(lights.control("/_sim/tick", {"outages": 2})["out"]) == 2
    run_sync(app, "lights-city")
    clock[0] += 1.5

    assert lights_out() == (before, True)
    live_room(app).cache.settle(5)
    assert lights_out() == (before + 2, False)
    assert_last_used_recently(app)


def assert_last_used_recently(app) -> None:
    from hub.models import ScreenToken

    with current_hub(app).db.session() as session:
        used = session.scalar(select(ScreenToken.last_used_at))
    assert utcnow() - used < timedelta(minutes=1)


def test_the_streams_of_a_process_share_one_subscription(live_app):
    app, _lights, token = live_app
    channel = current_hub(app).channel
    first, second = open_stream(app, token), open_stream(app, token)
    first.next_event()
    second.next_event()

    subscribers = dict(channel.client.pubsub_numsub(channel.channel))
    channel.publish(CHANGED, kinds=["streetlight"], areas=[SETU])

    assert subscribers == {channel.channel.encode(): 1}
    for stream in (first, second):
        assert stream.wait_for(CHANGED)["data"]["areas"] == [SETU]
        stream.close()


def test_a_stream_that_falls_behind_is_told_to_refresh():
    inbox = Inbox()
    for number in range(INBOX_SIZE + 5):
        inbox.put(LiveEvent(number, CHANGED, ("streetlight",)))

    stream = event_stream(Relay(None), inbox, 7, None, None, lambda: True, 60, 60)
    events = [next(stream) for _ in range(4)]
    stream.close()

    assert events[1].startswith(b"id: 7\nevent: ready")
    assert events[2].startswith(b"event: refresh")
    assert events[3].startswith(b"id: 0\nevent: changed")


class Messages:
    """A stand-in for the live channel: its subscription hands out the messages given, then
    nothing."""

    def __init__(self, *events: LiveEvent) -> None:
        self.messages = [
            {"data": json.dumps(event.as_dict())} for event in events if event is not None
        ]

    def subscribe(self) -> Messages:
        return self

    def get_message(self, timeout: float) -> dict | None:
        if self.messages:
            return self.messages.pop(0)
        time.sleep(min(timeout, 0.01))
        return None

    def close(self) -> None:
        pass


def data_event(change_id: int, screen: str, language: str = "en", detail: bool = False):
    widget = {"name": "counting.out", "status": "error" if detail else "ok"}
    if detail:
        widget["detail"] = "ZeroDivisionError: division by zero"
    body = {"screen": {"name": screen}, "widgets": [widget]}
    return LiveEvent(change_id, DATA, screen=screen, language=language, data=body)


def relayed(inbox: Inbox, count: int) -> list[LiveEvent]:
    events = [inbox.get(timeout=DEADLINE) for _ in range(count)]
    assert None not in events, "an event did not reach the inbox"
    return events


def test_a_change_starts_its_computation_before_the_streams_are_woken():
    in_inbox_when_told: list[int] = []
    channel = Messages(LiveEvent(3, CHANGED, ("streetlight",), (SETU,)))
    relay = Relay(channel, on_change=lambda _event: in_inbox_when_told.append(inbox_size()))
    inbox = relay.open(frozenset({"setu-a"}), "en")

    def inbox_size() -> int:
        return inbox._events.qsize()

    [event] = relayed(inbox, 1)
    relay.close(inbox)

    assert event.id == 3
    assert in_inbox_when_told == [0]


def test_a_stream_gets_only_the_data_of_its_screens_in_its_language():
    channel = Messages(
        data_event(4, "matraman"),
        data_event(4, "setu-a", "id"),
        data_event(4, "setu-a"),
        LiveEvent(5, CHANGED, ("streetlight",)),
    )
    relay = Relay(channel)
    inbox = relay.open(frozenset({"setu-a"}), "en")

    events = relayed(inbox, 2)
    relay.close(inbox)

    assert [(event.type, event.screen, event.language) for event in events] == [
        (DATA, "setu-a", "en"),
        (CHANGED, None, None),
    ]
    assert inbox._events.empty()


def test_every_stream_sends_the_same_bytes_of_a_screens_data_made_once():
    event = data_event(6, "setu-a", detail=True)
    inboxes = [Inbox(frozenset({"setu-a"}), "en") for _ in range(3)]
    frames = []
    for inbox, detailed in zip(inboxes, (False, False, True), strict=True):
        inbox.put(event)
        stream = event_stream(Relay(None), inbox, 6, None, None, lambda: True, 60, 60, detailed)
        frames.append([next(stream) for _ in range(3)][2])
        stream.close()

    assert frames[0] is frames[1]
    assert frames[0].startswith(b"id: 6\nevent: data\ndata: {")
    assert b"ZeroDivisionError" not in frames[0]
    assert b"ZeroDivisionError" in frames[2]
    assert json.loads(frames[0].split(b"data: ", 1)[1])["widgets"][0]["status"] == "error"


def test_a_busy_stream_sends_no_heartbeat_but_still_checks_its_grant_at_each_one():
    inbox = Inbox()
    for number in (8, 9, 10):
        inbox.put(LiveEvent(number, CHANGED, ("streetlight",)))
    checks: list[float] = []
    now = [0.0]

    def still_allowed() -> bool:
        checks.append(now[0])
        return True

    stream = event_stream(
        Relay(None), inbox, 7, None, None, still_allowed, 10, 60, clock=lambda: now[0]
    )
    sent = [next(stream), next(stream)]
    for moment in (0, 8, 12, 25):
        now[0] = moment
        sent.append(next(stream))
    stream.close()

    firsts = [chunk.split(b"\n")[0] for chunk in sent[2:]]
    assert firsts == [b"id: 8", b"id: 9", b"id: 10", HEARTBEAT.strip()]
    assert checks == [12, 25]
