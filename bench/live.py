"""Live room benchmark: the wall's screen data endpoint and its live events, over N complaints.

    .venv/bin/python bench/live.py                        # N = 1,000,000 on PostgreSQL
    .venv/bin/python bench/live.py -n 100000 --seconds 5 --screens 50

It creates a scratch database on the PostgreSQL server of SIMPUL_BENCH_POSTGRES_URL (default the
local server; the database is dropped at the end), fills it with N complaints, records and cases
as bench/rankings.py does, gives them coordinates around their kelurahan, and serves the hub on
loopback in processes of its own (werkzeug, a thread per connection; ``--processes`` of them on
one port, default one per CPU) with the local Redis (SIMPUL_BENCH_REDIS_URL). Then, in one run:

- the default "complaints" and "complaints-map" screens computed from scratch through the hub, and
  the bare SQL they run (captured, replayed with the raw driver): the time of each and the ratio;
- the screen data endpoint, the two screens in turn: its own cost (in the process, one request
  at a time), then over HTTP with C concurrent clients (httpx, a thread each), first back to back
  (as fast as the server answers), then each reading about once a second (a screen's pace while
  changes keep coming), each with no change and with a complaint committed every second (which
  makes the complaint widgets out of date): requests per second, median and p95, and their ratio
  to the bare SQL;
- S screens connected to the event stream (a thread each), then complaints committed one at a
  time: the time from each commit to each screen receiving its event (median, p95, max);
- new numbers on every screen, a complaint committed every second: first B screens (threads)
  as screens read them before data came with the event (each change read again, and again while
  pending), then P screens (``--pushed``, asyncio streams in one thread, the two screens half
  each) taking the data from the event itself: the time from each commit to each screen having
  the new numbers (median, p95), the data reads the changes caused, and the ratio of the two.

Targets: p95 of the endpoint under 50 ms; events under a second; new numbers on 500 screens
within 500 ms (p95) with no data read. The clients share the machine's
CPUs with the server: on a small machine the back-to-back figures measure its saturation.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rankings import POSTGRES, drop_database, fill, libpq

from hub.app import create_app
from hub.config import Settings
from hub.live.cache import RecentCache
from hub.live.room import live_room
from hub.live.screen_data import screen_data
from hub.live.screens import ensure_defaults, screen_view
from hub.live.tokens import create_token
from hub.models import Playlist, Record, Source
from hub.models.base import utcnow
from hub.state import current_hub
from hub.testing import add_records

REDIS = os.environ.get("SIMPUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
FALLBACK_SECONDS = 5.0
"""How long a screen waits for a change's data before it reads it (as live.js does)."""
PENDING_SECONDS = 0.5
CONNECTING = 50
"""Screens connecting at once."""
SCREENS = ("complaints", "complaints-map")
COORDINATES = """
    UPDATE records r
    SET latitude = b.south + (b.north - b.south) * (0.1 + 0.8 * (hashtext(r.area_code) & 1023)
                   / 1023.0) + (random() - 0.5) * 0.01,
        longitude = b.west + (b.east - b.west) * (0.1 + 0.8 * (hashtext(r.area_code || 'x')
                    & 1023) / 1023.0) + (random() - 0.5) * 0.01
    FROM (VALUES ('31.75', -6.37, -6.21, 106.85, 106.97),
                 ('36.71', -6.25, -6.13, 106.57, 106.72),
                 ('71.71', 1.42, 1.56, 124.80, 124.92)) AS b (city, south, north, west, east)
    WHERE substr(r.area_code, 1, 5) = b.city"""
"""Each complaint within a kilometre of its kelurahan's spot in its city."""
CASE_SPOTS = """
    UPDATE complaint_cases c SET latitude = r.latitude, longitude = r.longitude
    FROM records r WHERE r.id = c.record_id AND r.latitude IS NOT NULL"""
"""Each case where its complaint is, as the hub keeps it."""


def scratch_database() -> str:
    """A new database on the PostgreSQL server, named apart from the other benchmarks'."""
    name = f"simpul_live_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq(POSTGRES), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def prepare(url: str, size: int) -> None:
    """The complaints, their coordinates, the source's health and the default screens."""
    fill(url, size)
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(COORDINATES)
        connection.execute(CASE_SPOTS)
        connection.execute(
            "INSERT INTO live_source_kinds (source_id, kind) SELECT id, 'complaint' FROM sources"
        )
        connection.execute(
            'INSERT INTO sync_runs (source_id, status, "full", worker, started_at, heartbeat_at,'
            " finished_at, pages, requests, created, updated, unchanged, deleted, errored)"
            " SELECT id, 'succeeded', true, 'bench', now(), now(), now(), 1, 1, 0, 0, 0, 0, 0"
            " FROM sources"
        )
        connection.execute("VACUUM ANALYZE")


