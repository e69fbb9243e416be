"""Portal users: a role and, for ward staff and officers, an area scope; and the one-time links
that let a user set their password."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates
from werkzeug.security import check_password_hash, generate_password_hash

from hub.models.base import Base, UTCDateTime, utcnow

ROLES = ("admin", "operator", "officer", "ward_staff")
OPERATORS = ("admin", "operator")
"""The roles that see and run everything: the command centre's operators and the administrators."""
NO_PASSWORD = "!"
"""The password hash of an account that cannot sign in until a password is set."""


class User(UserMixin, Base):
    """A person who signs in to the portal.

    Ward staff work in their ``area_code`` (a kelurahan or kecamatan); officers work for their
    ``agency_code`` (a dinas or suku dinas), optionally within an area.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("areas.code"))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    provisioned_by: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Moved on to end every session of the user (see :mod:`hub.auth.sessions`)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What a session holds of its user: the id, and the version of the user's sessions."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """End every session of this user, once the change is committed."""
        self.session_version = (self.session_version or 0) + 1

    @validates("active")
    def _end_sessions_when_disabled(self, _key: str, active: bool) -> bool:
        if not active:
            self.end_sessions()
        return active

    def set_password(self, password: str) -> None:
        """Set a new password; every session of the user ends."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        if self.password_hash == NO_PASSWORD:
            return False
        return check_password_hash(self.password_hash, password)


class PasswordReset(Base):
    """A one-time link with which a user sets their own password.

    The link's token is shown once, to the administrator who made it; only its SHA-256 is kept.
    It works until ``expires_at``, and only once: ``used_at`` is set when it is used.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
