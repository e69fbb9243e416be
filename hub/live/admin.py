"""The administrators' pages of the live room: screens, playlists and screen tokens.

Saving a screen or a playlist tells the connected screens to read their configuration again;
revoking a token closes the screens that use it. Every change is in the audit log.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from hub.audit import audit
from hub.auth import roles_required
from hub.live.events import CONFIG, CONFIG_KIND, REVOKED, publish_quietly
from hub.live.forms import PlaylistForm, ScreenForm, read_playlist, read_screen
from hub.live.room import live_room
from hub.live.screens import all_playlists, all_screens, ensure_defaults
from hub.live.tokens import all_tokens, create_token, revoke_token
from hub.models import Area, Playlist, Screen
from hub.state import current_hub

AREA_LEVELS = ("regency", "district")

blueprint = Blueprint("live_admin", __name__, url_prefix="/live/admin")


@blueprint.get("/")
@roles_required("admin")
def overview() -> str:
    with current_hub().db.session() as session:
        ensure_defaults(session, current_hub(), current_hub().settings.language)
    with current_hub().db.read_session() as session:
        return render_template(
            "live/admin.html",
            screens=all_screens(session),
            playlists=all_playlists(session),
            tokens=all_tokens(session),
            areas=dict(_areas(session)),
            widgets=live_room().widgets,
        )


@blueprint.route("/screens/new", methods=["GET", "POST"])
@blueprint.route("/screens/<name>", methods=["GET", "POST"])
@roles_required("admin")
def edit_screen(name: str | None = None) -> str | Response:
    with current_hub().db.session() as session:
        screen = _find(session, Screen, name)
        areas = _areas(session)
        if request.method == "GET":
            form = ScreenForm(**_screen_values(screen)) if screen else ScreenForm()
            return _screen_page(form, {}, screen, areas)
        form, errors = read_screen(request.form, {code for code, _ in areas})
        if screen is not None:
            form.name = screen.name
            errors.pop("name", None)
        elif _find(session, Screen, form.name) is not None:
            errors["name"] = gettext("A screen with this name exists already.")
        if errors:
            return _screen_page(form, errors, screen, areas), 422
        if screen is None:
            screen = Screen(name=form.name)
            session.add(screen)
        screen.title, screen.area_code = form.title, form.area_code
        screen.columns, screen.widgets = form.columns, form.widgets
        audit(session, current_user, "live.screen.save", "live_screen", form.name)
    _warn_missing(form.widgets)
    publish_quietly(current_hub().channel, CONFIG, kinds=[CONFIG_KIND])
    flash(gettext("Screen %(name)s saved.", name=form.name), "success")
    return redirect(url_for("live_admin.overview"))


@blueprint.route("/playlists/new", methods=["GET", "POST"])
@blueprint.route("/playlists/<name>", methods=["GET", "POST"])
@roles_required("admin")
def edit_playlist(name: str | None = None) -> str | Response:
    with current_hub().db.session() as session:
        playlist = _find(session, Playlist, name)
        screens = [screen.name for screen in all_screens(session)]
        if request.method == "GET":
            form = PlaylistForm(**_playlist_values(playlist)) if playlist else PlaylistForm()
            return _playlist_page(form, {}, playlist, screens)
        form, errors = read_playlist(request.form, screens)
        if playlist is not None:
            form.name = playlist.name
            errors.pop("name", None)
        elif _find(session, Playlist, form.name) is not None:
            errors["name"] = gettext("A playlist with this name exists already.")
        if errors:
            return _playlist_page(form, errors, playlist, screens), 422
        if playlist is None:
            playlist = Playlist(name=form.name)
            session.add(playlist)
        playlist.title, playlist.screens = form.title, form.screens
        playlist.interval_seconds = form.interval_seconds
        audit(session, current_user, "live.playlist.save", "live_playlist", form.name)
    publish_quietly(current_hub().channel, CONFIG, kinds=[CONFIG_KIND])
    flash(gettext("Playlist %(name)s saved.", name=form.name), "success")
    return redirect(url_for("live_admin.overview"))


@blueprint.post("/tokens")
@roles_required("admin")
def new_token() -> str | Response | tuple[str, int]:
    name = request.form.get("name", "")
    with current_hub().db.session() as session:
        playlist = _find(session, Playlist, request.form.get("playlist", ""))
        if playlist is None:
            flash(gettext("Choose a playlist for the screen."), "error")
            return redirect(url_for("live_admin.overview"))
        try:
            token = create_token(session, name, playlist, current_user)
        except ValueError:
            flash(gettext("Give the screen a name of at most 100 characters."), "error")
            return redirect(url_for("live_admin.overview"))
        playlist_title = playlist.title
    link = url_for("live.kiosk", token=token, _external=True)
    return render_template("live/token.html", name=name.strip(), playlist=playlist_title, link=link)


@blueprint.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke(token_id: int) -> Response:
    with current_hub().db.session() as session:
        token = revoke_token(session, token_id, current_user)
        if token is None:
            abort(404)
        name = token.name
    publish_quietly(current_hub().channel, REVOKED, kinds=[CONFIG_KIND], token=token_id)
    flash(gettext("The screen link of %(name)s is revoked.", name=name), "success")
    return redirect(url_for("live_admin.overview"))


def _find(session: Session, model: type[Screen] | type[Playlist], name: str | None):
    if not name:
        return None
    return session.scalar(select(model).where(model.name == name))


def _areas(session: Session) -> list[tuple[str, str]]:
    """The areas a screen can be limited to: each city and each of its kecamatan."""
    rows = session.execute(
        select(Area.code, Area.name, Area.level)
        .where(Area.level.in_(AREA_LEVELS))
        .order_by(Area.code)
    )
    return [(code, name if level == "regency" else f"— {name}") for code, name, level in rows]


def _screen_values(screen: Screen) -> dict:
    return {
        "name": screen.name,
        "title": screen.title,
        "area_code": screen.area_code,
        "columns": screen.columns,
        "widgets": list(screen.widgets or ()),
    }


def _playlist_values(playlist: Playlist) -> dict:
    return {
        "name": playlist.name,
        "title": playlist.title,
        "interval_seconds": playlist.interval_seconds,
        "screens": list(playlist.screens or ()),
    }


def _screen_page(
    form: ScreenForm, errors: dict, screen: Screen | None, areas: list[tuple[str, str]]
) -> str:
    return render_template(
        "live/screen_form.html",
        form=form,
        errors=errors,
        editing=screen is not None,
        areas=areas,
        widgets=live_room().widgets,
    )


def _playlist_page(
    form: PlaylistForm, errors: dict, playlist: Playlist | None, screens: list[str]
) -> str:
    return render_template(
        "live/playlist_form.html",
        form=form,
        errors=errors,
        editing=playlist is not None,
        screens=screens,
    )


def _warn_missing(widgets: list[str]) -> None:
    missing = [name for name in widgets if name not in live_room().widgets]
    if missing:
        flash(
            gettext(
                "Not installed, shown as placeholders until a plugin provides them: %(names)s",
                names=", ".join(missing),
            ),
            "info",
        )
