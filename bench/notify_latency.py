"""Notification latency benchmark: from a sync's last commit to the e-mail in the mail server.

    .venv/bin/python bench/notify_latency.py                 # 50 rounds on SQLite and PostgreSQL
    .venv/bin/python bench/notify_latency.py --rounds 20 --db sqlite

Every kelurahan of the Qlue simulator's city has a lurah with an e-mail address on the hub. Each
round makes one new complaint at the simulator (``POST /_sim/tick {"new": 1}``), runs one sync
in this process as a worker would, and takes the time from the end of the run's last commit
(which hands the lurah's delivery to the workers) to the moment the SMTP server on loopback
received the e-mail. One worker, ``simpul worker``'s SimpleWorker bound to its app, sends it from
a child process.

In the same rounds, two baselines to the same mail server: the same e-mail sent straight with
smtplib from this process, and sent with smtplib by an RQ job through the same worker (the
queue's round trip without the hub). For each database it prints the median and p95 of each
(target: the hub's p95 under 5 s) and the ratios hub / baseline.

PostgreSQL is read from SIMPUL_BENCH_POSTGRES_URL (default: the local server's ``test``
database, in which a scratch database is created and dropped); Redis from
SIMPUL_BENCH_REDIS_URL (default: database 14 of the local server), on a scratch queue.
"""

from __future__ import annotations

import argparse
import logging
import os
import smtplib
import statistics
import subprocess
import sys
import threading
import time
import uuid
from email.message import EmailMessage
from functools import cache
from pathlib import Path

from flask import Flask
from ingest import drop_database, fresh_database
from rq import SimpleWorker
from sqlalchemy import event, select

from hub.app import create_app, load_plugins
from hub.areas import import_areas
from hub.config import Settings
from hub.embedded_redis import free_port
from hub.models import Area, Base, ChannelAddress, User
from hub.simulators import RunningServer, Simulator
from hub.sources import SourceSettings
from hub.state import Hub, current_hub
from hub.sync import jobs
from hub.sync.connector import http_client
from hub.sync.scheduler import register_sources
from hub.testing import Mailbox

REDIS = os.environ.get("SIMPUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SOURCE = "qlue-bench"
CITY = "31.75"
WARM_UP = 3
WAIT = 30.0
"""The longest a round waits for its e-mail, in seconds."""


class TimedMailbox(Mailbox):
    """The kit's SMTP server, noting when each e-mail arrived (``time.perf_counter``)."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.arrived: list[tuple[float, str]] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        with self._changed:
            self.arrived.append((time.perf_counter(), self.messages[-1]["To"]))
            self._changed.notify_all()
        return answer

    def wait_for(self, count: int) -> tuple[float, str]:
        """The arrival of the ``count``-th e-mail, waiting for it up to ``WAIT`` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.arrived) >= count, WAIT):
                raise TimeoutError(f"e-mail #{count} did not arrive within {WAIT:.0f} s")
            return self.arrived[count - 1]


def send_straight(port: int, to: str, subject: str, body: str) -> None:
    """The baseline: one e-mail sent with smtplib, as the hub's e-mail channel sends it."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Simpul <simpul@localhost>", to, subject
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@simpul>"
    mail.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(mail)


def bench_app(database_url: str, queue: str, smtp_port: int, sources=()) -> Flask:
    settings = Settings(
        database_url=database_url,
        redis_url=REDIS,
        queue_name=queue,
        sources=sources,
        strict_plugins=True,
        secret_key="bench",
        sections={"notify": {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}},
    )
    return create_app(settings)


def run_worker(database_url: str, queue: str, smtp_port: str) -> None:
    """Child process: one worker for the queue, as ``simpul worker`` runs it, until killed."""
    logging.basicConfig(level=logging.WARNING)
    app = bench_app(database_url, queue, int(smtp_port))
    hub = current_hub(app)
    jobs.bind(app)
    print("ready", flush=True)
    worker = SimpleWorker([hub.queue], connection=hub.redis)
    worker.work(burst=False, logging_level="WARNING", with_scheduler=False)


def start_worker(database_url: str, queue: str, smtp_port: int) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, __file__, "--child", "worker", database_url, queue, str(smtp_port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    if worker.stdout.readline().strip() != "ready":
        raise RuntimeError("the worker did not start")
    return worker


def prepare(app: Flask) -> dict[str, str]:
    """The schema, the areas, the source, and a lurah with an e-mail address for each
    kelurahan of the city; return each kelurahan's lurah's address."""
    hub = current_hub(app)
    Base.metadata.create_all(hub.db.engine)
    import_areas(hub.db)
    register_sources(hub.db, hub.settings)
    addresses = {}
    with hub.db.session() as session:
        villages = session.scalars(
            select(Area.code).where(Area.level == "village", Area.code.startswith(CITY + "."))
        ).all()
        for code in villages:
            user = User(username=f"lurah-{code}", role="ward_staff", area_code=code)
            user.password_hash = "-"
            session.add(user)
            session.flush()
            addresses[code] = f"lurah.{code}@bench.go.id"
            session.add(ChannelAddress(user_id=user.id, channel="email", address=addresses[code]))
    return addresses


class Rounds:
    """The rounds on one database: the hub's latency and both baselines, in turns."""

    def __init__(self, app: Flask, simulator_url: str, api_key: str, mailbox: TimedMailbox):
        self.app, self.hub, self.mailbox = app, current_hub(app), mailbox
        self.simulator = http_client(simulator_url, headers={"X-API-Key": api_key}, timeout=10)
        self.sent = 0
        self.commits: list[float] = []
        event.listen(self.hub.db.sessions, "after_commit", self._committed, insert=True)

    def _committed(self, _session) -> None:
        self.commits.append(time.perf_counter())

    def _arrival(self, to: str) -> float:
        self.sent += 1
        arrived, received_to = self.mailbox.wait_for(self.sent)
        if received_to != to:
            raise RuntimeError(f"expected an e-mail to {to}, got one to {received_to}")
        return arrived

    def hub_round(self, addresses: dict[str, str]) -> tuple[float, float]:
        """One new complaint, one sync; the seconds from the run's last commit to the e-mail,
        and the run's own seconds."""
        created = self.simulator.post("/_sim/tick", json={"new": 1}).json()["created"]
        report = self.simulator.get(f"/_sim/reports/{created[0]}").json()
        self.commits.clear()
        started = time.perf_counter()
        with self.app.app_context():
            run = self.hub.engine().run(SOURCE, worker="bench")
        assert run.status == "succeeded" and run.created == 1, (run.status, run.error)
        committed = self.commits[-1]
        arrived = self._arrival(addresses[report["location"]["kelurahan_code"]])
        return arrived - committed, committed - started

    def straight_round(self) -> float:
        to = "straight@bench.go.id"
        started = time.perf_counter()
        send_straight(self.mailbox.port, to, "1 aduan baru", "straight")
        return self._arrival(to) - started

    def queued_round(self) -> float:
        to = "queued@bench.go.id"
        started = time.perf_counter()
        job = f"{Path(__file__).stem}.send_straight"
        self.hub.queue.enqueue(job, self.mailbox.port, to, "1 aduan baru", "queued")
        return self._arrival(to) - started

    def close(self) -> None:
        event.remove(self.hub.db.sessions, "after_commit", self._committed)
        self.simulator.close()