def settings(url: str, namespace: str) -> Settings:
    return Settings(database_url=url, redis_url=REDIS, queue_name=namespace, secret_key="bench")


def shared_socket(port: int) -> socket.socket:
    """A listening socket on ``port`` that other processes may listen on too."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(256)
    return listener


def serve(url: str, namespace: str, port: int, ready: multiprocessing.Queue) -> None:
    """The hub on loopback, in a process of its own (the clients do not share its GIL)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(settings(url, namespace))
    app.config["LIVE_HEARTBEAT_SECONDS"] = 1.0
    listener = shared_socket(port)
    server = make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())
    ready.put(port)
    server.serve_forever()


def start_servers(url: str, namespace: str, count: int) -> tuple[str, list]:
    """``count`` server processes on one port; the system shares the connections out."""
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Queue()
    probe = shared_socket(0)
    port = probe.getsockname()[1]
    servers = [
        spawn.Process(target=serve, args=(url, namespace, port, ready), daemon=True)
        for _ in range(count)
    ]
    for server in servers:
        server.start()
    for _ in servers:
        ready.get(timeout=60)
    probe.close()
    return f"http://127.0.0.1:{port}", servers


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Bench:
    def __init__(self, app: Flask, url: str, base_url: str, token: str) -> None:
        self.app = app
        self.raw = psycopg.connect(libpq(url), autocommit=True)
        self.base_url = base_url
        self.token = token
        self.bare_seconds = 0.0

    def close(self) -> None:
        self.raw.close()

    def from_scratch(self, runs: int) -> None:
        """Each screen computed through the hub with an empty cache, against its bare SQL."""
        print("\n-- each screen computed from scratch (median of runs)")
        total_hub = total_bare = 0.0
        for name in SCREENS:
            statements = self.captured(name)
            hub = statistics.median(self.timed(lambda name=name: self.compute(name), runs))
            bare = statistics.median(self.timed(lambda s=statements: self.replay(s), runs))
            total_hub, total_bare = total_hub + hub, total_bare + bare
            print(
                f"{name:<16} hub {milliseconds(hub)}   bare SQL ({len(statements)} statements)"
                f" {milliseconds(bare)}   ratio {hub / bare:5.2f}"
            )
        self.bare_seconds = total_bare / len(SCREENS)

    def compute(self, name: str) -> dict[str, Any]:
        room = live_room(self.app)
        room.cache = RecentCache()
        with (
            self.app.test_request_context("/?lang=id"),
            current_hub(self.app).db.read_session() as s,
        ):
            screen = screen_view(s, name)
        with self.app.test_request_context("/?lang=id"):
            return screen_data(room, screen, False, room.versions())

    def captured(self, name: str) -> list[tuple[str, Any]]:
        statements: list[tuple[str, Any]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
            if not statement.startswith("SET LOCAL"):
                statements.append((statement, parameters))

        engine = current_hub(self.app).db.engine
        event.listen(engine, "before_cursor_execute", capture)
        try:
            self.compute(name)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        return statements

    def replay(self, statements: list[tuple[str, Any]]) -> None:
        for statement, parameters in statements:
            self.raw.execute(statement, parameters).fetchall()

    @staticmethod
    def timed(function: Callable[[], Any], runs: int) -> list[float]:
        function()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        return times

    def warm_up(self) -> None:
        """Every server process computes the screens once, as on a wall's first minute."""
        for _ in range(10):
            for name in SCREENS:
                with httpx.Client(base_url=self.base_url, timeout=120) as client:
                    client.get(f"/live/api/screens/{name}/data", params={"token": self.token})

    def in_process(self, requests: int) -> None:
        """The endpoint's own cost: one request at a time, through the app without HTTP."""
        client = self.app.test_client()
        headers = {"X-Screen-Token": self.token}
        latencies = []
        for turn in range(requests):
            started = time.perf_counter()
            response = client.get(f"/live/api/screens/{SCREENS[turn % 2]}/data", headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        self.report("in the process, one request at a time", latencies, None)

    def endpoint(self, clients: int, seconds: float, changing: bool, pace: float = 0) -> None:
        """The endpoint over HTTP under ``clients`` readers, each reading the screens in turn,
        back to back or about once every ``pace`` seconds (spread out, as screens are)."""
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        stop = threading.Event()

        def read(index: int) -> None:
            headers = {"X-Screen-Token": self.token}
            spread = random.Random(index)
            with httpx.Client(base_url=self.base_url, headers=headers, timeout=30) as client:
                turn = index
                while not stop.wait(pace * spread.uniform(0.5, 1.5)):
                    started = time.perf_counter()
                    response = client.get(f"/live/api/screens/{SCREENS[turn % 2]}/data")
                    took = time.perf_counter() - started
                    turn += 1
                    with lock:
                        if response.status_code == 200:
                            latencies.append(took)
                        else:
                            failures.append(response.status_code)

        threads = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        commits = self.commit_every_second(stop) if changing else None
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        if commits is not None:
            commits.join()
        way = f"each about once every {pace:g} s" if pace else "back to back"
        change = "a complaint a second" if changing else "no change"
        self.report(f"{clients} clients {way}, {change}", latencies, seconds, failures)

    def report(
        self,
        label: str,
        latencies: list[float],
        seconds: float | None,
        failures: list[int] | None = None,
    ) -> None:
        p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        rate = f"{len(latencies) / seconds:6.0f} req/s" if seconds else " " * 12
        print(
            f"{label:<58} {rate}   median {milliseconds(p50)}   p95 {milliseconds(p95)}"
            f"   ratio to bare SQL {p50 / self.bare_seconds:5.2f} / {p95 / self.bare_seconds:5.2f}"
            + (f"   failed {len(failures)}" if failures else "")
        )

    def commit_every_second(self, stop: threading.Event) -> threading.Thread:
        def commit() -> None:
            while not stop.wait(1.0):
                self.commit_complaint()

        thread = threading.Thread(target=commit, daemon=True)
        thread.start()
        return thread

    def commit_complaint(self) -> None:
        """A new complaint stored as a sync stores one: its case made and the screens told,
        after the commit."""
        now = utcnow()
        with current_hub(self.app).db.session() as session:
            source_id = session.scalar(select(Source.id))
            record = Record(
                source_id=source_id,
                external_id=f"bench-{uuid.uuid4().hex}",
                kind="complaint",
                status="open",
                category="Banjir",
                area_code="31.75.10.1005",
                title="Banjir setinggi lutut",
                latitude=-6.33,
                longitude=106.90,
                created_at=now,
                updated_at=now,
                content_hash="bench",
            )
            add_records(self.app, session, [record])

    def committed(self, arrivals: Arrivals) -> None:
        started = time.perf_counter()
        self.commit_complaint()
        arrivals.commit(current_hub(self.app).channel.last_id(), started)

    def commit_for(self, seconds: float, arrivals: Arrivals) -> int:
        """A complaint every second for ``seconds``; then a few seconds for the last to land."""
        commits = int(seconds)
        for _ in range(commits):
            begun = time.perf_counter()
            self.committed(arrivals)
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - begun)))
        time.sleep(FALLBACK_SECONDS + 1)
        return commits

    def fetched(self, screens: int, seconds: float) -> float:
        """Screens reading their data again after each change (and while it is pending)."""
        arrivals = Arrivals()
        connected = threading.Semaphore(0)
        stop = threading.Event()

        def listen(index: int) -> None:
            name = SCREENS[index % len(SCREENS)]
            params = {"token": self.token, "lang": "id"}
            with (
                httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(30, read=None)) as c,
                c.stream("GET", "/live/events", params=params) as response,
            ):
                current: dict[str, str] = {}
                for line in response.iter_lines():
                    event = events_of(line, current)
                    if stop.is_set():
                        return
                    if event is None:
                        continue
                    if event["event"] == "ready":
                        connected.release()
                    elif event["event"] == "changed" and "complaint" in event["data"]:
                        upto = int(event["id"])
                        while True:
                            body = c.get(f"/live/api/screens/{name}/data", params=params).json()
                            with arrivals.lock:
                                arrivals.reads += 1
                            if not body["pending"]:
                                break
                            time.sleep(PENDING_SECONDS)
                        arrivals.arrived([upto], upto, time.perf_counter())

        threads = [threading.Thread(target=listen, args=(i,), daemon=True) for i in range(screens)]
        for thread in threads:
            thread.start()
        for _ in range(screens):
            if not connected.acquire(timeout=60):
                raise RuntimeError("the screens did not all connect within a minute")
        commits = self.commit_for(seconds, arrivals)
        stop.set()
        return arrivals.report(f"{screens} screens reading on each change", commits)

    def pushed(self, screens: int, seconds: float) -> float:
        """Screens taking their new data from the event stream: raw sockets in one thread
        (asyncio), each reading only which event came (one event a chunk, as werkzeug sends
        them)."""
        arrivals = Arrivals()
        connected = threading.Semaphore(0)
        stop = threading.Event()
        waiting: list[list[int]] = [[] for _ in range(screens)]

        address = httpx.URL(self.base_url)

        async def listen(index: int, gate: asyncio.Semaphore) -> None:
            query = urlencode(
                {"token": self.token, "lang": "id", "screens": SCREENS[index % len(SCREENS)]}
            )
            await gate.acquire()
            reader, writer = await asyncio.open_connection(address.host, address.port, limit=2**24)
            try:
                request = f"GET /live/events?{query} HTTP/1.1\r\nHost: {address.host}\r\n\r\n"
                writer.write(request.encode())
                await reader.readuntil(b"\r\n\r\n")
                while True:
                    size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
                    block = await reader.readexactly(size + 2)
                    head = dict(
                        line.split(b": ", 1)
                        for line in block.split(b"\n", 2)[:2]
                        if line[:3] in (b"id:", b"eve")
                    )
                    kind = head.get(b"event")
                    if kind == b"ready":
                        gate.release()
                        connected.release()
                    elif kind == b"changed" and b'"complaint"' in block:
                        waiting[index].append(int(head[b"id"]))
                    elif kind == b"data":
                        arrivals.largest = max(arrivals.largest, size)
                        upto = int(head[b"id"])
                        waiting[index] = arrivals.arrived(waiting[index], upto, time.perf_counter())
            except (OSError, asyncio.IncompleteReadError) as error:
                print(f"screen {index}: {error!r}", file=sys.stderr)
            finally:
                writer.close()

        async def run() -> None:
            gate = asyncio.Semaphore(CONNECTING)
            tasks = [asyncio.create_task(listen(i, gate)) for i in range(screens)]
            await asyncio.to_thread(stop.wait)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        loop = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
        loop.start()
        for _ in range(screens):
            if not connected.acquire(timeout=120):
                stop.set()
                raise RuntimeError("the screens did not all connect within two minutes")
        commits = self.commit_for(seconds, arrivals)
        stop.set()
        loop.join(timeout=30)
        arrivals.missed = sum(len(changes) for changes in waiting)
        arrivals.reads += arrivals.missed
        return arrivals.report(f"{screens} screens with the data in the event", commits)

    def events(self, screens: int, rounds: int) -> None:
        """The time from a commit to each connected screen receiving its event."""
        received: dict[int, list[float]] = {}
        lock = threading.Condition()
        connected = threading.Semaphore(0)
        stop = threading.Event()

        def listen() -> None:
            url = f"{self.base_url}/live/events"
            with (
                httpx.Client(timeout=httpx.Timeout(30, read=None)) as client,
                client.stream("GET", url, params={"token": self.token}) as response,
            ):
                event_type = event_id = None
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    if line.startswith("event: "):
                        event_type = line.removeprefix("event: ")
                    elif line.startswith("id: "):
                        event_id = int(line.removeprefix("id: "))
                    elif line == "":
                        if event_type == "ready":
                            connected.release()
                        elif event_type == "changed" and event_id is not None:
                            with lock:
                                received.setdefault(event_id, []).append(time.perf_counter())
                                lock.notify_all()
                        event_type = event_id = None

        threads = [threading.Thread(target=listen, daemon=True) for _ in range(screens)]
        for thread in threads:
            thread.start()
        for _ in range(screens):
            if not connected.acquire(timeout=60):
                raise RuntimeError("the screens did not all connect within a minute")
        delays: list[float] = []
        for _ in range(rounds):
            known = set(received)

            def everywhere(known: set[int] = known) -> list[float] | None:
                fresh = [times for key, times in received.items() if key not in known]
                return fresh[0] if fresh and len(fresh[0]) == screens else None

            started = time.perf_counter()
            self.commit_complaint()
            with lock:
                times = lock.wait_for(everywhere, timeout=10)
            if times is None:
                raise RuntimeError("an event did not reach every screen within 10 s")
            delays += [moment - started for moment in times]
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        print(
            f"{screens} screens, {rounds} commits: from commit to event"
            f"   median {milliseconds(statistics.median(delays))}"
            f"   p95 {milliseconds(percentile(delays, 0.95))}   max {milliseconds(max(delays))}"
        )


