"""Administering portal users: finding, creating, editing, disabling and enabling them, and the
one-time links with which a user sets their own password.

The administrators' pages and the ``simpul users`` commands both work through these functions,
so the same rules hold everywhere. Every rule that fails is a :class:`~hub.problems.Problem`
with a message in the reader's language, naming the field it is about; nothing is changed
unless every rule holds. Every change is written to the audit log in the same transaction.

A password is never shown, stored in the clear or logged. A new account has none: the
administrator gets a one-time link with which the person sets it. A link's token is shown
once; only its SHA-256 is kept. It works for :data:`RESET_LIFETIME` and only once, and making a
new link for a user ends the earlier ones.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from hub.agencies import AGENCY_CODE
from hub.audit import audit
from hub.auth.access import within
from hub.auth.users import AGENCY_ROLES, AREA_ROLES, MIN_PASSWORD_LENGTH, offered_agencies
from hub.models import ROLES, Area, PasswordReset, User
from hub.models.base import utcnow
from hub.models.user import NO_PASSWORD
from hub.problems import InvalidFields, Problem

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
"""A new user's sign-in name: letters, digits, dots, dashes, underscores and @."""
FULL_NAME_LIMIT = 200
MAX_PASSWORD_LENGTH = 1024
PAGE_SIZE = 50
RESET_LIFETIME = timedelta(hours=24)
TOKEN_BYTES = 32
URL_PREFIX = "/users"
TARGET = "user"
EDITABLE = ("full_name", "role", "area_code", "agency_code")

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "operator": _l("Operator"),
    "officer": _l("Officer"),
    "ward_staff": _l("Ward staff"),
}

UNKNOWN_LINK = _l("This link is not valid. Ask an administrator for a new one.")
USED_LINK = _l("This link was used already. Ask an administrator for a new one.")
EXPIRED_LINK = _l("This link has expired. Ask an administrator for a new one.")
DISABLED = _l("This account is disabled. Ask an administrator.")


@dataclass(frozen=True)
class UserValues:
    """What an administrator says about a user: blanks read as nothing."""

    username: str = ""
    full_name: str = ""
    role: str = ""
    area_code: str | None = None
    agency_code: str | None = None

    @classmethod
    def read(cls, values: Mapping[str, Any]) -> UserValues:
        """Values from a form, a CSV row or command-line options, stripped."""

        def text(name: str) -> str:
            return str(values.get(name) or "").strip()

        return cls(
            username=text("username"),
            full_name=text("full_name"),
            role=text("role"),
            area_code=text("area_code") or None,
            agency_code=text("agency_code") or None,
        )


def check_values(
    values: UserValues,
    *,
    areas: Collection[str],
    agencies: Collection[str] = (),
    taken: Collection[str] = (),
    fields: Collection[str] = ("username", *EDITABLE),
) -> list[Problem]:
    """What is wrong with ``values``, field by field; an empty list if nothing is.

    ``areas`` are the area codes that exist among those named, ``agencies`` the codes of the
    agencies the plugins offer (while there are none, any well-formed code will do), ``taken``
    the usernames in use. Only ``fields`` are checked on their own; the rules between the role
    and the scope are checked when any of the three is among them.
    """
    problems: list[Problem] = []
    if "username" in fields:
        problems += _username_problems(values.username, taken)
    if "full_name" in fields and len(values.full_name) > FULL_NAME_LIMIT:
        message = _l("A full name has at most %(count)d characters.", count=FULL_NAME_LIMIT)
        problems.append(Problem("full_name", message, "full_name"))
    scope_changed = {"role", "area_code", "agency_code"} & set(fields)
    if "role" in fields and values.role not in ROLES:
        message = _l("Choose one of the roles: %(roles)s.", roles=", ".join(ROLES))
        problems.append(Problem("role", message, "role"))
    if "area_code" in fields and values.area_code and values.area_code not in areas:
        message = _l("There is no area with the code %(code)s.", code=values.area_code)
        problems.append(Problem("area_code", message, "area_code"))
    if scope_changed and values.role in AREA_ROLES and not values.area_code:
        message = _l("Ward staff need an area: their kelurahan or kecamatan.")
        problems.append(Problem("area_code", message, "area_code"))
    agency = values.agency_code
    if "agency_code" in fields and agency and not AGENCY_CODE.fullmatch(agency):
        message = _l("An agency code has 2 to 32 lowercase letters, digits or dashes, such as dlh.")
        problems.append(Problem("agency_code", message, "agency_code"))
    elif "agency_code" in fields and agency and agencies and agency not in agencies:
        message = _l(
            "There is no agency with the code %(code)s. Choose one of: %(codes)s.",
            code=agency,
            codes=", ".join(agencies),
        )
        problems.append(Problem("agency_code", message, "agency_code"))
    elif scope_changed and agency and values.role in ROLES and values.role not in AGENCY_ROLES:
        message = _l("Only officers work for an agency: leave the agency empty.")
        problems.append(Problem("agency_code", message, "agency_code"))
    return problems


