"""Lighthouse (mobile) on the complaint answer form, against the sign-in page.

    .venv/bin/python bench/lighthouse_answer_form.py
    .venv/bin/python bench/lighthouse_answer_form.py --runs 3 --reports instance/bench/lighthouse
    .venv/bin/python bench/lighthouse_answer_form.py --cpu-slowdown 2    # on a slow host

It builds a hub as the browser tests do: the Qlue simulator served on loopback, the hub with every
installed feature and plugin on a temporary SQLite file and the local Redis
(SIMPUL_BENCH_REDIS_URL, default database 13; a private Redis is started when none answers),
synced, the complaints' photos copied by a worker, and a ward staff member of the kelurahan of an
open complaint. The hub is served on loopback; the staff member signs in through the form (httpx)
and the session cookie is handed to Lighthouse.

Lighthouse 12 (``npx --yes lighthouse@12``, kept in ~/.cache/simpul-bench, never in the
repository) runs in Chromium (CHROME_PATH, default /usr/bin/chromium) with its default mobile
emulation (Moto G Power, simulated slow 4G and a 4x slower CPU) on the complaint page
``/complaints/<id>``, where the answer form is, and, as the baseline of the same run, on the
sign-in page ``/login`` (without the cookie). The pages are measured in turn, ``--runs`` times
each (default 5), and the run with the median performance score is kept for each.

For each page it prints the performance, accessibility and best-practices scores (0-100), the
key metrics (FCP, LCP, TBT, CLS, Speed Index, bytes transferred) and the audits that cost points,
then the ratio of the answer form's performance score to the sign-in page's (target: both scores
90 or more, ratio close to 1). The JSON reports are kept in ``--reports``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import redis
from rq import SimpleWorker
from sqlalchemy import text

from hub.app import create_app, load_plugins
from hub.areas import import_areas
from hub.config import Settings
from hub.embedded_redis import EmbeddedRedis
from hub.models import Base, User
from hub.simulators import RunningServer, Simulator
from hub.sources import SourceSettings
from hub.state import Hub, current_hub
from hub.sync import jobs
from hub.sync.scheduler import register_sources, tick
from hub.testing import PASSWORD, PASSWORD_HASH, run_sync

REDIS = os.environ.get("SIMPUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = "lighthouse@12"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "simpul-bench"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync"
)
SLOW_HOST = 1000
"""Below this benchmarkIndex Lighthouse warns that the host is slower than its CPU slowdown
assumes; the simulated phone is slower still, and its blocking time longer."""
CATEGORIES = ("performance", "accessibility", "best-practices")
SOURCE = "qlue-city"
USERNAME = "lurah"
OPEN_WITH_PHOTO = """
    SELECT c.record_id, c.area_code FROM complaint_cases c
    LEFT JOIN complaint_photos p ON p.record_id = c.record_id AND p.state = 'stored'
    WHERE c.status = 'open' AND c.area_code IS NOT NULL
    ORDER BY p.record_id IS NULL, c.record_id LIMIT 1