class Arrivals:
    """When each screen had the new numbers of each change, and the data reads changes caused."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.committed: dict[int, float] = {}
        self.delays: list[float] = []
        self.reads = 0
        self.missed = 0
        self.first: dict[int, float] = {}
        self.largest = 0

    def commit(self, change_id: int, at: float) -> None:
        with self.lock:
            self.committed[change_id] = at

    def arrived(self, waiting: list[int], upto: int, at: float) -> list[int]:
        """The changes of ``waiting`` up to ``upto`` now on a screen; the rest still waiting."""
        done = [change for change in waiting if change <= upto]
        with self.lock:
            for change in done:
                if change in self.committed:
                    late = at - self.committed[change]
                    self.delays.append(late)
                    self.first[change] = min(self.first.get(change, late), late)
                    self.reads += late > FALLBACK_SECONDS
        return [change for change in waiting if change > upto]

    def report(self, label: str, commits: int) -> float:
        p95 = percentile(self.delays, 0.95) if self.delays else float("nan")
        print(
            f"{label:<44} commit to new numbers   median"
            f" {milliseconds(statistics.median(self.delays) if self.delays else float('nan'))}"
            f"   p95 {milliseconds(p95)}   data reads caused by {commits} changes: {self.reads}"
            + (f"   never reached {self.missed}" if self.missed else "")
        )
        if self.first:
            print(
                f"{'':<44} first screen of each change: median"
                f" {milliseconds(statistics.median(self.first.values()))}"
                + (f"   largest data event {self.largest / 1024:.0f} KiB" if self.largest else "")
            )
        return p95


def events_of(line: str, current: dict[str, str]) -> dict[str, str] | None:
    """Feed one line of a server-sent event stream; the event once its blank line comes."""
    if line:
        if ": " in line and not line.startswith(":"):
            name, value = line.split(": ", 1)
            current[name] = value
        return None
    event = dict(current)
    current.clear()
    return event if "event" in event else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="complaints (default 1,000,000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent readers (50)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of reading (10)")
    parser.add_argument("--screens", type=int, default=200, help="connected screens (200)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each computation (3)")
    parser.add_argument(
        "--pushed", type=int, default=500, help="screens given the data in the event (500)"
    )
    parser.add_argument(
        "--baseline", type=int, default=50, help="screens reading on each change (50)"
    )
    parser.add_argument(
        "--only-pushed", action="store_true", help="skip all but the new-numbers comparison"
    )
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="server processes (CPUs)"
    )
    options = parser.parse_args()
    url = scratch_database()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    servers: list = []
    try:
        started = time.perf_counter()
        prepare(url, options.n)
        print(f"== PostgreSQL, N = {options.n:,}: filled in {time.perf_counter() - started:.1f} s")
        app = create_app(settings(url, namespace))
        with app.app_context(), current_hub(app).db.session() as session:
            ensure_defaults(session, current_hub(app), "id")
            playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
            token = create_token(session, "bench", playlist, None)
        base_url, servers = start_servers(url, namespace, options.processes)
        print(f"served by {options.processes} processes; {os.cpu_count()} CPUs in all")
        bench = Bench(app, url, base_url, token)
        try:
            if not options.only_pushed:
                bench.from_scratch(options.runs)
                print(f"\n-- the screen data endpoint ({', '.join(SCREENS)} in turn)")
                bench.in_process(500)
            bench.warm_up()
            if not options.only_pushed:
                for pace in (0, 1):
                    for changing in (False, True):
                        bench.endpoint(options.clients, options.seconds, changing, pace)
                print("\n-- live events")
                bench.events(options.screens, rounds=10)
            print("\n-- new numbers on every screen, a complaint committed every second")
            before = bench.fetched(options.baseline, options.seconds)
            after = bench.pushed(options.pushed, options.seconds)
            print(f"p95 ratio, data in the event to reading on each change: {after / before:.2f}")
        finally:
            bench.close()
            current_hub(app).db.dispose()
    finally:
        for server in servers:
            server.terminate()
            server.join()
        drop_database(url)


if __name__ == "__main__":
    main()
