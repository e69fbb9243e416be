"""Who may do what: roles, and the area a user's records are limited to."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, false, or_, true

from hub.models import User
from hub.models.user import OPERATORS

UNSCOPED_WITHOUT_AREA = ("officer",)

View = TypeVar("View", bound=Callable[..., Any])


def has_role(*roles: str) -> bool:
    """True if the signed-in user has one of ``roles``."""
    return bool(current_user.is_authenticated and current_user.role in roles)


def roles_required(*roles: str) -> Callable[[View], View]:
    """Decorate a view: anonymous users are sent to sign in, other roles get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(View, guarded)

    return decorate


def within(column: ColumnElement[Any], code: str) -> ColumnElement[bool]:
    """SQL for :func:`hub.areas.is_within`: the area ``code`` itself or any area inside it."""
    return or_(column == code, column.like(f"{code}.%"))


def area_scope(column: ColumnElement[Any], user: User) -> ColumnElement[bool]:
    """SQL limiting ``column`` (an area code) to what ``user`` may read.

    Admins and operators read everything; a user with an area code reads that area; an officer
    without one works city-wide; anyone else reads nothing.
    """
    if user.role in OPERATORS:
        return true()
    if user.area_code:
        return within(column, user.area_code)
    return true() if user.role in UNSCOPED_WITHOUT_AREA else false()
