"""``simpul demo``: the whole hub on one machine, reading simulated city apps.

It serves every installed simulator on loopback, writes a configuration with one source per
simulator, uses SQLite and a private Redis (unless ``SIMPUL_REDIS_URL`` names one), starts a worker
and a scheduler as child processes, and serves the portal.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import click
from sqlalchemy import select
from werkzeug.serving import make_server

from hub import migrate
from hub.app import create_app, load_plugins
from hub.areas import import_areas
from hub.config import Settings, load_settings
from hub.embedded_redis import EmbeddedRedis
from hub.models import User
from hub.simulators import RunningServer
from hub.state import Hub, current_hub
from hub.sync.scheduler import register_sources

ADMIN = "admin"
DEMO_PEOPLE = (
    (ADMIN, "Admin Simpul", "admin", None, None),
    ("operator", "Operator Ruang Kendali", "operator", None, None),
    ("lurah.setu", "Lurah Setu", "ward_staff", "31.75.10.1005", None),
    ("camat.cipayung", "Camat Cipayung", "officer", "31.75.10", None),
    ("dinas.lh", "Petugas Dinas Lingkungan Hidup", "officer", None, "dlh"),
)
"""Who can sign in to the demo: one of each kind of user, all with the printed password."""
SYNC_INTERVAL = 30
SIMULATOR_TICK = 15


def run_demo(folder: Path, host: str, port: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        redis_url = os.environ.get("SIMPUL_REDIS_URL") or _embedded_redis(stack, folder)
        config = _write_config(stack, folder, redis_url)
        os.environ.update(SIMPUL_CONFIG=str(config), SIMPUL_SECRET_KEY_FILE=str(_secret(folder)))
        app = create_app(load_settings(config))
        password = _prepare_database(app)
        for command in ("worker", "scheduler"):
            _child(stack, command)
        server = make_server(host, port, app, threaded=True)
        click.echo(f"Simpul portal: http://{host}:{server.server_port}/")
        click.echo(f"Sign in as {ADMIN} with password {password}")
        others = ", ".join(username for username, *_ in DEMO_PEOPLE[1:])
        click.echo(f"(the same password works for {others})")
        click.echo("Press Ctrl+C to stop.", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            click.echo("stopping", err=True)
            server.server_close()


def _embedded_redis(stack: ExitStack, folder: Path) -> str:
    embedded = EmbeddedRedis(folder / "redis").start()
    stack.callback(embedded.stop)
    return embedded.url


def _write_config(stack: ExitStack, folder: Path, redis_url: str) -> Path:
    """Serve every simulator and write a configuration with a source reading each."""
    probe = Hub(Settings(), load_plugins(Settings()))
    lines = [
        "[hub]",
        f"database_url = {_toml('sqlite:///' + str(folder / 'simpul.db'))}",
        f"redis_url = {_toml(redis_url)}",
        f"instance_path = {_toml(str(folder))}",
        "scheduler_tick = 2",
    ]
    for simulator in probe.simulators.values():
        server = RunningServer(simulator.create_app(tick_seconds=SIMULATOR_TICK))
        stack.callback(server.stop)
        os.environ.update(simulator.environment)
        lines += [
            "",
            f"[sources.{simulator.name}-demo]",
            f"type = {_toml(simulator.source_type)}",
            f"interval = {SYNC_INTERVAL}",
        ]
        lines += [f"{k} = {_toml(v)}" for k, v in simulator.source_settings(server.url).items()]
    config = folder / "simpul.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def _toml(value: object) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def _secret(folder: Path) -> Path:
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path


def _prepare_database(app) -> str:
    """Migrate, load areas and sources, and give the demo's people a fresh password."""
    hub = current_hub(app)
    migrate.upgrade(hub.db.engine, hub.migration_folders)
    import_areas(hub.db)
    register_sources(hub.db, hub.settings)
    password = secrets.token_urlsafe(9)
    with hub.db.session() as session:
        for username, full_name, role, area_code, agency_code in DEMO_PEOPLE:
            person = session.scalars(select(User).filter_by(username=username)).one_or_none()
            if person is None:
                person = User(
                    username=username,
                    full_name=full_name,
                    role=role,
                    area_code=area_code,
                    agency_code=agency_code,
                )
                session.add(person)
            person.set_password(password)
            person.active = True
    return password


def _child(stack: ExitStack, command: str) -> None:
    process = subprocess.Popen([sys.executable, "-m", "hub", command])
    stack.callback(_stop, process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
