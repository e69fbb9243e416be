"""Ingest benchmark: sync N complaints from the Qlue simulator over HTTP into the database.

    .venv/bin/python bench/ingest.py                 # N = 200,000 on SQLite and PostgreSQL
    .venv/bin/python bench/ingest.py -n 20000 --db sqlite

For each database it prints, measured in the same run:
- the full sync: records per second, and the ratio to a baseline that inserts the same rows,
  already fetched and normalized, with one bulk INSERT (target: 0.7 or more);
- where the full sync's time went: the wall time of its parts (fetching runs in a thread of its
  own, meanwhile);
- an incremental sync with nothing changed: the median time of five and their HTTP requests
  (target: under 50 ms);
- the sync's peak memory (RSS) at N and at N/10, and their ratio (target: flat, close to 1).

The simulator runs in a child process; each measurement runs in a fresh child of its own, so
peak memory is the sync's alone. PostgreSQL is read from SIMPUL_BENCH_POSTGRES_URL (default: the
local server's ``test`` database, in which a scratch database is created and dropped).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from hub.app import create_app, load_plugins
from hub.areas import import_areas
from hub.config import Settings
from hub.models import Base, Record
from hub.models.base import utcnow
from hub.simulators import RunningServer
from hub.sources import SourceSettings
from hub.state import Hub, current_hub
from hub.sync.scheduler import register_sources, run_periodic_tasks
from hub.sync.store import PageStore

POSTGRES = os.environ.get(
    "SIMPUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SOURCE = "qlue-bench"
RATIO_TARGET = 0.7
NOOP_TARGET_MS = 50
NOOP_RUNS = 5


def installed_hub() -> Hub:
    return Hub(Settings(), load_plugins(Settings(strict_plugins=True)))


def serve_simulator(size: int) -> None:
    """Child process: serve the Qlue simulator with ``size`` reports until stdin closes."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    simulator = installed_hub().simulators["qlue"]
    with RunningServer(simulator.create_app(size=size, seed=11)) as server:
        print(json.dumps({"url": server.url, "env": simulator.environment}), flush=True)
        sys.stdin.read()


def fresh_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}"
    name = f"simpul_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {parsed.database} WITH (FORCE)"))
    admin.dispose()


def prepared_app(database_url: str, simulator_url: str):
    source = SourceSettings(
        SOURCE,
        "qlue",
        settings={"url": simulator_url, "api_key_env": "SIMPUL_QLUE_API_KEY", "page_size": 1000},
    )
    app = create_app(
        Settings(
            database_url=database_url, sources=(source,), strict_plugins=True, secret_key="bench"
        )
    )
    hub = current_hub(app)
    Base.metadata.create_all(hub.db.engine)
    import_areas(hub.db)
    register_sources(hub.db, hub.settings)
    run_periodic_tasks(hub, utcnow())  # as a new hub's scheduler does (the rollups are built)
    return app


PARTS = (
    ("fetch", "hub.sync.engine", "SyncEngine", "_fetch"),
    ("normalize", "hub.sync.store", "PageStore", "_normalized"),
    ("store", "hub.sync.store", "PageStore", "store"),
    ("store normalized", "hub.sync.store", "PageStore", "store_normalized"),
    ("hooks", "hub.state", "Hub", "records_changed"),
    ("cases", "features.complaints.cases", None, "follow_changes"),
    ("rollups", "features.complaints.rollups", None, "moved"),
    ("rollups of new cases", "features.complaints.rollups", None, "added"),
    ("photos", "features.complaints.photos", None, "follow_changes"),
    ("page", "hub.sync.engine", "SyncEngine", "_commit_page"),
)
"""The parts of a sync timed: (name, module, class or None, function); a function the hub
does not have is left out."""


def _timed(function: Callable, name: str, spent: Counter) -> Callable:
    @wraps(function)
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    return timed


@contextmanager
def timing_parts(spent: Counter):
    """Add the wall time of each of :data:`PARTS` to ``spent`` while in the block."""
    patched = []
    for name, module, owner, attribute in PARTS:
        target = importlib.import_module(module)
        target = getattr(target, owner) if owner else target
        original = getattr(target, attribute, None)
        if original is None:
            continue
        patched.append((target, attribute, original))
        setattr(target, attribute, _timed(original, name, spent))
    try:
        yield
    finally:
        for target, attribute, original in reversed(patched):
            setattr(target, attribute, original)


def breakdown(spent: dict[str, float]) -> str:
    """The parts of a sync, each without the parts timed within it (normalizing is within
    storing unless the page came normalized, from the fetching thread)."""
    spent = Counter(spent)
    stored = spent["store normalized"] or spent["store"] - spent["normalize"]
    parts = {
        "fetch": spent["fetch"],
        "normalize": spent["normalize"],
        "records": stored,
        "cases": spent["cases"] - spent["rollups"] - spent["rollups of new cases"],
        "rollups": spent["rollups"] + spent["rollups of new cases"],
        "photos": spent["photos"],
        "other hooks": spent["hooks"] - spent["cases"] - spent["photos"],
        "commit etc.": spent["page"]
        - (spent["store normalized"] or spent["store"])
        - spent["hooks"],
    }
    return ", ".join(f"{name} {seconds:.2f}" for name, seconds in parts.items())


