"""Sign-in for the portal: Flask-Login, the login page, roles and area scopes, and the
administrators' user pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from hub.auth import admin
from hub.auth.access import OPERATORS, area_scope, has_role, roles_required, within
from hub.auth.sessions import load_user
from hub.auth.users import create_user
from hub.auth.views import blueprint

__all__ = [
    "OPERATORS",
    "area_scope",
    "create_user",
    "has_role",
    "init_auth",
    "roles_required",
    "within",
]


def init_auth(app: Flask) -> None:
    """Set up Flask-Login on ``app`` and register the sign-in pages."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please sign in to see this page.")
    manager.login_message_category = "info"
    manager.localize_callback = str
    manager.user_loader(load_user)
    app.register_blueprint(blueprint)
    app.register_blueprint(admin.blueprint)
