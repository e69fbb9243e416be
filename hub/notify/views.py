"""A person's inbox (``/inbox``), their choices of channels, digest and quiet hours
(``/inbox/settings``), turning push notifications on and off for their phone, and the defaults
of those choices (``/inbox/defaults``, for administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select, update
from werkzeug.wrappers import Response

from hub.auth.access import roles_required
from hub.models.base import utcnow
from hub.models.notification import ChannelAddress, Notification
from hub.notify.choices import Choices, read_choices, save_choices
from hub.notify.defaults import read_defaults, save_defaults
from hub.notify.push import NAME as PUSH
from hub.notify.push import application_server_key, forget_subscription, save_subscription
from hub.notify.settings import SECTION
from hub.problems import InvalidFields, Problem
from hub.state import Hub, current_hub

INBOX_LENGTH = 100

blueprint = Blueprint("notify", __name__, url_prefix="/inbox")


@blueprint.app_template_global()
def unread_count() -> int:
    """How many messages the signed-in person has not read (for the badge in the header)."""
    if not current_user.is_authenticated:
        return 0
    with current_hub().db.read_session() as session:
        return session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        )


@blueprint.app_template_global()
def channels() -> dict:
    """The channels a person may choose, by name."""
    return current_hub().channels


@blueprint.app_template_global()
def push_block() -> dict | None:
    """What the settings page's push block needs: the VAPID public key the browser subscribes
    with, and whether the person has a subscription stored; None when the hub has no push."""
    hub = current_hub()
    if PUSH not in hub.channels:
        return None
    with hub.db.read_session() as session:
        stored = session.get(ChannelAddress, (current_user.id, PUSH))
    return {
        "key": application_server_key(hub.section(SECTION).vapid_private_key_file),
        "on": bool(stored),
    }


@blueprint.get("")
@login_required
def inbox() -> str:
    with current_hub().db.read_session() as session:
        lines = session.scalars(
            select(Notification)
            .where(Notification.user_id == current_user.id)
            .order_by(Notification.read_at.is_not(None), Notification.updated_at.desc())
            .limit(INBOX_LENGTH)
        ).all()
    return render_template("notify/inbox.html", lines=lines)


@blueprint.get("/<int:line_id>")
@login_required
def open_line(line_id: int) -> Response:
    """Mark one message read and go to the page it is about."""
    with current_hub().db.session() as session:
        line = session.get(Notification, line_id)
        if line is None or line.user_id != current_user.id:
            abort(404)
        line.read_at = line.read_at or utcnow()
        target = line.url
    if not target.startswith("/") or target.startswith("//"):
        return redirect(url_for("notify.inbox"))
    return redirect(target)


@blueprint.post("/read")
@login_required
def mark_all_read() -> Response:
    with current_hub().db.session() as session:
        session.execute(
            update(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    flash(gettext("All messages are marked read."), "info")
    return redirect(url_for("notify.inbox"))


@blueprint.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Response | str | tuple[str, int]:
    hub = current_hub()
    if request.method == "GET":
        with hub.db.read_session() as session:
            choices = read_choices(session, hub, current_user)
        return render_template("notify/settings.html", choices=choices, errors={})
    try:
        with hub.db.session() as session:
            save_choices(session, hub, current_user, request.form)
    except InvalidFields as invalid:
        choices = Choices.from_form(hub, request.form)
        return render_template(
            "notify/settings.html", choices=choices, errors=invalid.by_field()
        ), 400
    flash(gettext("Your choices are saved."), "info")
    return redirect(url_for("notify.settings"))


@blueprint.route("/defaults", methods=["GET", "POST"])
@roles_required("admin")
def defaults() -> Response | str | tuple[str, int]:
    """How everyone who made no choice of their own is told, as an administrator sets it."""
    hub = current_hub()
    if request.method == "GET":
        with hub.db.read_session() as session:
            shown = read_defaults(session, hub.section(SECTION)).form()
        return render_template("notify/defaults.html", choices=shown, errors={})
    try:
        with hub.db.session() as session:
            save_defaults(session, current_user, request.form)
    except InvalidFields as invalid:
        shown = {name: request.form.get(name, "") for name in ("quiet_from", "quiet_until")}
        shown["digest_only"] = request.form.get("digest_only") == "on"
        errors = invalid.by_field()
        return render_template("notify/defaults.html", choices=shown, errors=errors), 400
    flash(gettext("The defaults are saved."), "info")
    return redirect(url_for("notify.defaults"))


@blueprint.post("/settings/push")
@login_required
def push_on() -> Response | tuple[str, int]:
    """Store the subscription this phone's browser made (the form's ``subscription`` field)."""
    hub = _with_push()
    try:
        with hub.db.session() as session:
            save_subscription(session, current_user, request.form.get("subscription", ""))
    except Problem as problem:
        with hub.db.read_session() as session:
            choices = read_choices(session, hub, current_user)
        errors = {"subscription": problem.message}
        return render_template("notify/settings.html", choices=choices, errors=errors), 400
    flash(gettext("Notifications are on for this phone."), "info")
    return redirect(url_for("notify.settings"))


@blueprint.post("/settings/push/off")
@login_required
def push_off() -> Response:
    hub = _with_push()
    with hub.db.session() as session:
        forget_subscription(session, current_user)
    flash(gettext("Notifications to your phone are off."), "info")
    return redirect(url_for("notify.settings"))


def _with_push() -> Hub:
    hub = current_hub()
    if PUSH not in hub.channels:
        abort(404)
    return hub
