"""Screen data pushed with the change: over real HTTP to the app served on loopback, with real
Redis, each screen's stream carries its new numbers, computed once for all the screens of one
scope, and no screen reads its data again; a screen of another area gets nothing."""

from __future__ import annotations

import json
import queue
import threading
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from flask import request
from sample_city import PISANGAN_BARU, SETU
from sqlalchemy import func, select

from hub.api import Widget, hookimpl
from hub.live.events import CONFIG, CONFIG_KIND
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist, Record, Screen, Source
from hub.models.base import utcnow
from hub.simulators import RunningServer
from hub.state import current_hub
from hub.testing import add_records

DEADLINE = 10.0
CIPAYUNG, MATRAMAN = "31.75.10", "31.75.01"


class CountingPlugin:
    """A widget counting the lights out in an area, remembering each area it was computed for;
    and one counting them once its gate is open."""

    def __init__(self) -> None:
        self.computed: list[str | None] = []
        self.gate = threading.Event()
        self.gate.set()

    def lights_out(self, session, area_code, now):
        self.computed.append(area_code)
        query = select(func.count()).where(Record.status == "out", Record.deleted_at.is_(None))
        if area_code:
            query = query.where(Record.area_code.startswith(area_code + "."))
        return {"value": session.scalar(query)}

    def gated(self, session, area_code, now):
        assert self.gate.wait(DEADLINE)
        return self.lights_out(session, area_code, now) | {"caption": "gated"}

    @hookimpl
    def register_widgets(self):
        return [
            Widget("counting.out", "Lights out", "kpi", self.lights_out, ("streetlight",)),
            Widget("counting.gated", "Lights out, later", "kpi", self.gated, ("streetlight",)),
        ]


class Stream:
    """A screen's event stream read by a thread of its own over HTTP: its events queued."""

    def __init__(self, base_url: str, screens: str, token: str) -> None:
        self.events: queue.Queue[dict] = queue.Queue()
        params = {"screens": screens, "token": token, "lang": "en"}
        self._client = httpx.Client(base_url=base_url, timeout=DEADLINE)
        self._response = self._client.send(
            self._client.build_request("GET", "/live/events", params=params), stream=True
        )
        assert self._response.status_code == 200
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next("ready")

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for line in self._response.iter_lines():
                if not line:
                    if "event" in fields:
                        self.events.put({**fields, "data": json.loads(fields["data"])})
                    fields = {}
                elif ": " in line and not line.startswith(":"):
                    name, value = line.split(": ", 1)
                    fields[name] = value
        except httpx.HTTPError:
            return

    def next(self, event_type: str) -> dict:
        """The next event of ``event_type`` (others before it are dropped)."""
        while True:
            try:
                event = self.events.get(timeout=DEADLINE)
            except queue.Empty:
                pytest.fail(f"no {event_type} event within {DEADLINE} s")
            if event["event"] == event_type:
                return event

    def close(self) -> None:
        self._response.close()
        self._client.close()


@pytest.fixture
def pushing(make_city, sqlite_url, redis_url):
    """The app served on loopback with two screens of Kecamatan Cipayung and one of Matraman, a
    kiosk token for all three and one for the first only: (plugin, server url, tokens, data
    requests by screen)."""
    plugin = CountingPlugin()
    app = make_city(sqlite_url, plugins={"counting": plugin})
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    reads: Counter = Counter()

    @app.before_request
    def count_reads() -> None:
        if request.path.endswith("/data"):
            reads[request.path.split("/")[-2]] += 1

    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
        for name, area in (("setu-a", CIPAYUNG), ("setu-b", CIPAYUNG), ("matraman", MATRAMAN)):
            session.add(Screen(name=name, title=name, area_code=area, widgets=["counting.out"]))
        everything = Playlist(name="all", title="All", screens=["setu-a", "setu-b", "matraman"])
        only_setu = Playlist(name="setu", title="Setu", screens=["setu-a"])
        session.add_all([everything, only_setu, Source(name="manual", type="streetlights")])
        session.flush()
        tokens = {
            "all": create_token(session, "all", everything, None),
            "setu": create_token(session, "setu", only_setu, None),
        }
    with RunningServer(app) as server:
        yield app, plugin, server.url, tokens, reads


def first_load(url: str, token: str, screen: str) -> int:
    response = httpx.get(f"{url}/live/api/screens/{screen}/data", headers={"X-Screen-Token": token})
    return response.json()["widgets"][0]["data"]["value"]


def put_out(app, *areas: str) -> None:
    now = utcnow()
    with current_hub(app).db.session() as session:
        source_id = session.scalar(select(Source.id).where(Source.name == "manual"))
        number = session.scalar(select(func.count(Record.id)))
        add_records(
            app,
            session,
            [
                Record(
                    source_id=source_id,
                    external_id=f"light-{number + index}",
                    kind="streetlight",
                    status="out",
                    area_code=area,
                    title="Jl. Raya Setu",
                    created_at=now - timedelta(days=1),
                    updated_at=now,
                    content_hash=f"light-{number + index}",
                )
                for index, area in enumerate(areas)
            ],
        )


