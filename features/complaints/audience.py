"""Who is told about a complaint.

The people who handle a complaint are the staff of its kelurahan (ward staff, or officers of no
agency, whose area is that kelurahan), the officers of its agency whose area (if they have one)
contains it, and the person it is assigned to. Above them are the people of a wider area (the
kecamatan's office, the city's), told when a deadline passes, and the agency's head: an officer
of the agency with no area of their own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from features.complaints.access import may_handle
from features.complaints.models import ComplaintCase
from hub.api import User, is_within

ROLES = ("ward_staff", "officer")
DEPTH = {"province": 1, "regency": 2, "district": 3, "village": 4}
"""How many parts an area code of each level has: ``31.75.10`` is a district."""


def handles(user: User, area: str | None, agency: str | None) -> bool:
    """Whether ``user`` handles the complaints of kelurahan ``area`` routed to ``agency``."""
    if user.role == "officer" and user.agency_code:
        inside = not user.area_code or is_within(area, user.area_code)
        return user.agency_code == agency and inside
    return user.role in ROLES and area is not None and user.area_code == area


def heads(user: User, agency: str | None) -> bool:
    """Whether ``user`` heads ``agency``: one of its officers, with no area of their own."""
    return user.role == "officer" and user.agency_code == agency and not user.area_code


def ancestor(code: str | None, level: str) -> str | None:
    """The area of ``level`` that contains ``code`` (``31.75.10`` for ``31.75.10.1005`` and
    ``"district"``); None when ``code`` is no deeper than that level."""
    if code is None:
        return None
    parts = code.split(".")
    depth = DEPTH[level]
    return ".".join(parts[:depth]) if len(parts) > depth else None


def people(
    session: Session,
    areas: Collection[str | None] = (),
    agencies: Collection[str | None] = (),
    ids: Collection[int | None] = (),
) -> list[User]:
    """The active staff and officers of any of ``areas`` or ``agencies``, and the people
    ``ids``: everyone a batch of complaints may concern, in one query."""
    wanted = [
        (User.area_code, {a for a in areas if a}),
        (User.agency_code, {a for a in agencies if a}),
        (User.id, {i for i in ids if i}),
    ]
    conditions = [column.in_(values) for column, values in wanted if values]
    if not conditions:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(ROLES), or_(*conditions))
            .order_by(User.id)
        )
    )


def handlers(users: Iterable[User], case: ComplaintCase) -> list[User]:
    """Those of ``users`` who handle ``case``, its assignee among them."""
    return [
        user
        for user in users
        if user.id == case.assignee_id or handles(user, case.area_code, case.agency_code)
    ]


def above(users: Iterable[User], case: ComplaintCase, level: str | None) -> list[User]:
    """Those of ``users`` one step up from ``case``: the people of its area of ``level``
    (when there is one) who may handle it, and its agency's head."""
    area = ancestor(case.area_code, level) if level else None
    return [
        user
        for user in users
        if heads(user, case.agency_code)
        or (area is not None and user.area_code == area and may_handle(user, case))
    ]
