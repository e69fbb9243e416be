"""The portal: the hub's web pages."""

from flask import Flask, abort, request
from flask_wtf import CSRFProtect

from hub.auth import init_auth
from hub.notify import views as notify_views
from hub.portal import home, meta, sources, webapp
from hub.portal.errors import init_errors
from hub.portal.formatting import init_formatting
from hub.portal.i18n import init_i18n
from hub.state import current_hub


def init_portal(app: Flask) -> None:
    """Set up sign-in, translations, CSRF protection and the portal's pages on ``app``."""
    init_i18n(app)
    app.before_request(refuse_unnamed_fields)
    CSRFProtect(app)
    init_auth(app)
    init_formatting(app)
    init_errors(app)
    for blueprint in (
        home.blueprint,
        sources.blueprint,
        meta.blueprint,
        webapp.blueprint,
        notify_views.blueprint,
    ):
        app.register_blueprint(blueprint)
    app.context_processor(lambda: {"menu_items": lambda: current_hub(app).menu_items})


def refuse_unnamed_fields() -> None:
    """A form field whose name the parser could not read (a raw line break in it) is a bad
    request, before anything (the CSRF check included) stumbles on it."""
    if (
        request.method == "POST"
        and request.mimetype.startswith("multipart/")
        and (None in request.form or None in request.files)
    ):
        abort(400)
