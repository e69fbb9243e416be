"""The wall screens: the kiosk, the operators' preview, the screen data and the event stream.

- ``/live/k/<token>``: a kiosk, full screen with no controls and no sign-in, rotating through
  its token's playlist; a forged or revoked token gets a full-screen message (403).
- ``/live/``, ``/live/screens/<name>``, ``/live/playlists/<name>``: the same screens for
  administrators and operators, with a way back to the portal.
- ``/live/api/playlists/<name>`` and ``/live/api/screens/<name>/data``: what the screens read.
- ``/live/events?screens=a,b``: server-sent events telling the screens what changed, with the
  new data of the screens named (those the viewer may see) in the page's language.
"""

from __future__ import annotations

from typing import Any

import redis
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from hub.auth import OPERATORS, roles_required
from hub.db import Database
from hub.live.access import NOT_IN_PLAYLIST, current_viewer
from hub.live.labels import client_strings
from hub.live.room import LiveRoom, live_room
from hub.live.screen_data import screen_data
from hub.live.screens import (
    all_playlists,
    all_screens,
    ensure_defaults,
    playlist_screens,
    screen_view,
)
from hub.live.stream import event_stream
from hub.live.tokens import TokenRefused, still_valid
from hub.models import Playlist
from hub.portal.i18n import language
from hub.state import current_hub
from hub.widgets import SCREEN_NAME

HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 3600.0
MAX_STREAM_SCREENS = 50
GRANT_CHECK_SECONDS = 1.0

blueprint = Blueprint("live", __name__, url_prefix="/live")


@blueprint.get("/")
@roles_required(*OPERATORS)
def index() -> str:
    with current_hub().db.session() as session:
        ensure_defaults(session, current_hub(), current_hub().settings.language)
    with current_hub().db.read_session() as session:
        playlists = all_playlists(session)
        screens = all_screens(session)
    return render_template(
        "live/index.html",
        playlists=playlists,
        screens=screens,
        widgets=live_room().widgets,
    )


@blueprint.get("/k/<token>")
def kiosk(token: str) -> tuple[str, int] | str:
    room = live_room()
    try:
        viewer = current_viewer(room, room.versions(), token)
    except TokenRefused as refused:
        return _refused_page(refused)
    with current_hub().db.read_session() as session:
        playlist = session.get(Playlist, viewer.token.playlist_id)
        config = _playlist_json(session, playlist)
    return _wall(config, token=token, kiosk=True)


@blueprint.get("/playlists/<name>")
@roles_required(*OPERATORS)
def playlist_preview(name: str) -> str:
    with current_hub().db.read_session() as session:
        playlist = _playlist(session, name)
        if playlist is None:
            abort(404)
        config = _playlist_json(session, playlist)
    return _wall(config, token=None, kiosk=False)


@blueprint.get("/screens/<name>")
@roles_required(*OPERATORS)
def screen_preview(name: str) -> str:
    with current_hub().db.read_session() as session:
        screen = screen_view(session, name)
    if screen is None:
        abort(404)
    config = {
        "name": None,
        "title": screen.title,
        "interval_seconds": 0,
        "screens": [{"name": screen.name, "title": screen.title}],
    }
    return _wall(config, token=None, kiosk=False)


@blueprint.get("/api/playlists/<name>")
def playlist_api(name: str) -> Response | tuple[Response, int]:
    room = live_room()
    try:
        viewer = current_viewer(room, room.versions())
    except TokenRefused as refused:
        return _refused_json(refused)
    with current_hub().db.read_session() as session:
        playlist = _playlist(session, name)
        if playlist is None:
            return _not_found(gettext("There is no playlist named %(name)s.", name=name))
        if viewer.token is not None and viewer.token.playlist_id != playlist.id:
            return _refused_json(TokenRefused(NOT_IN_PLAYLIST))
        return _no_store(jsonify(_playlist_json(session, playlist)))


