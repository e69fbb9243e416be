"""Screen tokens: how a kiosk shows a playlist without anyone signing in.

A token is made for one playlist and shown once; only its SHA-256 is kept. It grants reading that
playlist's screens and their live events, nothing else. A revoked token is refused at once, and
open event streams that use it are closed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.audit import audit
from hub.db import Database
from hub.models import Playlist, ScreenToken, User
from hub.models.base import utcnow

TOKEN_BYTES = 24
NAME_LIMIT = 100
TOUCH_EVERY = timedelta(minutes=1)
TARGET = "screen_token"

FORGED = _l("This screen link is not valid. Ask an administrator for a new one.")
REVOKED = _l("This screen link was revoked. Ask an administrator for a new one.")


class TokenRefused(ValueError):
    """A token that opens nothing, with the message the screen shows."""

    def __init__(self, message: str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class GrantedToken:
    """A valid token: which one, and the playlist it shows."""

    id: int
    playlist_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str, playlist: Playlist, user: User | None) -> str:
    """Make a token named ``name`` (where the screen hangs) for ``playlist``; return it."""
    name = name.strip()
    if not name:
        raise ValueError("a screen token needs a name")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"a screen token's name has at most {NAME_LIMIT} characters")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ScreenToken(name=name, token_hash=token_hash(token), playlist_id=playlist.id)
    session.add(row)
    session.flush()
    audit(session, user, "live.token.create", TARGET, row.id, name=name, playlist=playlist.name)
    return token


def revoke_token(session: Session, token_id: int, user: User | None) -> ScreenToken | None:
    """Revoke a token; None if there is no such token. Revoking twice changes nothing."""
    row = session.get(ScreenToken, token_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(session, user, "live.token.revoke", TARGET, row.id, name=row.name)
    return row


def check_token(session: Session, token: str) -> GrantedToken:
    """The grant of ``token``; raises :class:`TokenRefused` for a forged or revoked one."""
    row = session.execute(
        select(ScreenToken.id, ScreenToken.playlist_id, ScreenToken.revoked_at).where(
            ScreenToken.token_hash == token_hash(token)
        )
    ).first()
    if row is None:
        raise TokenRefused(FORGED)
    if row.revoked_at is not None:
        raise TokenRefused(REVOKED)
    return GrantedToken(row.id, row.playlist_id)


def still_valid(db: Database, token_id: int) -> bool:
    with db.read_session() as session:
        revoked = session.execute(
            select(ScreenToken.revoked_at).where(ScreenToken.id == token_id)
        ).first()
    return revoked is not None and revoked.revoked_at is None


def touch(db: Database, token_id: int) -> None:
    """Note that the token was used, at most once a minute."""
    now = utcnow()
    with db.session() as session:
        session.execute(
            update(ScreenToken)
            .where(
                ScreenToken.id == token_id,
                ScreenToken.last_used_at.is_(None) | (ScreenToken.last_used_at < now - TOUCH_EVERY),
            )
            .values(last_used_at=now)
        )


def all_tokens(session: Session) -> list[tuple[ScreenToken, str]]:
    """Every token with the name of its playlist, newest first."""
    rows = session.execute(
        select(ScreenToken, Playlist.name)
        .join(Playlist, Playlist.id == ScreenToken.playlist_id)
        .order_by(ScreenToken.created_at.desc(), ScreenToken.id.desc())
    )
    return [(token, playlist) for token, playlist in rows]