def measure_sync(database_url: str, simulator_url: str) -> dict:
    """Child process: a full sync then no-change syncs; peak RSS of this process."""
    hub = current_hub(prepared_app(database_url, simulator_url))
    spent: Counter[str] = Counter()
    with timing_parts(spent):
        started, cpu = time.perf_counter(), time.process_time()
        full = hub.engine().run(SOURCE)
        full_seconds, full_cpu = time.perf_counter() - started, time.process_time() - cpu
    noop_seconds = []
    for _ in range(NOOP_RUNS):
        started = time.perf_counter()
        again = hub.engine().run(SOURCE)
        noop_seconds.append(time.perf_counter() - started)
        assert again.status == "succeeded", again.error
    assert full.status == "succeeded", full.error
    return {
        "records": full.created,
        "sync_seconds": full_seconds,
        "sync_cpu_seconds": full_cpu,
        "parts": dict(spent),
        "noop_seconds": statistics.median(noop_seconds),
        "noop_requests": again.requests,
        "noop_created": again.created,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_baseline(database_url: str, simulator_url: str) -> dict:
    """Child process: fetch and normalize everything first, then time one bulk INSERT."""
    hub = current_hub(prepared_app(database_url, simulator_url))
    source_type = hub.source_type("qlue")
    settings = source_type.validate(SOURCE, hub.settings.source(SOURCE).settings)
    connector = source_type.connect(settings)
    store = PageStore(1, 0, source_type.normalize, frozenset({"complaint"}))
    rows, cursor, now = [], None, utcnow()
    while True:
        page = connector.fetch_page(cursor)
        for payload in page.records:
            record = source_type.normalize(payload)
            rows.append(
                {
                    **store._values(record, payload, "0" * 64, now),
                    "first_seen_at": now,
                    "last_seen_run_id": None,
                }
            )
        cursor = page.next_cursor
        if not page.has_more:
            break
    connector.close()
    started = time.perf_counter()
    with hub.db.session() as session:
        session.execute(insert(Record), rows)
    return {"records": len(rows), "insert_seconds": time.perf_counter() - started}


def in_child(function: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", function, *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"the {function} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_simulator(size: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", "serve", str(size)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    started = json.loads(process.stdout.readline())
    os.environ.update(started["env"])
    return process, started["url"]


def bench(kind: str, size: int, folder: Path) -> dict:
    print(f"\n== {kind}, N = {size:,}")
    for n in (size, max(size // 10, 1000)):
        simulator, url = start_simulator(n)
        try:
            database = fresh_database(kind, folder)
            try:
                sync = in_child("sync", database, url)
            finally:
                drop_database(database)
            if n == size:
                database = fresh_database(kind, folder)
                try:
                    baseline = in_child("baseline", database, url)
                finally:
                    drop_database(database)
                full = sync
            else:
                small = sync
        finally:
            simulator.stdin.close()
            simulator.wait()
    sync_rate = full["records"] / full["sync_seconds"]
    bulk_rate = baseline["records"] / baseline["insert_seconds"]
    print(
        f"full sync over HTTP : {full['records']:>9,} records in {full['sync_seconds']:7.2f} s"
        f" = {sync_rate:>9,.0f} records/s"
    )
    print(
        f"  of which CPU here : {full['sync_cpu_seconds']:7.2f} s"
        " (the worker's own; less sensitive to a busy machine)"
    )
    print(f"  its parts (s)     : {breakdown(full['parts'])}")
    print(
        f"bulk INSERT baseline: {baseline['records']:>9,} records in "
        f"{baseline['insert_seconds']:7.2f} s = {bulk_rate:>9,.0f} records/s"
    )
    ratio = sync_rate / bulk_rate
    print(f"ratio sync/baseline : {ratio:.2f}   (target >= {RATIO_TARGET})")
    print(
        f"no-change sync      : {full['noop_seconds'] * 1000:.1f} ms (median of {NOOP_RUNS}), "
        f"{full['noop_requests']} HTTP request(s), {full['noop_created']} created"
        f"   (target < {NOOP_TARGET_MS} ms)"
    )
    print(
        f"peak RSS            : {full['peak_rss_mb']:.0f} MB at N = {full['records']:,}, "
        f"{small['peak_rss_mb']:.0f} MB at N = {small['records']:,}, "
        f"ratio {full['peak_rss_mb'] / small['peak_rss_mb']:.2f}   (target: close to 1)"
    )
    return {"ratio": ratio, "noop_ms": full["noop_seconds"] * 1000}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        function, args = sys.argv[2], sys.argv[3:]
        if function == "serve":
            serve_simulator(int(args[0]))
            return
        measure = {"sync": measure_sync, "baseline": measure_baseline}[function]
        print(json.dumps(measure(*args)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=200_000, help="complaints (default 200,000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--folder", default="instance/bench", help="where SQLite files go")
    options = parser.parse_args()
    folder = Path(options.folder)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = ("sqlite", "postgresql") if options.db == "both" else (options.db,)
    results = {kind: bench(kind, options.n, folder) for kind in kinds}
    print(f"\n== summary, N = {options.n:,}")
    for kind, result in results.items():
        print(
            f"{kind:<11}: ratio {result['ratio']:.2f} (target >= {RATIO_TARGET}), "
            f"no-change {result['noop_ms']:.1f} ms (target < {NOOP_TARGET_MS} ms)"
        )


if __name__ == "__main__":
    main()
