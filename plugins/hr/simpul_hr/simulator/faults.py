"""The HR simulator's own distortions, driven by the kit's ``invalid_next``: invalid users in a
page of the SCIM Users listing, invalid records in a page of attendance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.api import FaultInjector
from simpul_hr.scim import ENTERPRISE

UNKNOWN_UNIT = "Dinas Urusan Tidak Dikenal"

Invalid = Callable[[dict[str, Any], int], list[dict[str, Any]]]
"""Makes the invalid items numbered ``number``, shaped like a model item."""


def with_invalid(
    faults: FaultInjector, page: list[dict[str, Any]], invalid: Invalid
) -> list[dict[str, Any]]:
    """``page`` with the items ``invalid`` makes added while ``invalid_next`` runs; a page
    without items takes no count."""
    number = faults.take("invalid_next") if page else 0
    return [*page, *invalid(page[0], number)] if number else page


def invalid_users(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken users shaped like ``model``: one without an id, one in a unit the provider has
    no group for (with an id and a NIP of its own, so it shadows nobody)."""
    without_id = {key: value for key, value in model.items() if key != "id"}
    elsewhere = {
        **model,
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "userName": f"999999999999999{number:03d}",
        ENTERPRISE: {
            **model[ENTERPRISE],
            "employeeNumber": f"999999999999999{number:03d}",
            "department": UNKNOWN_UNIT,
        },
    }
    return [without_id, elsewhere]


def invalid_attendance(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken records shaped like ``model``: one of a person nobody employs, and one whose
    check-out comes before its check-in."""
    stranger = f"999999999999998{number:03d}"
    unknown = {**model, "id": f"ABS-{model['date']}-{stranger}", "nip": stranger}
    day = model["date"]
    backwards = {
        **model,
        "status": "present",
        "check_in": f"{day}T16:05:00+08:00",
        "check_out": f"{day}T07:30:00+08:00",
    }
    return [unknown, backwards]