def _username_problems(username: str, taken: Collection[str]) -> list[Problem]:
    if not username:
        return [Problem("username", _l("Enter a username."), "username")]
    if not USERNAME.fullmatch(username):
        message = _l(
            "A username has at most 64 letters, digits, dots, dashes, underscores or @, "
            "and starts with a letter or a digit."
        )
        return [Problem("username", message, "username")]
    if username in taken:
        message = _l("The username %(name)s is taken already.", name=username)
        return [Problem("username", message, "username")]
    return []


def existing_areas(session: Session, codes: Iterable[str | None]) -> set[str]:
    """Those of ``codes`` that are in the areas table."""
    wanted = {code for code in codes if code}
    if not wanted:
        return set()
    return set(session.scalars(select(Area.code).where(Area.code.in_(wanted))))


def existing_usernames(session: Session, names: Iterable[str]) -> set[str]:
    """Those of ``names`` that an account has already."""
    wanted = {name for name in names if name}
    if not wanted:
        return set()
    return set(session.scalars(select(User.username).where(User.username.in_(wanted))))


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


# Listing
# -------


@dataclass(frozen=True)
class UserFilters:
    """Which users a list shows: by role, area (and the areas inside it), agency, whether the
    account is active, and text in the username or full name."""

    role: str | None = None
    area: str | None = None
    agency: str | None = None
    active: bool | None = None
    text: str = ""

    @classmethod
    def read(cls, args: Mapping[str, str]) -> UserFilters:
        """Filters from a query string; values that cannot match anything are ignored."""
        role = (args.get("role") or "").strip()
        active = {"yes": True, "no": False}.get((args.get("active") or "").strip())
        return cls(
            role=role if role in ROLES else None,
            area=(args.get("area") or "").strip() or None,
            agency=(args.get("agency") or "").strip() or None,
            active=active,
            text=(args.get("q") or "").strip()[:100],
        )

    def conditions(self) -> list[Any]:
        conditions: list[Any] = []
        if self.role:
            conditions.append(User.role == self.role)
        if self.area:
            conditions.append(within(User.area_code, self.area))
        if self.agency:
            conditions.append(User.agency_code == self.agency)
        if self.active is not None:
            conditions.append(User.active.is_(self.active))
        if self.text:
            text = self.text.lower()
            conditions.append(
                or_(
                    func.lower(User.username).contains(text, autoescape=True),
                    func.lower(User.full_name).contains(text, autoescape=True),
                )
            )
        return conditions


@dataclass(frozen=True)
class UserPage:
    """One page of a list of users, by username."""

    users: list[User]
    total: int
    page: int
    pages: int


def list_users(
    session: Session, filters: UserFilters, page: int = 1, page_size: int | None = PAGE_SIZE
) -> UserPage:
    """The users ``filters`` match, ``page_size`` at a time (all of them if None)."""
    conditions = filters.conditions()
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    pages = max(1, math.ceil(total / page_size)) if page_size else 1
    page = min(max(page, 1), pages)
    query = select(User).where(*conditions).order_by(User.username)
    if page_size:
        query = query.offset((page - 1) * page_size).limit(page_size)
    return UserPage(list(session.scalars(query)), total, page, pages)


def area_names(session: Session, codes: Iterable[str | None]) -> dict[str, str]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    rows = session.execute(select(Area.code, Area.name).where(Area.code.in_(wanted)))
    return {code: name for code, name in rows}


# Changes
# -------