def value_of(event: dict) -> tuple[str, int]:
    data = event["data"]
    return data["screen"]["name"], data["widgets"][0]["data"]["value"]


def test_a_change_reaches_two_screens_with_the_new_numbers_and_nothing_is_read_again(pushing):
    app, _plugin, url, tokens, reads = pushing
    put_out(app, SETU)
    before = {name: first_load(url, tokens["all"], name) for name in ("setu-a", "setu-b")}
    streams = {name: Stream(url, name, tokens["all"]) for name in ("setu-a", "setu-b")}
    reads_before = dict(reads)

    put_out(app, SETU, SETU)

    for name, stream in streams.items():
        assert value_of(stream.next("data")) == (name, before[name] + 2)
        stream.close()
    assert before == {"setu-a": 1, "setu-b": 1}
    assert dict(reads) == reads_before


def test_a_screen_of_another_area_or_outside_its_token_gets_nothing(pushing):
    app, _plugin, url, tokens, _reads = pushing
    matraman = Stream(url, "matraman", tokens["all"])
    kiosk = Stream(url, "setu-a,matraman", tokens["setu"])

    put_out(app, SETU)
    assert value_of(kiosk.next("data")) == ("setu-a", 1)
    put_out(app, PISANGAN_BARU)

    assert value_of(matraman.next("data")) == ("matraman", 1)
    put_out(app, SETU)

    assert value_of(kiosk.next("data")) == ("setu-a", 2)
    matraman.close()
    kiosk.close()


def test_one_computation_serves_every_screen_of_a_scope(pushing):
    app, plugin, url, tokens, _reads = pushing
    streams = [Stream(url, name, tokens["all"]) for name in ("setu-a",) * 3 + ("setu-b",)]
    matraman = Stream(url, "matraman", tokens["all"])
    plugin.computed.clear()

    put_out(app, SETU)

    assert [value_of(stream.next("data")) for stream in streams] == [
        ("setu-a", 1),
        ("setu-a", 1),
        ("setu-a", 1),
        ("setu-b", 1),
    ]
    assert plugin.computed == [CIPAYUNG]
    for stream in [*streams, matraman]:
        stream.close()


def test_a_screen_taken_off_a_kiosks_playlist_no_longer_reaches_it(pushing):
    app, _plugin, url, tokens, _reads = pushing
    kiosk = Stream(url, "setu-a,setu-b", tokens["all"])
    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).where(Playlist.name == "all"))
        playlist.screens = ["setu-b"]
    current_hub(app).channel.publish(CONFIG, kinds=[CONFIG_KIND])
    kiosk.next(CONFIG)

    put_out(app, SETU)

    assert value_of(kiosk.next("data")) == ("setu-b", 1)
    put_out(app, SETU)
    assert value_of(kiosk.next("data")) == ("setu-b", 2)
    kiosk.close()


def show_gated_first(app, screen: str) -> None:
    """``screen`` shows the gated count before the plain one."""
    with current_hub(app).db.session() as session:
        found = session.scalar(select(Screen).where(Screen.name == screen))
        found.widgets = ["counting.gated", "counting.out"]
    current_hub(app).channel.publish(CONFIG, kinds=[CONFIG_KIND])


def values_of(event: dict) -> list[int]:
    return [widget["data"]["value"] for widget in event["data"]["widgets"]]


def test_a_screen_gets_its_data_without_waiting_for_another_screens_slower_widgets(pushing):
    app, plugin, url, tokens, reads = pushing
    show_gated_first(app, "setu-a")
    slow, fast = Stream(url, "setu-a", tokens["all"]), Stream(url, "setu-b", tokens["all"])
    plugin.gate.clear()
    plugin.computed.clear()

    put_out(app, SETU)

    assert value_of(fast.next("data")) == ("setu-b", 1)
    plugin.gate.set()
    assert values_of(slow.next("data")) == [1, 1]
    assert plugin.computed.count(CIPAYUNG) == 2  # the plain count once, the gated one once
    assert dict(reads) == {}
    slow.close()
    fast.close()


def test_each_change_brings_its_own_numbers_to_every_screen(pushing):
    app, _plugin, url, tokens, reads = pushing
    show_gated_first(app, "setu-a")
    streams = {name: Stream(url, name, tokens["all"]) for name in ("setu-a", "setu-b")}

    lights_out = 0
    for added in (1, 2, 1):
        put_out(app, *[SETU] * added)
        lights_out += added
        assert values_of(streams["setu-a"].next("data")) == [lights_out, lights_out]
        assert values_of(streams["setu-b"].next("data")) == [lights_out]
    assert dict(reads) == {}
    for stream in streams.values():
        stream.close()