def p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=20, method="inclusive")[-1]


def summary(label: str, seconds: list[float]) -> str:
    return (
        f"{label:<34} median {statistics.median(seconds) * 1000:8.1f} ms"
        f"   p95 {p95(seconds) * 1000:8.1f} ms   max {max(seconds) * 1000:8.1f} ms"
    )


def report(kind: str, rounds: int, figures: dict[str, list[float]]) -> None:
    latencies = figures["latency"]
    print(f"\n== {kind}, {rounds} rounds (after {WARM_UP} to warm up), one worker")
    print(summary("sync commit -> e-mail received", latencies))
    print(summary("  (the sync run itself)", figures["sync"]))
    print(summary("baseline: smtplib straight", figures["straight"]))
    print(summary("baseline: RQ job sending smtplib", figures["queued"]))
    print(f"p95 {p95(latencies):.2f} s   (target < 5 s)")
    for name, baseline in (("smtplib straight", "straight"), ("RQ job + smtplib", "queued")):
        ratio = statistics.median(latencies) / statistics.median(figures[baseline])
        print(f"ratio of medians hub / {name:<17}: {ratio:6.1f}")


def measure(
    app: Flask, simulator: RunningServer, mailbox: TimedMailbox, addresses: dict, rounds: int
) -> dict[str, list[float]]:
    """The warm-up rounds, then ``rounds`` measured ones: each figure's seconds."""
    api_key = next(iter(installed_simulator().environment.values()), "")
    measured = Rounds(app, simulator.url, api_key, mailbox)
    figures: dict[str, list[float]] = {"latency": [], "sync": [], "straight": [], "queued": []}
    try:
        for number in range(WARM_UP + rounds):
            latency, sync = measured.hub_round(addresses)
            straight, queued = measured.straight_round(), measured.queued_round()
            if number >= WARM_UP:
                for name, seconds in zip(figures, (latency, sync, straight, queued), strict=True):
                    figures[name].append(seconds)
    finally:
        measured.close()
    return figures


def forget_queue(hub: Hub) -> None:
    """Delete the scratch queue, its jobs (the finished ones too) and every key named after
    it."""
    for job_id in hub.queue.finished_job_registry.get_job_ids():
        hub.redis.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    hub.queue.delete(delete_jobs=True)
    for key in hub.redis.scan_iter(match=f"*{hub.settings.queue_name}*"):
        hub.redis.delete(key)


def bench(kind: str, rounds: int, folder: Path) -> None:
    """The rounds on a scratch database of ``kind``, a simulator, a mail server and a worker
    of their own."""
    simulator = installed_simulator()
    mailbox = TimedMailbox(free_port())
    mailbox.start()
    database = fresh_database(kind, folder)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    worker = None
    try:
        with RunningServer(simulator.create_app(size=0, seed=11)) as server:
            source = SourceSettings(SOURCE, "qlue", settings=simulator.source_settings(server.url))
            app = bench_app(database, queue, mailbox.port, (source,))
            try:
                addresses = prepare(app)
                worker = start_worker(database, queue, mailbox.port)
                figures = measure(app, server, mailbox, addresses, rounds)
            finally:
                forget_queue(current_hub(app))
                current_hub(app).db.dispose()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait()
        drop_database(database)
        mailbox.stop()
    report(kind, rounds, figures)


@cache
def installed_simulator() -> Simulator:
    settings = Settings(strict_plugins=True)
    return Hub(settings, load_plugins(settings)).simulators["qlue"]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_worker(*sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="measured rounds (default 50)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--folder", default="instance/bench", help="where SQLite files go")
    options = parser.parse_args()
    folder = Path(options.folder)
    folder.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ.update(installed_simulator().environment)
    for kind in ("sqlite", "postgresql") if options.db == "both" else (options.db,):
        bench(kind, options.rounds, folder)


if __name__ == "__main__":
    main()