"""
"""The first open complaint, one whose photo the hub has copied if there is one: the page a ward
staff member answers from, with its largest element."""
METRICS = (
    ("FCP", "first-contentful-paint", "ms"),
    ("LCP", "largest-contentful-paint", "ms"),
    ("TBT", "total-blocking-time", "ms"),
    ("CLS", "cumulative-layout-shift", ""),
    ("Speed Index", "speed-index", "ms"),
    ("transfer", "total-byte-weight", "bytes"),
)


def missing_tools() -> list[str]:
    problems = []
    if shutil.which("npx") is None:
        problems.append("npx is not on the PATH: install Node.js 18 or newer (with npm)")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"no Chromium at {CHROMIUM}: install it or set CHROME_PATH")
    return problems


def redis_url(stack: ExitStack, folder: Path) -> str:
    """The local Redis when it answers, or a private one for this run."""
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
        return REDIS
    except redis.RedisError:
        embedded = EmbeddedRedis(folder / "redis").start()
        stack.callback(embedded.stop)
        return embedded.url
    finally:
        client.close()


def serve_simulator(stack: ExitStack) -> tuple[Simulator, str]:
    settings = Settings(strict_plugins=True)
    simulator = Hub(settings, load_plugins(settings)).simulators["qlue"]
    os.environ.update(simulator.environment)
    server = stack.enter_context(RunningServer(simulator.create_app(size=60, seed=7)))
    return simulator, server.url


def served_hub(stack: ExitStack, folder: Path) -> tuple[str, int, str]:
    """The hub served on loopback, synced, with a ward staff member: its URL, the complaint to
    answer and whether the hub has a copy of its photo."""
    simulator, simulator_url = serve_simulator(stack)
    source = SourceSettings(
        SOURCE, simulator.source_type, 300, True, simulator.source_settings(simulator_url)
    )
    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder / 'hub.db'}",
            redis_url=redis_url(stack, folder),
            instance_path=str(folder / "instance"),
            storage_path=str(folder / "files"),
            sources=(source,),
            strict_plugins=True,
            secret_key="bench",
            retry_base_delay=0.01,
            queue_name=f"bench-{uuid.uuid4().hex[:8]}",
        )
    )
    hub = current_hub(app)
    stack.callback(hub.db.dispose)
    Base.metadata.create_all(hub.db.engine)
    import_areas(hub.db)
    register_sources(hub.db, hub.settings)
    run = run_sync(app, SOURCE)
    assert run.status == "succeeded", run.error
    tick(hub)
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True, logging_level="CRITICAL")
    with hub.db.read_session() as session:
        complaint, village = session.execute(text(OPEN_WITH_PHOTO)).first()
        photo = session.scalar(
            text("SELECT state FROM complaint_photos WHERE record_id = :id"), {"id": complaint}
        )
    with hub.db.session() as session:
        session.add(
            User(
                username=USERNAME,
                role="ward_staff",
                area_code=village,
                password_hash=PASSWORD_HASH,
                full_name="Staf Kelurahan",
            )
        )
    server = stack.enter_context(RunningServer(app))
    return server.url, complaint, photo or "none"


def session_cookie(url: str, complaint: int) -> str:
    """Sign in through the form; the Cookie header of the signed-in browser."""
    with httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = {"username": USERNAME, "password": PASSWORD, "csrf_token": token}
        answer = client.post("/login", data=data)
        if answer.status_code != 302 or "/login" in answer.headers.get("location", ""):
            sys.exit(f"signing in as {USERNAME} failed: HTTP {answer.status_code}")
        form = client.get(f"/complaints/{complaint}")
        if form.status_code != 200 or 'id="answer"' not in form.text:
            sys.exit(f"/complaints/{complaint} shows no answer form (HTTP {form.status_code})")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def lighthouse(url: str, report: Path, cookie: str | None, cpu_slowdown: float | None) -> dict:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    environment = {
        **os.environ,
        "CHROME_PATH": CHROMIUM,
        "npm_config_cache": str(CACHE / "npm"),
        "npm_config_update_notifier": "false",
    }
    done = subprocess.run(
        command, env=environment, cwd=CACHE, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not report.is_file():
        sys.exit(f"Lighthouse failed on {url} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        sys.exit(f"Lighthouse could not load {url}: {result['runtimeError']}")
    if result["finalDisplayedUrl"].rstrip("/") != url.rstrip("/"):
        sys.exit(f"Lighthouse was sent from {url} to {result['finalDisplayedUrl']}")
    return result


def score(result: dict, category: str) -> float:
    value = result["categories"][category]["score"]
    return float("nan") if value is None else value * 100


def measure(pages: dict[str, tuple[str, str | None]], options: argparse.Namespace) -> dict:
    """Each page ``options.runs`` times, the pages in turn (so a busy moment of the machine falls
    on both); for each, the run with the median performance score."""
    results: dict[str, list[dict]] = {name: [] for name in pages}
    for index in range(options.runs):
        for name, (url, cookie) in pages.items():
            report = options.reports / f"{name}-{index + 1}.json"
            result = lighthouse(url, report, cookie, options.cpu_slowdown)
            results[name].append(result)
            print(
                f"  run {index + 1} {name:<11}: performance {score(result, 'performance'):3.0f},"
                f" TBT {result['audits']['total-blocking-time']['numericValue']:5.0f} ms,"
                f" CLS {result['audits']['cumulative-layout-shift']['numericValue']:.3f},"
                f" benchmarkIndex {result['environment']['benchmarkIndex']:.0f}",
                flush=True,
            )
    chosen = {}
    for name, runs in results.items():
        ordered = sorted(runs, key=lambda result: score(result, "performance"))
        chosen[name] = ordered[(len(ordered) - 1) // 2]
        (options.reports / f"{name}.json").write_text(json.dumps(chosen[name]))
    return chosen


def metric(result: dict, audit: str, unit: str) -> str:
    value = result["audits"][audit].get("numericValue")
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value / 1000:.2f} s"
    if unit == "bytes":
        return f"{value / 1024:.0f} KiB"
    return f"{value:.3f}"


def lost_points(result: dict) -> list[str]:
    """The weighted audits of each category below a full score, and what they name."""
    lines = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if not ref.get("weight") or audit.get("score") is None or audit["score"] >= 1:
                continue
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(
                f"{category}: {ref['id']} score {audit['score'] * 100:.0f}, "
                f"weight {ref['weight']}{shown}"
            )
            items = (audit.get("details") or {}).get("items") or []
            if ref["id"] == "total-blocking-time":
                items = result["audits"]["long-tasks"]["details"]["items"]
                lines.extend(
                    f"    long task {item['duration']:.0f} ms: {item['url']}" for item in items[:5]
                )
                continue
            if ref["id"] == "cumulative-layout-shift":
                items = result["audits"]["layout-shifts"]["details"]["items"]
            for item in items[:5]:
                node = item.get("node") or {}
                named = node.get("selector") or item.get("url") or item.get("source") or ""
                if named:
                    lines.append(f"    {named}")
                for cause in (item.get("subItems") or {}).get("items", [])[:3]:
                    culprit = (cause.get("extra") or {}).get("selector", "")
                    lines.append(f"      moved by: {cause.get('cause', '')} {culprit}".rstrip())
    return lines


def print_result(name: str, result: dict) -> None:
    print(f"\n== {name}: {result['finalDisplayedUrl']}")
    index = result["environment"]["benchmarkIndex"]
    slow = " (Lighthouse expects 1000 or more: TBT is inflated)" if index < SLOW_HOST else ""
    print(f"host    : benchmarkIndex {index:.0f}{slow}")
    print("scores  : " + ", ".join(f"{c} {score(result, c):.0f}" for c in CATEGORIES))
    print("metrics : " + ", ".join(f"{n} {metric(result, a, u)}" for n, a, u in METRICS))
    points = lost_points(result)
    print("lost    : " + ("\n          ".join(points) if points else "nothing"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (default 5)")
    parser.add_argument(
        "--reports", default="instance/bench/lighthouse", help="where the JSON reports go"
    )
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        help="Lighthouse's CPU slowdown multiplier (default Lighthouse's, 4), for a slow host",
    )
    options = parser.parse_args()
    problems = missing_tools()
    if problems:
        sys.exit("cannot run Lighthouse:\n  " + "\n  ".join(problems))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    options.reports = reports = Path(options.reports).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="simpul-lh-")))
        url, complaint, photo = served_hub(stack, folder)
        cookie = session_cookie(url, complaint)
        print(
            f"hub on {url}, complaint {complaint} (its photo: {photo}); {LIGHTHOUSE},"
            f" {options.runs} run(s) a page; load average {os.getloadavg()[0]:.1f}"
            f" on {os.cpu_count()} CPUs"
        )
        pages = {
            "answer-form": (f"{url}/complaints/{complaint}", cookie),
            "sign-in": (f"{url}/login", None),
        }
        chosen = measure(pages, options)
    form, login = chosen["answer-form"], chosen["sign-in"]
    print_result("answer form", form)
    print_result("sign-in (baseline)", login)
    ratio = score(form, "performance") / score(login, "performance")
    print(
        f"\nperformance answer-form/sign-in: {ratio:.2f}   (target: close to 1; both scores >= 90)"
    )
    print(f"reports: {reports}")


if __name__ == "__main__":
    main()
