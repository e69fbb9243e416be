"""Who is looking at the wall: a kiosk with a screen token, or a signed-in operator.

A token (in the kiosk's address, the ``X-Screen-Token`` header or ``?token=``) grants its own
playlist's screens and nothing else; administrators and operators who signed in may look at
every screen, and administrators also see why a widget failed. Each process keeps a token's
grant until an administrator revokes a token (the revocation is published to every process).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l

from hub.auth import OPERATORS, has_role
from hub.live.room import LiveRoom
from hub.live.tokens import (
    TOUCH_EVERY,
    GrantedToken,
    TokenRefused,
    check_token,
    token_hash,
    touch,
)
from hub.state import current_hub

TOKEN_HEADER = "X-Screen-Token"
SIGN_IN_NEEDED = _l(
    "Open this screen with its screen link, or sign in as an administrator or operator."
)
NOT_IN_PLAYLIST = _l("This screen link does not show that screen.")


@dataclass(frozen=True)
class Viewer:
    """A kiosk's ``token``, or (None) a signed-in operator; ``detailed`` shows widget errors."""

    token: GrantedToken | None
    detailed: bool = False


def current_viewer(
    room: LiveRoom, versions: dict[str, int] | None, token: str | None = None
) -> Viewer:
    """The viewer of this request; raises :class:`TokenRefused` with the message to show."""
    token = token or request.headers.get(TOKEN_HEADER) or request.args.get("token")
    if token:
        grant = room.lookup(("token", token_hash(token)), versions, lambda: _grant(token))
        if isinstance(grant, TokenRefused):
            raise grant
        db = current_hub().db
        room.lookups.get(
            ("token used", grant.id), None, TOUCH_EVERY.total_seconds(), lambda: touch(db, grant.id)
        )
        return Viewer(grant)
    if has_role(*OPERATORS):
        return Viewer(None, detailed=has_role("admin"))
    raise TokenRefused(SIGN_IN_NEEDED)


def _grant(token: str) -> GrantedToken | TokenRefused:
    try:
        with current_hub().db.read_session() as session:
            return check_token(session, token)
    except TokenRefused as refused:
        return refused
