"""Who sees civil servants' personal data: the rule, and the staff rows it produces."""

from __future__ import annotations

from typing import Any

from hub.api import Record

PERSONAL_DATA_ROLES = ("admin",)


def shows_personal_data(role: str | None) -> bool:
    """A civil servant's NIP, name and rank are shown to admins only: never to operators,
    officers or ward staff, and never on wall screens or in figures, which count people."""
    return role in PERSONAL_DATA_ROLES


def staff_row(record: Record, role: str | None) -> dict[str, Any]:
    """What ``role`` may see of the ``staff`` record: the post always, the person only if the
    rule allows it."""
    attributes = record.attributes or {}
    row = {
        "position": record.title,
        "unit": record.category,
        "opd": attributes.get("opd"),
        "area_code": record.area_code,
        "status": record.status,
    }
    if shows_personal_data(role):
        row |= {
            "nip": record.external_id,
            "name": attributes.get("name"),
            "rank": attributes.get("rank"),
        }
    return row
