"""Chaos benchmark: hostile input against the hub's APIs, a flaky network under a sync.

    .venv/bin/python bench/chaos.py                      # both parts, SQLite and PostgreSQL
    .venv/bin/python bench/chaos.py --part fuzz --examples 50
    .venv/bin/python bench/chaos.py --part chaos --db sqlite -n 300 --rate 0.2

It prints, measured in the same run:
- fuzzing: the reports' JSON API driven by schemathesis from its OpenAPI document, and the
  Open311 GeoReport v2 API (which has no such document) driven by hypothesis over its
  parameters, both with hostile values mixed in (NUL bytes, dates at and past the ends of the
  calendar, 10,000-character strings, 40-digit numbers): requests tried, 5xx answers (target 0)
  and each distinct 5xx (method, path, parameters), with the answers counted by status; an app
  that raises instead of answering counts as a 599;
- chaos: syncs of the Qlue simulator through a loopback proxy that spoils each ``--rate`` of
  the requests (delays, timeouts, 5xx, 429 with Retry-After, cut bodies, garbage, connection
  resets). Three syncs, each run again until one run succeeds with the proxy still faulting (at
  most ``--cap`` runs): the first one, an incremental one after new and changed reports, and a
  ``simpul sync --full`` after changes and deletions. Then the stored records against the
  simulator's listing fetched directly: lost, doubled, stale (content not the source's) and not
  deleted (gone at the source, live in the hub), target 0 each; HTTP requests, faults and runs
  per sync; and the ratio of time and requests to a baseline, the same syncs through the same
  proxy spoiling nothing.

Both parts run on SQLite and on PostgreSQL, everything in this one process; the proxy's faults
are drawn from a fixed seed, so a run repeats the same faults.

PostgreSQL is read from SIMPUL_BENCH_POSTGRES_URL as in bench/ingest.py (a scratch database is
created and dropped); Redis from SIMPUL_BENCH_REDIS_URL (default: the local server's db 15).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import socket
import socketserver
import struct
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest import drop_database, fresh_database, installed_hub
from schemathesis import Case
from sqlalchemy import func, select

from features.open311.keys import create_key
from features.reports.openapi import openapi_document
from features.reports.settings import ReportSettings
from hub.app import create_app
from hub.areas import import_areas
from hub.config import Settings
from hub.models import Base, Record, User
from hub.simulators import RunningServer
from hub.sources import SourceSettings
from hub.state import current_hub
from hub.sync.scheduler import register_sources
from hub.testing import csrf_token

REDIS = os.environ.get("SIMPUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
SOURCE = "qlue-chaos"
SETU = "31.75.10.1005"
UNLIMITED = {"open311": {"submit_rate_limit": "1000000 per minute"}}
HOSTILE: tuple[Any, ...] = (
    "\x00",
    "a\x00b",
    "0001-01-01",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31",
    "9999-12-31T23:59:59+14:00",
    "-0001-01-01",
    "10000-01-01",
    "10000-01-01T00:00:00Z",
    "x" * 10_000,
    str(10**40),
    str(-(10**40)),
    10**40,
    -(10**40),
)
HOSTILE_TEXT = tuple(str(value) for value in HOSTILE)
HOSTILE_JSON = (*HOSTILE, "\ud800", [], {}, None, 1e308)
BAD_UTF8 = "%ff%fe%c0%80"


def hub_settings(database_url: str, folder: Path, **values: Any) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=REDIS,
        queue_name=f"bench-{uuid.uuid4().hex[:8]}",
        instance_path=str(folder / "instance"),
        storage_path=str(folder / "files"),
        strict_plugins=True,
        secret_key="bench",
        **values,
    )


def prepared(settings: Settings) -> Flask:
    """An app whose database has the schema, the areas and the configured sources."""
    app = create_app(settings)
    hub = current_hub(app)
    Base.metadata.create_all(hub.db.engine)
    import_areas(hub.db)
    register_sources(hub.db, hub.settings)
    return app


# Fuzzing


@dataclass
class Tally:
    """Requests tried and the distinct 5xx answers among them."""

    tried: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)

    def add(self, status: int, method: str, path: str, params: Any) -> None:
        self.tried += 1
        self.statuses[status] += 1
        if status >= 500:
            self.failures[(status, method.upper(), path, _shown(params))] += 1

    def print(self, name: str) -> None:
        seen = sum(self.failures.values())
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        print(f"{name}: {self.tried:,} requests, {seen} 5xx   (target 0)   [{answers}]")
        for (status, method, path, params), times in self.failures.most_common():
            print(f"  {status} x{times}: {method} {path} {params}")


def _shown(params: Any) -> str:
    text = json.dumps(params, default=str, sort_keys=True)
    return text if len(text) < 300 else f"{text[:300]}..."


def fuzz_app(kind: str, folder: Path) -> Flask:
    database = fresh_database(kind, folder)
    settings = hub_settings(database, folder, sections=UNLIMITED)
    app = prepared(settings)
    app.config.update(TESTING=True)
    with current_hub(app).db.session() as session:
        session.add(User(username="setu", role="ward_staff", area_code=SETU, password_hash="-"))
    return app


def signed_in(app: Flask) -> dict[str, dict[str, str]]:
    """The session cookie and CSRF header of ward staff who already made one report."""
    with current_hub(app).db.read_session() as session:
        user_id = session.scalar(select(User).where(User.username == "setu")).get_id()
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = user_id
    headers = {"X-CSRFToken": csrf_token(client, "/reports")}
    body = {"client_id": uuid.uuid4().hex, "activity_type": "Posyandu", "date": "2024-05-01"}
    client.post("/api/v1/reports", json={**body, "title": "Posyandu Melati"}, headers=headers)
    return {"headers": headers, "cookies": {"session": client.get_cookie("session").value}}


def hostile_variants(case: Case) -> list[Case]:
    """``case`` with one parameter or JSON body field at a time set to each hostile value; the
    others name the report the signed-in user made."""
    path = {name: 1 for name in case.path_parameters or {}}
    query = dict(case.query or {})
    variants = [
        _variant(case, {**path, name: value}, query, case.body)
        for name in path
        for value in HOSTILE
    ]
    variants += [
        _variant(case, path, {**query, name: value}, case.body)
        for name in query
        for value in HOSTILE
    ]
    if isinstance(case.body, dict) and case.media_type == "application/json":
        variants += [
            _variant(case, path, query, {**case.body, name: value})
            for name in case.body
            for value in HOSTILE_JSON
        ]
    return variants


def _variant(case: Case, path: dict, query: dict, body: Any) -> Case:
    return Case(
        case.operation,
        case.method,
        case.path,
        path_parameters=path,
        query=query,
        body=body,
        media_type=case.media_type,
    )


def fuzz_operation(operation: Any, mode: Any, examples: int, call: Any) -> list[Case]:
    """Call ``examples`` cases of ``operation`` drawn by schemathesis; return them."""
    drawn: list[Case] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Case) -> None:
        drawn.append(case)
        call(case)

    fuzz()
    return drawn


def fuzz_reports(app: Flask, examples: int) -> Tally:
    tally, auth = Tally(), signed_in(app)
    schema = schemathesis.openapi.from_dict(openapi_document(ReportSettings().activity_types))

    def call(case: Case) -> None:
        params = {"path": case.path_parameters, "query": case.query, "body": case.body}
        try:
            status = case.call(app=app, **auth).status_code
        except Exception as error:  # the app raised instead of answering
            status, params = 599, {**params, "raised": type(error).__name__}
        tally.add(status, case.method, case.path, params)

    for result in schema.get_all_operations():
        operation = result.ok()
        drawn = fuzz_operation(operation, schemathesis.GenerationMode.POSITIVE, examples, call)
        fuzz_operation(operation, schemathesis.GenerationMode.NEGATIVE, examples, call)
        for variant in hostile_variants(drawn[-1]) if drawn else ():
            call(variant)
    return tally


OPEN311_QUERY = (
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "status",
    "start_date",
    "end_date",
    "updated_after",
    "updated_before",
    "page",
    "page_size",
)
OPEN311_SUBMISSION = (
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "media_url",
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "attribute[jenis]",
)
REQUESTS = "/open311/v2/requests.json"
GOOD_SUBMISSION = {
    "service_code": "sampah",
    "description": "Sampah menumpuk di depan pasar sejak Senin.",
    "address_string": "Jl. Sam Ratulangi No. 12",
    "lat": "1.4871",
    "long": "124.8389",
}
VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(("open", "closed", "sampah", "1", "0", "", ",", "1,2,3")),
)


def fuzz_open311(app: Flask, examples: int) -> Tally:
    tally, client = Tally(), app.test_client()
    with current_hub(app).db.session() as session:
        key = create_key(session, "fuzz")
    for _ in range(3):
        client.post(REQUESTS, data={**GOOD_SUBMISSION, "api_key": key})
    formats = st.sampled_from(("json", "xml", "\x00", "x" * 10_000))
    pieces = st.one_of(VALUES, st.sampled_from(("1", "2", "sampah")))

    def send(method: str, path: str, params: dict[str, str], **request: Any) -> None:
        try:
            status = client.open(path, method=method, **request).status_code
        except Exception as error:  # the app raised instead of answering
            status, params = 599, {**params, "raised": type(error).__name__}
        tally.add(status, method, path, params)

    def get(path: str, query: dict[str, str]) -> None:
        send("GET", path, query, query_string=query)

    def post(form: dict[str, str]) -> None:
        send("POST", REQUESTS, form, data={**GOOD_SUBMISSION, **form, "api_key": key})

    @given(query=st.dictionaries(st.sampled_from(OPEN311_QUERY), VALUES), fmt=formats)
    @settings(max_examples=examples * 4, deadline=None, database=None)
    def listing(query: dict[str, str], fmt: str) -> None:
        get(f"/open311/v2/requests.{fmt}", query)

    @given(
        where=st.sampled_from(("requests", "services", "tokens")),
        piece=pieces,
        fmt=formats,
        query=st.dictionaries(st.just("jurisdiction_id"), VALUES),
    )
    @settings(max_examples=examples * 2, deadline=None, database=None)
    def one(where: str, piece: str, fmt: str, query: dict[str, str]) -> None:
        get(f"/open311/v2/{where}/{piece}.{fmt}", query)

    @given(form=st.dictionaries(st.sampled_from(OPEN311_SUBMISSION), VALUES))
    @settings(max_examples=examples * 4, deadline=None, database=None)
    def submission(form: dict[str, str]) -> None:
        post(form)

    listing()
    one()
    submission()
    for name in OPEN311_QUERY:
        for value in HOSTILE_TEXT:
            get(REQUESTS, {name: value})
        send("GET", REQUESTS, {name: BAD_UTF8}, query_string=f"{name}={BAD_UTF8}")
    for name in OPEN311_SUBMISSION:
        for value in HOSTILE_TEXT:
            post({name: value})
    return tally


def fuzz(kind: str, folder: Path, examples: int) -> None:
    print(f"\n== fuzzing on {kind}")
    logging.getLogger("hub").setLevel(logging.CRITICAL)
    app = fuzz_app(kind, folder)
    try:
        fuzz_reports(app, examples).print("reports API (schemathesis)")
        fuzz_open311(app, examples).print("Open311 API (hypothesis)  ")
    finally:
        current_hub(app).db.dispose()
        drop_database(current_hub(app).settings.database_url)


# The faulty proxy

FAULTS = (
    "delay",
    "timeout",
    "5xx",
    "429",
    "cut body",
    "short json",
    "garbage",
    "garbage body",
    "reset",
    "reset after upstream",
)
TIMEOUT = 1.5


def _canned(status: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close", *headers]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


class FaultyProxy:
    """A loopback HTTP proxy to ``upstream`` that spoils ``rate`` of the requests, one request
    per connection; ``requests`` and ``faults`` count what it did."""

    def __init__(self, upstream: str, rate: float, seed: int = 7) -> None:
        parsed = httpx.URL(upstream)
        self.upstream = (parsed.host, parsed.port)
        self.rate = rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = 0
        self.faults: Counter = Counter()
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                proxy.serve(self.rfile, self.connection)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def choose(self) -> str | None:
        with self.lock:
            self.requests += 1
            if self.random.random() >= self.rate:
                return None
            fault = self.random.choice(FAULTS)
            self.faults[fault] += 1
            return fault

    def serve(self, reader: Any, connection: socket.socket) -> None:
        request = _read_request(reader)
        if request is None:
            return
        fault = self.choose()
        if fault == "delay":
            time.sleep(self.random.uniform(0.1, TIMEOUT / 2))
        if fault == "timeout":
            time.sleep(TIMEOUT + 0.3)
            return
        if fault in ("reset", "reset after upstream"):
            if fault == "reset after upstream":
                self.forward(request)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        connection.sendall(self.answer(fault, request))

    def answer(self, fault: str | None, request: bytes) -> bytes:
        if fault == "5xx":
            status = self.random.choice(("500 Internal Server Error", "502 Bad Gateway"))
            return _canned(status, b"<html>upstream broke</html>", "Content-Type: text/html")
        if fault == "429":
            return _canned("429 Too Many Requests", b"slow down", "Retry-After: 1")
        if fault == "garbage":
            return self.random.randbytes(300)
        if fault == "garbage body":
            body = self.random.randbytes(300)
            return _canned("200 OK", body, "Content-Type: application/json")
        response = self.forward(request)
        if fault == "cut body":
            return response[: len(response) * 2 // 3]
        if fault == "short json":
            head, _, body = response.partition(b"\r\n\r\n")
            body = body[: len(body) // 2]
            lines = [
                line
                for line in head.split(b"\r\n")
                if not line.lower().startswith(b"content-length")
            ]
            return b"\r\n".join([*lines, b"Content-Length: %d" % len(body)]) + b"\r\n\r\n" + body
        return response

    def forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream) as upstream:
            upstream.sendall(request)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _read_request(reader: Any) -> bytes | None:
    """One HTTP request from ``reader``, rewritten to close its connection; None at EOF."""
    lines, length = [], 0
    while True:
        line = reader.readline(65537)
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name = line.split(b":", 1)[0].strip().lower()
        if name == b"content-length":
            length = int(line.split(b":", 1)[1])
        if name not in (b"connection", b"keep-alive"):
            lines.append(line)
    body = reader.read(length) if length else b""
    return b"".join(lines) + b"Connection: close\r\n\r\n" + body


# Chaos


@dataclass
class Syncs:
    """What the syncs through one proxy took."""

    seconds: float = 0.0
    runs: list[int] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(self.runs) - len(self.runs)


def sync_until_success(app: Flask, cap: int, syncs: Syncs, *, full: bool = False) -> bool:
    """Run syncs until one succeeds, at most ``cap``; the first one ``full`` if asked, the
    others as the scheduler runs them."""
    hub = current_hub(app)
    for attempt in range(1, cap + 1):
        started = time.perf_counter()
        run = hub.engine().run(SOURCE, full=full and attempt == 1)
        syncs.seconds += time.perf_counter() - started
        if run.status == "succeeded":
            syncs.runs.append(attempt)
            return True
        syncs.errors[f"{'full ' if run.full else ''}run, {run.error_kind}: {run.error[:80]}"] += 1
    syncs.runs.append(cap)
    return False


def change_source(server_url: str, api_key: str, **counts: int) -> None:
    headers = {"X-API-Key": api_key}
    httpx.post(f"{server_url}/_sim/tick", json=counts, headers=headers).raise_for_status()


def source_listing(simulator_url: str, proxy_url: str, api_key: str) -> dict[str, dict]:
    """Every report the simulator lists, fetched directly, as seen through the proxy's host."""
    headers = {"X-API-Key": api_key, "Host": httpx.URL(proxy_url).netloc.decode()}
    reports, after = {}, None
    with httpx.Client(base_url=simulator_url, headers=headers, timeout=30) as client:
        while True:
            params = {"limit": 1000, **({"after": after} if after else {})}
            body = client.get("/api/v1/reports", params=params).raise_for_status().json()
            reports.update({str(item["id"]): item for item in body["data"]})
            after = body["meta"]["next_after"]
            if not body["meta"]["has_more"]:
                return reports


