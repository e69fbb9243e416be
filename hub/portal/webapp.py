"""The portal as an app on the staff's phones: its manifest, its service worker, and the pages
and session facts the worker keeps for when there is no signal."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hub.portal.i18n import language

blueprint = Blueprint("webapp", __name__)
STATIC = Path(__file__).resolve().parent.parent / "static"
WORKER = STATIC / "sw.js"
THEME = "#0b4f9c"
ICONS = (
    ("icons/simpul-192.png", 192, "any"),
    ("icons/simpul-512.png", 512, "any"),
    ("icons/simpul-maskable-512.png", 512, "maskable"),
)


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    """What a phone needs to install the portal as an app, in the user's language."""
    body = {
        "name": "Simpul",
        "short_name": "Simpul",
        "description": gettext(
            "Complaints and activity reports of your area, also without signal."
        ),
        "lang": language(),
        "start_url": url_for("portal.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {
                "src": url_for("static", filename=path),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for path, size, purpose in ICONS
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@blueprint.get("/sw.js")
def service_worker() -> Response:
    """The service worker, from the site's root so that it serves every page."""
    response = send_file(WORKER, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/-/session.json")
def session_facts() -> Response:
    """Who is signed in and a fresh CSRF token: the worker asks before it sends kept forms, so
    that a form waits for its own author and never goes out with an expired token."""
    user = current_user.username if current_user.is_authenticated else None
    response = jsonify(user=user, csrf_token=generate_csrf() if user else None)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/-/kept")
def kept() -> str:
    """The page shown when a form is kept on the phone to be sent later."""
    return render_template("webapp/kept.html")


@blueprint.get("/-/offline")
def offline() -> str:
    """The page shown without signal for a page this phone never opened."""
    return render_template("webapp/offline.html")


@blueprint.app_template_global()
def worker_url() -> str:
    """Where pages register the worker; its address changes with the hub's files."""
    return url_for("webapp.service_worker", v=worker_version())


@blueprint.app_template_global()
def webapp_messages() -> dict[str, str]:
    """What the pages' script says about forms kept on the phone, in the user's language."""
    return {
        "waiting": gettext("Waiting on this phone, to be sent when there is signal"),
        "sent": gettext("Sent from this phone"),
        "refused": gettext("Not sent: the hub refused it"),
        "signIn": gettext("Sign in again to send what waits on this phone."),
        "wrote": gettext("What you wrote"),
        "discard": gettext("Discard"),
        "open": gettext("Open the page"),
        "keptCopy": gettext("No signal: this is the copy of the page kept on this phone."),
    }


@cache
def worker_version() -> str:
    """A digest of the hub's own static files: a new release installs a new worker."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