@blueprint.get("/api/screens/<name>/data")
def screen_data_api(name: str) -> Response | tuple[Response, int]:
    room = live_room()
    versions = room.versions()
    try:
        viewer = current_viewer(room, versions)
    except TokenRefused as refused:
        return _refused_json(refused)
    screen = room.screen(name, versions)
    if screen is None:
        return _not_found(gettext("There is no screen named %(name)s.", name=name))
    if viewer.token is not None and name not in room.shown(viewer.token.playlist_id, versions):
        return _refused_json(TokenRefused(NOT_IN_PLAYLIST))
    return _no_store(jsonify(screen_data(room, screen, viewer.detailed, versions)))


@blueprint.get("/events")
def events() -> BaseResponse | tuple[Response, int]:
    room = live_room()
    try:
        viewer = current_viewer(room, room.versions())
    except TokenRefused as refused:
        return _refused_json(refused)
    wanted = _wanted_screens()

    def screens() -> frozenset[str]:
        if viewer.token is None:
            return wanted
        return wanted & room.shown(viewer.token.playlist_id, room.versions())

    try:
        inbox = room.relay.open(screens(), language())
    except redis.RedisError:
        return _unavailable()
    try:
        last_id = room.channel.last_id()
    except redis.RedisError:
        room.relay.close(inbox)
        return _unavailable()
    token_id = viewer.token.id if viewer.token else None
    db = current_hub().db
    config = current_app.config
    stream = event_stream(
        room.relay,
        inbox,
        last_id,
        request.headers.get("Last-Event-ID"),
        token_id,
        (lambda: _still_valid(room, db, token_id)) if token_id is not None else (lambda: True),
        config.get("LIVE_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS),
        config.get("LIVE_STREAM_SECONDS", STREAM_SECONDS),
        detailed=viewer.detailed,
        screens=screens,
    )
    response = Response(stream, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _wall(playlist: dict[str, Any], *, token: str | None, kiosk: bool) -> str:
    lang = language()
    config = {
        "playlist": playlist,
        "token": token,
        "kiosk": kiosk,
        "language": lang,
        "timezone": current_hub().settings.timezone,
        "urls": {
            "playlist": url_for("live.playlist_api", name="__name__", lang=lang),
            "data": url_for("live.screen_data_api", name="__name__", lang=lang),
            "events": url_for("live.events", lang=lang),
        },
        "strings": client_strings(),
    }
    return render_template("live/wall.html", config=config, kiosk=kiosk)


def _playlist(session: Session, name: str) -> Playlist | None:
    return session.scalar(select(Playlist).where(Playlist.name == name))


def _playlist_json(session: Session, playlist: Playlist) -> dict[str, Any]:
    return {
        "name": playlist.name,
        "title": playlist.title,
        "interval_seconds": playlist.interval_seconds,
        "screens": [
            {"name": screen.name, "title": screen.title}
            for screen in playlist_screens(session, playlist)
        ],
    }


def _still_valid(room: LiveRoom, db: Database, token_id: int) -> bool:
    """Whether a token is still valid, read once a second for all its streams."""
    check = room.lookups.get(
        ("token valid", token_id), None, GRANT_CHECK_SECONDS, lambda: still_valid(db, token_id)
    )
    return check.value


def _wanted_screens() -> frozenset[str]:
    """The screens named in ``?screens=`` (well-formed names only, at most
    :data:`MAX_STREAM_SCREENS`)."""
    names = [name for name in request.args.get("screens", "").split(",") if name]
    return frozenset(name for name in names[:MAX_STREAM_SCREENS] if SCREEN_NAME.match(name))


def _refused_page(refused: TokenRefused) -> tuple[str, int]:
    return render_template("live/refused.html", message=refused.message), 403


def _refused_json(refused: TokenRefused) -> tuple[Response, int]:
    return _no_store(jsonify(error=str(refused.message))), 403


def _unavailable() -> tuple[Response, int]:
    return _no_store(jsonify(error=gettext("Live updates are unavailable right now."))), 503


def _not_found(message: str) -> tuple[Response, int]:
    return _no_store(jsonify(error=message)), 404


def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True
    return response
