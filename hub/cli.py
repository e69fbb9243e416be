"""The ``simpul`` command: a Flask CLI group with the hub's commands and the plugins'."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from rq import SimpleWorker

from hub import migrate
from hub.app import create_app, log_to_stderr
from hub.areas import BUNDLED_AREAS, import_areas
from hub.auth.users import create_user
from hub.config import load_settings
from hub.demo import run_demo
from hub.models import ROLES
from hub.scaffold import new_plugin
from hub.sources import ConfigError
from hub.state import current_hub
from hub.sync import jobs
from hub.sync.scheduler import register_sources, run_scheduler


def _create_app():
    try:
        return create_app(load_settings())
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from None


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
@click.option(
    "--config",
    envvar="SIMPUL_CONFIG",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: config/simpul.toml).",
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _set_config(value),
)
def cli() -> None:
    """Simpul: one portal over the city's apps."""


cli.params = [param for param in cli.params if param.name not in ("app", "env_file", "debug")]


def _set_config(value: str | None) -> None:
    if value:
        os.environ["SIMPUL_CONFIG"] = value


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply migrations and register the configured sources."""
    hub = current_hub()
    migrate.upgrade(hub.db.engine, hub.migration_folders)
    register_sources(hub.db, hub.settings)
    click.echo("database is up to date")


@cli.group()
def areas() -> None:
    """Administrative areas (Kemendagri codes)."""


@areas.command("import")
@click.argument("folder", required=False, type=click.Path(file_okay=False, exists=True))
@with_appcontext
def areas_import(folder: str | None) -> None:
    """Load provinces, regencies, districts and villages CSVs (default: the bundled subset)."""
    try:
        count = import_areas(current_hub().db, Path(folder) if folder else BUNDLED_AREAS)
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} areas imported")


@cli.group()
def users() -> None:
    """Portal users."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--area", "area_code", help="Area scope, e.g. 31.75.10 (a kecamatan).")
@click.option("--full-name", default="")
@click.password_option(
    help="Asked for when not given (or read from SIMPUL_NEW_PASSWORD).",
    envvar="SIMPUL_NEW_PASSWORD",
)
@with_appcontext
def users_create(
    username: str, role: str, area_code: str | None, full_name: str, password: str
) -> None:
    """Create a user with a role and an optional area scope."""
    try:
        with current_hub().db.session() as session:
            create_user(
                session,
                username=username,
                password=password,
                role=role,
                area_code=area_code,
                full_name=full_name,
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user {username} created ({role}{', ' + area_code if area_code else ''})")


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def plugins_command(as_json: bool) -> None:
    """List plugins with their version, hooks, state and last error."""
    listing = [info.as_dict() for info in current_hub().plugins.plugins.values()]
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    for info in listing:
        click.echo(f"{info['name']} {info['version']} [{info['state']}] {', '.join(info['hooks'])}")
        if info["last_error"]:
            click.echo(f"  error: {info['last_error']}")


@cli.command("sync")
@click.argument("source_name")
@click.option("--full", is_flag=True, help="List everything again and detect deletions.")
@with_appcontext
def sync_command(source_name: str, full: bool) -> None:
    """Run one sync of SOURCE_NAME here and now, and print its counters."""
    hub = current_hub()
    try:
        hub.settings.source(source_name)
        register_sources(hub.db, hub.settings)
        run = hub.engine().run(source_name, full=full, worker="cli")
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    outcome = jobs.summary(source_name, run)
    click.echo(" ".join(f"{key}={value}" for key, value in outcome.items() if value is not None))
    if outcome["status"] != "succeeded":
        sys.exit(1)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker for the hub's queue."""
    log_to_stderr()
    hub = current_hub()
    jobs.bind(current_app._get_current_object())  # type: ignore[attr-defined]
    worker = SimpleWorker([hub.queue], connection=hub.redis)
    worker.work(burst=burst, with_scheduler=False)


@cli.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Enqueue due syncs and reap abandoned runs, every few seconds."""
    log_to_stderr()
    hub = current_hub()
    click.echo(f"scheduler ticking every {hub.settings.scheduler_tick}s")
    run_scheduler(hub)


@cli.command("new-plugin")
@click.argument("name")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The app's name as people say it (default: from NAME).")
def new_plugin_command(name: str, folder: Path | None, title: str | None) -> None:
    """Create a working plugin package NAME in FOLDER (default: simpul-NAME)."""
    target = folder or Path(f"simpul-{name}")
    try:
        written = new_plugin(name, target, title)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {len(written)} files in {target}")
    click.echo(f"next: pip install -e {target} && pytest {target}")


@cli.command("demo")
@click.option(
    "--folder",
    default="instance/demo",
    type=click.Path(file_okay=False),
    help="Where the demo keeps its database and configuration.",
)
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int, help="0 picks a free port.")
def demo_command(folder: str, host: str, port: int) -> None:
    """Run the whole hub with simulated city apps: portal, worker, scheduler."""
    run_demo(Path(folder), host, port)


def main() -> None:
    cli.main(obj=ScriptInfo(create_app=_create_app, load_dotenv_defaults=False))
