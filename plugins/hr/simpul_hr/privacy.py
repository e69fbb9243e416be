"""Who sees civil servants' personal data: the rule, and the staff rows it produces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.api import Record

PERSONAL_DATA_ROLES = ("admin",)


def shows_personal_data(role: str | None) -> bool:
    """A civil servant's NIP, name, rank and manager are shown to admins only: never to operators,
    officers or ward staff, and never on wall screens or in figures, which count people."""
    return role in PERSONAL_DATA_ROLES


def staff_row(
    record: Record, role: str | None, managers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What ``role`` may see of the ``staff`` record: the post always, the person only if the
    rule allows it; ``managers`` names the managers the provider gave only the SCIM id of."""
    attributes = record.attributes or {}
    row = {
        "position": record.title,
        "unit": record.category,
        "opd": attributes.get("opd"),
        "area_code": record.area_code,
        "status": record.status,
    }
    if shows_personal_data(role):
        manager = attributes.get("manager") or {}
        row |= {
            "nip": attributes.get("nip"),
            "name": attributes.get("name"),
            "rank": attributes.get("rank"),
            "manager": manager.get("name")
            or (managers or {}).get(manager.get("id", ""))
            or manager.get("id"),
        }
    return row