def create_account(
    session: Session, actor: User | None, values: UserValues, *, via: str
) -> tuple[User, str]:
    """Create a user without a password and make their first set-password link.

    Returns the user and the link's token; raises :class:`~hub.problems.InvalidFields`.
    ``via`` says how (``"portal"``, ``"cli"``, ``"import"``) in the audit log.
    """
    problems = check_values(
        values,
        areas=existing_areas(session, [values.area_code]),
        agencies=offered_agencies(),
        taken=existing_usernames(session, [values.username]),
    )
    if problems:
        raise InvalidFields(problems)
    user = User(
        username=values.username,
        full_name=values.full_name,
        role=values.role,
        area_code=values.area_code,
        agency_code=values.agency_code,
        password_hash=NO_PASSWORD,
        active=True,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", TARGET, user.username, via=via, **_scope(user))
    return user, issue_reset_link(session, actor, user, via=via)


def edit_user(
    session: Session, actor: User | None, user: User, changes: Mapping[str, str | None], *, via: str
) -> dict[str, dict[str, str | None]]:
    """Change some of a user's :data:`EDITABLE` fields; returns what changed, from and to.

    An officer who gets another role leaves their agency, unless an agency is given. Nobody
    changes their own role here: an administrator would lock themselves out.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    current = UserValues(
        username=user.username,
        full_name=user.full_name or "",
        role=user.role,
        area_code=user.area_code,
        agency_code=user.agency_code,
    )
    wanted = replace(current, **{name: _blank(name, value) for name, value in changes.items()})
    leaves_agency = wanted.role != current.role and wanted.role not in AGENCY_ROLES
    if leaves_agency and "agency_code" not in changes:
        wanted = replace(wanted, agency_code=None)
    changed = {
        name: {"from": getattr(current, name), "to": getattr(wanted, name)}
        for name in EDITABLE
        if getattr(current, name) != getattr(wanted, name)
    }
    if not changed:
        return {}
    if "role" in changed and actor is not None and actor.id == user.id:
        raise InvalidFields([Problem("own_role", _l("You cannot change your own role."), "role")])
    problems = check_values(
        wanted,
        areas=existing_areas(session, [wanted.area_code]),
        agencies=offered_agencies(),
        fields=set(changed),
    )
    if problems:
        raise InvalidFields(problems)
    for name, change in changed.items():
        setattr(user, name, change["to"])
    audit(session, actor, "user.edit", TARGET, user.username, via=via, changes=changed)
    return changed


def _blank(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if name in ("area_code", "agency_code"):
        return value or None
    return value


def set_active(session: Session, actor: User | None, user: User, active: bool, *, via: str) -> bool:
    """Enable or disable ``user``; False if they were so already. Nobody disables themselves."""
    if not active and actor is not None and actor.id == user.id:
        raise Problem("own_account", _l("You cannot disable your own account."), status=409)
    if user.active == active:
        return False
    user.active = active
    action = "user.enable" if active else "user.disable"
    audit(session, actor, action, TARGET, user.username, via=via)
    return True


def _scope(user: User) -> dict[str, str | None]:
    return {
        "role": user.role,
        "area_code": user.area_code,
        "agency_code": user.agency_code,
        "full_name": user.full_name,
    }


# One-time links
# --------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_path(token: str) -> str:
    """The address of a set-password link on the portal, without the site."""
    return f"{URL_PREFIX}/reset/{token}"


def issue_reset_link(
    session: Session, actor: User | None, user: User, *, via: str, now: datetime | None = None
) -> str:
    """Make a one-time set-password link for ``user`` and return its token (shown once).

    The user's earlier links that are still open stop working.
    """
    if not user.active:
        raise Problem("disabled", _l("This account is disabled: enable it first."), status=409)
    now = now or utcnow()
    session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + RESET_LIFETIME
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            created_by=getattr(actor, "id", None),
            created_at=now,
            expires_at=expires_at,
        )
    )
    audit(
        session,
        actor,
        "user.reset_link",
        TARGET,
        user.username,
        via=via,
        expires_at=expires_at.isoformat(),
    )
    return token


def check_reset_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[PasswordReset, User]:
    """The link of ``token`` and its user, if it still works; else a :class:`Problem`."""
    now = now or utcnow()
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if row is None:
        raise Problem("unknown_link", UNKNOWN_LINK, status=404)
    if row.used_at is not None:
        raise Problem("used_link", USED_LINK, status=410)
    if row.expires_at <= now:
        raise Problem("expired_link", EXPIRED_LINK, status=410)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Problem("disabled", DISABLED, status=403)
    return row, user


def password_problems(password: str, confirmation: str) -> list[Problem]:
    if len(password) < MIN_PASSWORD_LENGTH:
        message = _l("A password has at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        return [Problem("password", message, "password")]
    if len(password) > MAX_PASSWORD_LENGTH:
        message = _l("A password has at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
        return [Problem("password", message, "password")]
    if password != confirmation:
        return [Problem("confirm", _l("The two passwords are not the same."), "confirm")]
    return []


def use_reset_link(
    session: Session, token: str, password: str, confirmation: str, now: datetime | None = None
) -> User:
    """Set the password of the link's user and close the link; every session of the user ends."""
    now = now or utcnow()
    row, user = check_reset_link(session, token, now)
    problems = password_problems(password, confirmation)
    if problems:
        raise InvalidFields(problems)
    closed = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == row.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise Problem("used_link", USED_LINK, status=410)
    user.set_password(password)
    audit(session, user, "user.password_set", TARGET, user.username, via="link")
    return user
