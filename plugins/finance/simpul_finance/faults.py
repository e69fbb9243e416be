"""The simulator's own fault on top of the kit's: invalid items in a page."""

from __future__ import annotations

from typing import Any

from hub.api import FaultInjector

UNKNOWN_KECAMATAN = "99.99.99"


def spoil(faults: FaultInjector, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page with two invalid items shaped like its first, while ``invalid_next`` lasts."""
    if not page or not faults.take("invalid_next"):
        return page
    return [*page, *invalid_items(page[0])]


def invalid_items(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Two broken copies of ``model``: a budget line without an id and one in an unknown
    kecamatan, or a realization with a floating point amount and one with a malformed date."""
    if "sp2d_number" in model:
        return [
            {**model, "sp2d_number": model["sp2d_number"] + "-X1", "amount": 1250000.5},
            {**model, "sp2d_number": model["sp2d_number"] + "-X2", "date": "15/03/2026"},
        ]
    return [
        {key: value for key, value in model.items() if key != "id"},
        {**model, "id": model["id"] + "-X", "area_code": UNKNOWN_KECAMATAN},
    ]
