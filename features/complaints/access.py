"""Who may see and handle which complaints.

Admins and operators see and handle every complaint. Ward staff work in their area (a kelurahan
or a kecamatan). Officers work for their agency, within their area when they have one; an officer
with no agency works by area like ward staff.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true

from features.complaints.models import ComplaintCase
from hub.api import OPERATORS, User, is_within, within


def complaint_scope(user: User) -> ColumnElement[bool]:
    """SQL limiting complaint cases to those ``user`` may see."""
    if user.role in OPERATORS:
        return true()
    conditions = []
    if user.role == "officer" and user.agency_code:
        conditions.append(ComplaintCase.agency_code == user.agency_code)
    if user.area_code:
        conditions.append(within(ComplaintCase.area_code, user.area_code))
    return and_(*conditions) if conditions else false()


def may_handle(user: User, case: ComplaintCase) -> bool:
    """True if ``user`` may answer, hand off or assign ``case``."""
    if user.role in OPERATORS:
        return True
    if user.role == "officer" and user.agency_code:
        in_agency = case.agency_code == user.agency_code
        return in_agency and (not user.area_code or is_within(case.area_code, user.area_code))
    return bool(user.area_code) and is_within(case.area_code, user.area_code)
