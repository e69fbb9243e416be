"""The administrators' user pages under ``/users``, and the page where a user sets a password.

Administrators list users (filtered by role, area, agency, state and text, a page at a time),
create them one by one or from a CSV file, edit their role, area, agency and full name, disable
and enable them, and make one-time set-password links. A link is shown once, on the page that
made it. ``/users/reset/<token>`` is open to anyone holding a link that still works.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from hub.auth.access import roles_required
from hub.auth.imports import COLUMNS, Created, ImportRefused, import_users
from hub.auth.manage import (
    EDITABLE,
    RESET_LIFETIME,
    ROLE_LABELS,
    URL_PREFIX,
    UserFilters,
    UserValues,
    area_names,
    check_reset_link,
    create_account,
    edit_user,
    issue_reset_link,
    list_users,
    set_active,
    use_reset_link,
)
from hub.auth.users import MIN_PASSWORD_LENGTH
from hub.limits import rate_limit
from hub.models import Area, User
from hub.models.user import NO_PASSWORD
from hub.problems import InvalidFields, Problem
from hub.state import current_hub

AREA_CHOICES_LIMIT = 1000
"""Areas offered as suggestions in the area fields, while the table holds no more."""
FILTER_LEVELS = ("province", "regency", "district")
"""The areas suggested for filtering the list: whole cities and kecamatan."""
VIA = "portal"

blueprint = Blueprint("users", __name__, url_prefix=URL_PREFIX)


@blueprint.context_processor
def role_labels() -> dict[str, Any]:
    return {"role_labels": ROLE_LABELS}


@blueprint.get("")
@roles_required("admin")
def index() -> str:
    filters = UserFilters.read(request.args)
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdecimal() else 1
    with current_hub().db.read_session() as session:
        page = list_users(session, filters, page_number)
        names = area_names(session, [user.area_code for user in page.users])
        areas = _area_choices(session, FILTER_LEVELS)
    args = {
        name: value
        for name, value in request.args.items()
        if value and name in ("q", "role", "area", "agency", "active")
    }
    return render_template(
        "users/index.html",
        page=page,
        filters=filters,
        area_names=names,
        areas=areas,
        agencies=list(current_hub().agencies.values()),
        args=args,
        no_password=NO_PASSWORD,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def create() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return _form_page(None, UserValues(role="ward_staff"), {})
    values = UserValues.read(request.form)
    try:
        with current_hub().db.session() as session:
            user, token = create_account(session, current_user, values, via=VIA)
    except InvalidFields as refused:
        return _form_page(None, values, refused.by_field()), 422
    return _link_page(user.username, user.full_name, token, created=True)


@blueprint.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(user_id: int) -> str | Response | tuple[str, int]:
    if request.method == "GET":
        with current_hub().db.read_session() as session:
            user = _user(session, user_id)
        return _form_page(user, _values(user), {})
    changes = {name: request.form[name] for name in EDITABLE if name in request.form}
    try:
        with current_hub().db.session() as session:
            user = _user(session, user_id)
            changed = edit_user(session, current_user, user, changes, via=VIA)
            username = user.username
    except InvalidFields as refused:
        with current_hub().db.read_session() as session:
            user = _user(session, user_id)
        values = UserValues.read({**asdict(_values(user)), **changes})
        return _form_page(user, values, refused.by_field()), 422
    if changed:
        flash(gettext("User %(name)s saved.", name=username), "success")
    else:
        flash(gettext("Nothing was changed."), "info")
    return redirect(url_for("users.edit", user_id=user_id))


@blueprint.post("/<int:user_id>/disable")
@roles_required("admin")
def disable(user_id: int) -> Response:
    return _set_active(user_id, False)


@blueprint.post("/<int:user_id>/enable")
@roles_required("admin")
def enable(user_id: int) -> Response:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    try:
        with current_hub().db.session() as session:
            user = _user(session, user_id)
            set_active(session, current_user, user, active, via=VIA)
            username = user.username
    except Problem as refused:
        flash(refused.message, "error")
    else:
        if active:
            flash(gettext("User %(name)s can sign in again.", name=username), "success")
        else:
            flash(gettext("User %(name)s is disabled.", name=username), "success")
    return redirect(url_for("users.edit", user_id=user_id))


@blueprint.post("/<int:user_id>/reset")
@roles_required("admin")
def reset_link(user_id: int) -> Response | str:
    try:
        with current_hub().db.session() as session:
            user = _user(session, user_id)
            token = issue_reset_link(session, current_user, user, via=VIA)
            username, full_name = user.username, user.full_name
    except Problem as refused:
        flash(refused.message, "error")
        return redirect(url_for("users.edit", user_id=user_id))
    return _link_page(username, full_name, token, created=False)


@blueprint.route("/import", methods=["GET", "POST"])
@roles_required("admin")
def import_file() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("users/import.html", columns=COLUMNS, problems=[])
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    if upload is None or not upload.filename:
        missing = gettext("Choose a CSV file to upload.")
        page = render_template("users/import.html", columns=COLUMNS, problems=[], missing=missing)
        return page, 422
    try:
        with current_hub().db.session() as session:
            created = import_users(session, current_user, data, via="import")
    except ImportRefused as refused:
        return (
            render_template("users/import.html", columns=COLUMNS, problems=refused.problems),
            422,
        )
    links = [(person, _link(person.token)) for person in created]
    page = render_template(
        "users/imported.html", links=links, download=_links_csv(links), hours=_hours()
    )
    return _private(make_response(page))


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@rate_limit(lambda: current_hub().settings.login_rate_limit, methods=["POST"])
def reset_password(token: str) -> Response:
    errors: dict[str, str] = {}
    try:
        if request.method == "POST":
            try:
                with current_hub().db.session() as session:
                    use_reset_link(
                        session,
                        token,
                        request.form.get("password", ""),
                        request.form.get("confirm", ""),
                    )
            except InvalidFields as refused:
                errors = refused.by_field()
            else:
                flash(gettext("Your password is set. Sign in with it."), "success")
                return redirect(url_for("auth.login"))
        with current_hub().db.read_session() as session:
            _row, user = check_reset_link(session, token)
            username = user.username
    except Problem as refused:
        page = render_template("users/reset_refused.html", message=refused.message)
        return _private(make_response(page, refused.status))
    page = render_template(
        "users/reset.html", username=username, errors=errors, minimum=MIN_PASSWORD_LENGTH
    )
    return _private(make_response(page, 422 if errors else 200))


@blueprint.errorhandler(429)
def too_many_attempts(error: HTTPException) -> Response:
    page = render_template("users/reset_refused.html", message=error.description)
    return _private(make_response(page, 429))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _values(user: User) -> UserValues:
    return UserValues(
        username=user.username,
        full_name=user.full_name or "",
        role=user.role,
        area_code=user.area_code,
        agency_code=user.agency_code,
    )


def _form_page(user: User | None, values: UserValues, errors: dict[str, str]) -> str:
    with current_hub().db.read_session() as session:
        areas = _area_choices(session)
        names = area_names(session, [values.area_code, user.area_code if user else None])
    return render_template(
        "users/form.html",
        user=user,
        values=values,
        errors=errors,
        areas=areas,
        agencies=list(current_hub().agencies.values()),
        area_names=names,
        no_password=NO_PASSWORD,
        is_self=user is not None and user.id == current_user.id,
    )


def _area_choices(session: Session, levels: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """Areas to suggest in an area field (of ``levels``, or all): none if there are too many."""
    query = select(Area.code, Area.name).order_by(Area.code)
    count = select(func.count()).select_from(Area)
    if levels:
        query, count = query.where(Area.level.in_(levels)), count.where(Area.level.in_(levels))
    if (session.scalar(count) or 0) > AREA_CHOICES_LIMIT:
        return []
    rows = session.execute(query)
    return [(code, name) for code, name in rows]


def _link(token: str) -> str:
    return url_for("users.reset_password", token=token, _external=True)


def _link_page(username: str, full_name: str, token: str, *, created: bool) -> Response:
    page = render_template(
        "users/link.html",
        username=username,
        full_name=full_name,
        link=_link(token),
        created=created,
        hours=_hours(),
    )
    return _private(make_response(page))


def _hours() -> int:
    return int(RESET_LIFETIME.total_seconds() // 3600)


def _links_csv(links: list[tuple[Created, str]]) -> str:
    """The import's links as a CSV file in a ``data:`` address, to download from the page that
    shows them (they are not kept anywhere to download later)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("username", "full_name", "link"))
    for person, link in links:
        writer.writerow((person.username, person.full_name, link))
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + out.getvalue())


def _private(response: Response) -> Response:
    """A page that holds a one-time link: kept by no cache, and sent to no other site."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
