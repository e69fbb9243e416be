"""The jobs simulator's own faults, on top of the kit's: invalid items in its listings and feed
(``invalid_next``), and a feed answered as plain JSON (``not_jsonld_next``)."""

from __future__ import annotations

from typing import Any

from hub.api import FaultInjector

EXTRA_FAULTS = {"not_jsonld_next": 0}
"""How many feed requests to answer with plain JSON instead of JSON-LD."""
UNKNOWN_KELURAHAN = "36.71.99.9999"
"""Shaped like a kelurahan code, but no kelurahan has it."""


def distort(
    faults: FaultInjector, stream: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``items`` of ``stream`` (or of the feed), with invalid ones added while ``invalid_next``
    runs; a page without items takes no count."""
    number = faults.take("invalid_next") if items else 0
    return [*items, *invalid_items(stream, items[0], number)] if number else items


def invalid_items(stream: str, model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Items shaped like ``model`` that cannot be stored: a seeker in an unknown kelurahan; a
    posting without a title and one with an impossible date; a placement without its seeker."""
    if stream == "seekers":
        return [{**model, "id": f"{model['id']}X{number}", "kelurahan_code": UNKNOWN_KELURAHAN}]
    if stream == "placements":
        return [{k: v for k, v in model.items() if k != "seeker_id"} | {"id": f"PNM-X{number}"}]
    untitled = {k: v for k, v in model.items() if k != "title"}
    return [
        untitled | {"identifier": f"INVALID-{number}-TITLE"},
        model | {"identifier": f"INVALID-{number}-DATE", "datePosted": "31/11/2026"},
    ]
