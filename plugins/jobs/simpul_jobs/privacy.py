"""Who sees a job seeker's personal data: the rule, and the rows it produces."""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.api import Record

LABOUR_AGENCY = ("admin", "officer")
PAGE, EXPORT, WALL = "page", "export", "wall"


def shows_personal_data(role: str | None, purpose: str = PAGE) -> bool:
    """A seeker's name, NIK, phone and full AK/1 number are shown only on the pages of the labour
    agency (admins and officers); never on wall screens, in figures or in exports."""
    return purpose == PAGE and role in LABOUR_AGENCY


def mask_registration(number: str) -> str:
    """The AK/1 number with its middle hidden: "3671-2611-0042" becomes "3671-****-0042"."""
    parts = number.split("-")
    if len(parts) >= 3:
        return "-".join([parts[0], *("*" * len(part) for part in parts[1:-1]), parts[-1]])
    return "*" * max(0, len(number) - 4) + number[-4:]


def seeker_row(record: Record, role: str | None, purpose: str = PAGE) -> dict[str, Any]:
    """What ``role`` may see of the seeker ``record`` for ``purpose``."""
    attributes = record.attributes or {}
    personal = shows_personal_data(role, purpose)
    row = {
        "id": record.id,
        "registration": record.external_id if personal else mask_registration(record.external_id),
        "status": record.status,
        "education": record.category,
        "skills": attributes.get("skills") or [],
        "sector": attributes.get("sector"),
        "area_code": record.area_code,
        "registered_at": record.created_at,
        "ak1_valid_until": _day(attributes.get("ak1_valid_until")),
    }
    if personal:
        details = attributes.get("personal") or {}
        row.update({field: details.get(field) for field in ("name", "nik", "phone")})
    return row


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
