"""The Flask application factory."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import click
import redis
from flask import Blueprint, Flask, current_app
from rq import Queue

from hub import complaints, open311
from hub.config import Settings, load_settings
from hub.context import Hub
from hub.db import Database
from hub.live import plugin as live
from hub.plugins import PluginRegistry
from hub.reports import plugin as reports
from hub.sync.engine import SyncEngine

UPLOAD_OVERHEAD = 1024 * 1024
"""Room for a form's other fields beside the largest file allowed."""
BUILTIN_PLUGINS = {
    "hub.complaints": complaints,
    "hub.reports": reports,
    "hub.open311": open311,
    "hub.live": live,
}


@dataclass
class HubState:
    """Everything the hub keeps per app: its hub context, database and queue."""

    hub: Hub
    db: Database

    @property
    def settings(self) -> Settings:
        return self.hub.settings

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url)

    @cached_property
    def queue(self) -> Queue:
        return Queue(self.settings.queue_name, connection=self.redis)

    def engine(self) -> SyncEngine:
        return SyncEngine(self.hub, self.db)


def state(app: Flask | None = None) -> HubState:
    """The hub state of ``app`` (the current app by default)."""
    return (app or current_app).extensions["simpul"]


def create_app(
    settings: Settings | None = None, extra_plugins: Mapping[str, object] | None = None
) -> Flask:
    """Create the hub's Flask app: plugins loaded, database bound, portal registered.

    ``extra_plugins`` (name to module or object) are registered beside the installed ones, as
    tests and embedding applications need.
    """
    settings = settings or load_settings()
    instance = Path(settings.instance_path).resolve()
    app = Flask("hub", instance_path=str(instance))
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.secure_cookies
    app.config["MAX_CONTENT_LENGTH"] = settings.upload_max_bytes + UPLOAD_OVERHEAD
    app.config["BABEL_DEFAULT_LOCALE"] = settings.language
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.timezone

    plugins = load_plugins(settings, extra_plugins)
    hub = Hub(settings, plugins)
    # Later catalogs win: the hub's own words stay the same on every page.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        [*plugins.translation_directories(), str(Path(app.root_path) / "translations")]
    )
    database = Database(
        settings.database_url, settings.database_pool_size, settings.database_max_overflow
    )
    app.extensions["simpul"] = HubState(hub, database)

    from hub.portal import init_portal

    init_portal(app)
    for plugin_name, blueprint in plugins.collect("register_blueprints", Blueprint, hub=hub):
        try:
            app.register_blueprint(blueprint)
        except Exception as error:
            plugins.record_error(plugin_name, f"register_blueprints: {error}", error)
    for _plugin_name, command in plugins.collect("register_commands", click.Command, hub=hub):
        app.cli.add_command(command)
    return app


def load_plugins(
    settings: Settings, extra_plugins: Mapping[str, object] | None = None
) -> PluginRegistry:
    """The hub's own features, then every installed plugin, then ``extra_plugins``."""
    plugins = PluginRegistry(
        strict=settings.strict_plugins,
        disabled=settings.disabled_plugins,
        trace=settings.trace_hooks,
    )
    for name, module in BUILTIN_PLUGINS.items():
        plugins.register(module, name)
    plugins.load_entry_points()
    for name, plugin in (extra_plugins or {}).items():
        plugins.register(plugin, name)
    return plugins


def log_to_stderr(level: int = logging.INFO) -> None:
    """Show the hub's log lines (and the plugins' hook traces) on standard error, for the
    long-running processes: the worker, the scheduler and the portal under a WSGI server."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("hub", "simpul"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(level)