def compare(app: Flask, listing: dict[str, dict]) -> dict[str, int]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(select(Record.external_id, Record.payload, Record.deleted_at)).all()
        doubled = session.scalar(
            select(func.count()).select_from(
                select(Record.external_id)
                .group_by(Record.source_id, Record.external_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
    stored = {external_id: payload for external_id, payload, gone in rows if gone is None}
    return {
        "lost": len(listing.keys() - stored.keys()),
        "doubled": doubled,
        "stale": sum(1 for key in listing.keys() & stored.keys() if stored[key] != listing[key]),
        "extra": len(stored.keys() - listing.keys()),
    }


def chaos_run(kind: str, folder: Path, size: int, rate: float, cap: int) -> dict[str, Any]:
    """Three syncs, each run until one run succeeds: the first (full), an incremental one after
    new and changed reports, and a full one (``simpul sync --full``) after changes and
    deletions; then the stored records against the source's listing."""
    simulator = installed_hub().simulators["qlue"]
    os.environ.update(simulator.environment)
    api_key = next(iter(simulator.environment.values()))
    database = fresh_database(kind, folder)
    with RunningServer(simulator.create_app(size=size, seed=11)) as server:
        proxy = FaultyProxy(server.url, rate)
        source = SourceSettings(
            SOURCE,
            "qlue",
            settings={
                "url": proxy.url,
                "api_key_env": next(iter(simulator.environment)),
                "page_size": 25,
                "timeout": TIMEOUT,
            },
        )
        settings = hub_settings(
            database, folder, sources=(source,), retry_base_delay=0.05, retry_max_delay=5.0
        )
        app = prepared(settings)
        syncs = Syncs()
        try:
            done = sync_until_success(app, cap, syncs)
            change_source(server.url, api_key, new=size // 10, updates=size // 5)
            done = sync_until_success(app, cap, syncs) and done
            change_source(server.url, api_key, updates=size // 10, deletes=size // 20)
            done = sync_until_success(app, cap, syncs, full=True) and done
            found = compare(app, source_listing(server.url, proxy.url, api_key))
        finally:
            current_hub(app).db.dispose()
            proxy.stop()
            drop_database(database)
    return {"done": done, "syncs": syncs, "proxy": proxy, **found}


def chaos(kind: str, folder: Path, size: int, rates: list[float], cap: int) -> None:
    print(f"\n== chaos on {kind}: {size:,} reports, at most {cap} runs per sync")
    logging.getLogger("hub").setLevel(logging.CRITICAL)
    chaos_run(kind, folder, size // 10, 0.0, cap)  # warms the caches up, so neither pays it
    base = chaos_run(kind, folder, size, 0.0, cap)
    show("baseline, no faults", base)
    for rate in rates:
        hit = chaos_run(kind, folder, size, rate, cap)
        show(f"{rate:4.0%} spoiled       ", hit)
        print(f"  faults injected: {dict(hit['proxy'].faults)}")
        for error, times in hit["syncs"].errors.items():
            print(f"  failed run x{times}: {error}")
        print(
            f"  ratio to baseline: time {hit['syncs'].seconds / base['syncs'].seconds:.2f}, "
            f"requests {hit['proxy'].requests / base['proxy'].requests:.2f}"
        )


def show(name: str, result: dict[str, Any]) -> None:
    syncs, proxy = result["syncs"], result["proxy"]
    print(
        f"{name}: {syncs.seconds:6.2f} s, {proxy.requests:4d} HTTP requests, "
        f"{sum(proxy.faults.values()):3d} faults, runs per sync {syncs.runs}"
        f"{'' if result['done'] else ' (CAP REACHED)'}; records lost {result['lost']}, "
        f"doubled {result['doubled']}, stale {result['stale']}, not deleted {result['extra']}"
        "   (target 0 each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("fuzz", "chaos", "both"), default="both")
    parser.add_argument("--examples", type=int, default=30, help="examples per operation")
    parser.add_argument("-n", type=int, default=500, help="reports in the simulator")
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[0.2, 0.5], help="shares of requests spoiled"
    )
    parser.add_argument("--cap", type=int, default=10, help="runs at most, per sync")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="simpul-chaos-") as scratch:
        run_parts(options, Path(scratch))


def run_parts(options: argparse.Namespace, folder: Path) -> None:
    """The asked parts on the asked databases; SQLite files and uploads go in ``folder``."""
    for kind in ("sqlite", "postgresql") if options.db == "both" else (options.db,):
        if options.part in ("fuzz", "both"):
            fuzz(kind, folder, options.examples)
        if options.part in ("chaos", "both"):
            chaos(kind, folder, options.n, options.rate, options.cap)


if __name__ == "__main__":
    main()
