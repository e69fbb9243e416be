"""The composition root: :func:`create_app` puts the hub together. Nothing it puts together
imports this module back; only the entry points do (the commands, the WSGI app, the workers and
the testing kit)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path

import click
from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from hub.config import Settings, load_settings
from hub.limits import init_limits
from hub.live.setup import init_live
from hub.plugins import PluginRegistry
from hub.portal import init_portal
from hub.portal.request_text import init_request_text
from hub.security_headers import init_security_headers
from hub.state import Hub

UPLOAD_OVERHEAD = 1024 * 1024
"""Room for a form's other fields beside the largest file allowed."""


def create_app(
    settings: Settings | None = None, extra_plugins: Mapping[str, object] | None = None
) -> Flask:
    """Create the hub's Flask app: plugins loaded, database bound, portal registered.

    ``extra_plugins`` (name to module or object) are registered beside the installed ones, as
    tests and embedding applications need.
    """
    settings = settings or load_settings()
    app = Flask("hub", instance_path=str(Path(settings.instance_path).resolve()))
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.secure_cookies
    app.config["MAX_CONTENT_LENGTH"] = settings.upload_max_bytes + UPLOAD_OVERHEAD
    app.config["BABEL_DEFAULT_LOCALE"] = settings.language
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.timezone

    hub = Hub(settings, load_plugins(settings, extra_plugins))
    hub.check_sections()
    hub.open()
    hub.bind(app)
    # Later catalogs win: the hub's own words stay the same on every page.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        [*hub.plugins.translation_directories(), str(Path(app.root_path) / "translations")]
    )
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    init_request_text(app)
    init_portal(app)
    init_security_headers(app)
    init_limits(app)
    init_live(app)
    register_plugins(app, hub)
    return app


def register_plugins(app: Flask, hub: Hub) -> None:
    """The plugins' blueprints and commands, each registered inside its own error boundary."""
    for plugin_name, blueprint in hub.plugins.collect("register_blueprints", Blueprint, hub=hub):
        try:
            app.register_blueprint(blueprint)
        except Exception as error:
            hub.plugins.record_error(plugin_name, f"register_blueprints: {error}", error)
    for _plugin_name, command in hub.plugins.collect("register_commands", click.Command, hub=hub):
        app.cli.add_command(command)


def load_plugins(
    settings: Settings, extra_plugins: Mapping[str, object] | None = None
) -> PluginRegistry:
    """Every installed plugin (the hub's own features first), then ``extra_plugins``."""
    plugins = PluginRegistry(
        strict=settings.strict_plugins,
        disabled=settings.disabled_plugins,
        trace=settings.trace_hooks,
    )
    plugins.load_entry_points()
    for name, plugin in (extra_plugins or {}).items():
        plugins.register(plugin, name)
    plugins.check_requirements()
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
