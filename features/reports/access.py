"""Who may write, read and review activity reports.

- Ward staff of a kelurahan write reports for that kelurahan only, and read its reports.
- Reviewers are the camat's office: ward staff or officers whose area is a kecamatan. They read
  and review the reports of the kelurahan in it. Admins review anywhere.
- Operators (and admins) read everything. Everyone else reads by their area scope.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from features.reports.models import ActivityReport
from hub.api import User, area_scope, is_within, level_of

WRITER_ROLES = ("ward_staff",)
REVIEWER_ROLES = ("ward_staff", "officer")


def writable_area(user: User) -> str | None:
    """The kelurahan ``user`` reports for, or None if they do not write reports."""
    if user.role in WRITER_ROLES and user.area_code and level_of(user.area_code) == "village":
        return user.area_code
    return None


def is_reviewer(user: User) -> bool:
    if user.role == "admin":
        return True
    return bool(
        user.role in REVIEWER_ROLES and user.area_code and level_of(user.area_code) == "district"
    )


def readable(user: User) -> ColumnElement[bool]:
    """SQL limiting reports to those ``user`` may read."""
    return area_scope(ActivityReport.area_code, user)


def may_edit(user: User, report: ActivityReport) -> bool:
    return writable_area(user) == report.area_code


def may_review(user: User, report: ActivityReport) -> bool:
    if user.role == "admin":
        return True
    return is_reviewer(user) and is_within(report.area_code, user.area_code or "")
