"""Creating portal users, with every rule checked before anything is stored."""

from __future__ import annotations

from collections.abc import Collection

from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.agencies import AGENCY_CODE
from hub.models import ROLES, Area, User
from hub.state import current_hub

MIN_PASSWORD_LENGTH = 8
AREA_ROLES = ("ward_staff",)
AGENCY_ROLES = ("officer",)


def offered_agencies() -> Collection[str]:
    """The codes of the agencies the current app's plugins offer (none outside an app). While
    there are none, any well-formed agency code is accepted."""
    return current_hub().agencies if has_app_context() else ()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    area_code: str | None = None,
    agency_code: str | None = None,
    full_name: str = "",
) -> User:
    """Add a user to ``session``; raise ``ValueError`` naming the first rule it breaks."""
    username = username.strip()
    area_code = area_code or None
    agency_code = agency_code or None
    if not username:
        raise ValueError("username must not be empty")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if area_code is None and role in AREA_ROLES:
        raise ValueError(f"a {role} user needs an area code (their kelurahan or kecamatan)")
    if area_code is not None and session.get(Area, area_code) is None:
        raise ValueError(f"area code {area_code!r} is not in the areas table")
    if agency_code is not None and role not in AGENCY_ROLES:
        raise ValueError(f"only an officer works for an agency, not a {role} user")
    if agency_code is not None and not AGENCY_CODE.fullmatch(agency_code):
        raise ValueError(
            f"agency code {agency_code!r} must be 2 to 32 lowercase letters, digits or dashes"
        )
    agencies = offered_agencies()
    if agency_code is not None and agencies and agency_code not in agencies:
        raise ValueError(
            f"there is no agency with the code {agency_code!r} (agencies: {', '.join(agencies)})"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"username {username!r} is already taken")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        area_code=area_code,
        agency_code=agency_code,
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    return user
