"""The sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from hub.auth.forms import LoginForm
from hub.auth.redirects import local_path
from hub.auth.throttle import Failures, attempt_login
from hub.limits import rate_limit
from hub.menu import first_page
from hub.models import User
from hub.state import current_hub

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
@rate_limit(lambda: current_hub().settings.login_rate_limit, methods=["POST"])
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(_next_page())
    form = LoginForm()
    refusal = ""
    if form.validate_on_submit():
        hub = current_hub()
        username = form.username.data
        failures = Failures.of_request(hub.settings, username)
        with hub.db.session() as session:
            attempt = attempt_login(session, username, form.password.data, failures)
        if attempt.user is not None:
            login_user(attempt.user)
            return redirect(_next_page())
        if attempt.retry_after is not None:
            page = render_template("auth/login.html", form=form, refusal=attempt.refusal)
            return page, 429, {"Retry-After": str(attempt.retry_after)}
        refusal = attempt.refusal
    return render_template("auth/login.html", form=form, refusal=refusal)


@blueprint.errorhandler(429)
def too_many_attempts(error: HTTPException) -> tuple[str, int]:
    """The sign-in form again, saying when this address may try again."""
    return render_template("auth/login.html", form=LoginForm(), refusal=error.description), 429


@blueprint.post("/logout")
def logout() -> Response:
    """Sign out, ending every session of the user: a copy of the cookie stops working too."""
    if current_user.is_authenticated:
        with current_hub().db.session() as session:
            if (user := session.get(User, current_user.id)) is not None:
                user.end_sessions()
    logout_user()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def _next_page() -> str:
    """The ``next`` page Flask-Login asked for, if it is a path on this site."""
    return local_path(request.args.get("next", "")) or first_page(current_hub().menu_items)
