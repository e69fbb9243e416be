"""The ``simpul`` command: a Flask CLI group with the hub's commands and the plugins'."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_babel import force_locale
from rq import SimpleWorker
from sqlalchemy.orm import Session

from hub import migrate
from hub.app import create_app, log_to_stderr
from hub.areas import BUNDLED_AREAS, import_areas
from hub.audit import audit
from hub.auth.imports import ImportRefused, import_users
from hub.auth.manage import (
    RESET_LIFETIME,
    UserFilters,
    edit_user,
    existing_areas,
    find_user,
    issue_reset_link,
    list_users,
    reset_path,
    set_active,
)
from hub.auth.users import create_user
from hub.config import load_settings
from hub.demo import run_demo
from hub.models import ROLES, User
from hub.models.user import NO_PASSWORD
from hub.notify.push import write_key_pair
from hub.problems import InvalidFields, Problem
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


@users.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only users with this role.")
@click.option("--area", "area_code", help="Only users in this area or an area inside it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def users_list(role: str | None, area_code: str | None, as_json: bool) -> None:
    """List users by username: role, area, agency, state and full name."""
    with current_hub().db.read_session() as session:
        if area_code:
            _known_area(session, area_code)
        listing = list_users(session, UserFilters(role=role, area=area_code), page_size=None)
    rows = [
        {
            "username": user.username,
            "full_name": user.full_name,
            "role": user.role,
            "area_code": user.area_code,
            "agency_code": user.agency_code,
            "active": user.active,
            "password_set": user.password_hash != NO_PASSWORD,
        }
        for user in listing.users
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        state = "active" if row["active"] else "disabled"
        if row["active"] and not row["password_set"]:
            state = "no password yet"
        scope = " ".join(filter(None, [row["area_code"], row["agency_code"]])) or "-"
        click.echo(f"{row['username']}\t{row['role']}\t{scope}\t{state}\t{row['full_name']}")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--area", "area_code", help="Area scope, e.g. 31.75.10 (a kecamatan).")
@click.option("--agency", "agency_code", help="An officer's agency code, e.g. dlh.")
@click.option("--full-name", default="")
@click.password_option(
    help="Asked for when not given (or read from SIMPUL_NEW_PASSWORD).",
    envvar="SIMPUL_NEW_PASSWORD",
)
@with_appcontext
def users_create(
    username: str,
    role: str,
    area_code: str | None,
    agency_code: str | None,
    full_name: str,
    password: str,
) -> None:
    """Create a user with a role, an optional area scope and an officer's agency."""
    try:
        with current_hub().db.session() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                role=role,
                area_code=area_code,
                agency_code=agency_code,
                full_name=full_name,
            )
            audit(
                session,
                None,
                "user.create",
                "user",
                user.username,
                via="cli",
                role=role,
                area_code=user.area_code,
                agency_code=user.agency_code,
                full_name=full_name,
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    scope = "".join(f", {code}" for code in (area_code, agency_code) if code)
    click.echo(f"user {username} created ({role}{scope})")


@users.command("edit")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--area", "area_code", help="A Kemendagri area code; an empty value removes it.")
@click.option("--agency", "agency_code", help="An officer's agency; an empty value removes it.")
@click.option("--full-name")
@with_appcontext
def users_edit(
    username: str,
    role: str | None,
    area_code: str | None,
    agency_code: str | None,
    full_name: str | None,
) -> None:
    """Change a user's role, area, agency or full name."""
    given = {"role": role, "area_code": area_code, "agency_code": agency_code}
    changes = {name: value for name, value in given.items() if value is not None}
    if full_name is not None:
        changes["full_name"] = full_name
    if not changes:
        raise click.UsageError("say what to change: --role, --area, --agency or --full-name")
    with _in_english(), current_hub().db.session() as session:
        user = _known_user(session, username)
        try:
            changed = edit_user(session, None, user, changes, via="cli")
        except InvalidFields as refused:
            raise click.ClickException(_messages(refused)) from None
    if not changed:
        click.echo(f"user {username} unchanged")
        return
    for name, change in changed.items():
        click.echo(f"{name}: {change['from'] or '-'} -> {change['to'] or '-'}")


@users.command("disable")
@click.argument("username")
@with_appcontext
def users_disable(username: str) -> None:
    """Stop a user from signing in (nothing they did is removed)."""
    _set_active(username, False)


@users.command("enable")
@click.argument("username")
@with_appcontext
def users_enable(username: str) -> None:
    """Let a disabled user sign in again."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    with current_hub().db.session() as session:
        changed = set_active(session, None, _known_user(session, username), active, via="cli")
    state = "enabled" if active else "disabled"
    click.echo(f"user {username} {state}" if changed else f"user {username} was {state} already")


@users.command("reset-password")
@click.argument("username")
@with_appcontext
def users_reset_password(username: str) -> None:
    """Make a one-time link with which the user sets a new password, and print it once."""
    with _in_english(), current_hub().db.session() as session:
        user = _known_user(session, username)
        try:
            token = issue_reset_link(session, None, user, via="cli")
        except Problem as refused:
            raise click.ClickException(refused.message) from None
    hours = int(RESET_LIFETIME.total_seconds() // 3600)
    click.echo(f"one-time link for {username} (works once, for {hours} hours; not shown again):")
    click.echo(reset_path(token))


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def users_import(file: Path) -> None:
    """Create the users of a CSV file, all or none, and print their one-time links once.

    The columns are username, full_name, role, area_code and agency_code, separated by ; or ,
    (UTF-8, with or without a byte order mark). The links are printed as CSV.
    """
    try:
        with _in_english(), current_hub().db.session() as session:
            created = import_users(session, None, file.read_bytes(), via="cli")
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"line {problem.line}: {' '.join(problem.messages)}", err=True)
        count = len(refused.problems)
        raise click.ClickException(
            f"nothing imported: {count} line{'s' if count != 1 else ''} of {file} "
            f"{'have' if count != 1 else 'has'} problems"
        ) from None
    click.echo(f"{len(created)} users created; their one-time links (not shown again):", err=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("username", "link"))
    writer.writerows((person.username, reset_path(person.token)) for person in created)
    click.echo(out.getvalue(), nl=False)


def _known_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    return user


def _known_area(session: Session, code: str) -> None:
    if not existing_areas(session, [code]):
        raise click.ClickException(f"no area with the code {code!r} (see `simpul areas import`)")


def _in_english() -> contextlib.AbstractContextManager[None]:
    """Messages of the rules in English, as every other line the command line prints."""
    return force_locale("en")


def _messages(refused: InvalidFields) -> str:
    return "; ".join(problem.message for problem in refused.problems)


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


@cli.group()
def notify() -> None:
    """Messages to people outside the portal."""


@notify.command("vapid-keys")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def notify_vapid_keys(path: Path) -> None:
    """Write a new VAPID private key to PATH, for push notifications to the staff's phones."""
    try:
        public_key = write_key_pair(path)
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror}") from None
    click.echo(f"wrote {path}; its public key is {public_key}")
    click.echo(f'next, in [notify]: vapid_private_key_file = "{path.resolve()}"')
    click.echo('                   vapid_subject = "mailto:<the administrator\'s address>"')


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
