"""One status model for complaints from every source, and the workflow between statuses.

Each complaint app has its own words; the hub maps them to its canonical statuses. "Closed, not
fixed" (not our duty, a duplicate, rejected) counts apart from "resolved" (fixed).
"""

from __future__ import annotations

OPEN, COORDINATION, DISPOSITION = "open", "coordination", "disposition"
IN_PROGRESS, RESOLVED, CLOSED = "in_progress", "resolved", "closed"
CANONICAL = (OPEN, COORDINATION, DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED)
FINISHED = (RESOLVED, CLOSED)

NOT_OUR_DUTY, DUPLICATE, REJECTED = "not_our_duty", "duplicate", "rejected"
RESOLUTIONS = (NOT_OUR_DUTY, DUPLICATE, REJECTED)

SCHEMES: dict[str, dict[str, str]] = {
    "qlue": {"wait": OPEN, "process": IN_PROGRESS, "complete": RESOLVED},
    "open311": {"open": OPEN, "closed": RESOLVED},
    "crm": {
        "Menunggu": OPEN,
        "Koordinasi": COORDINATION,
        "Disposisi": DISPOSITION,
        "Proses": IN_PROGRESS,
        "Selesai": RESOLVED,
    },
}
"""Each source system's statuses: Qlue; Open311 GeoReport v2; Jakarta's later CRM flow."""

NEXT: dict[str, tuple[str, ...]] = {
    OPEN: (COORDINATION, DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED),
    COORDINATION: (DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED),
    DISPOSITION: (IN_PROGRESS, RESOLVED, CLOSED),
    IN_PROGRESS: (RESOLVED, CLOSED),
    RESOLVED: (),
    CLOSED: (),
}
"""Where an official may move a complaint; only a citizen's dispute (or an operator) reopens."""


def canonical_status(scheme: str, value: str) -> str:
    """The hub's status for ``value`` in a source system's ``scheme`` ("qlue", "open311", "crm").

    Raises ValueError naming the values the scheme knows.
    """
    try:
        statuses = SCHEMES[scheme]
    except KeyError:
        raise ValueError(f"unknown status scheme {scheme!r}") from None
    try:
        return statuses[value]
    except (KeyError, TypeError):
        raise ValueError(f"unknown status {value!r} (expected {', '.join(statuses)})") from None


def source_status(scheme: str, status: str) -> str:
    """A source system's word for a canonical status: the first of its statuses that maps to it,
    else the nearest earlier one (CRM has no "closed, not fixed": it is "Selesai")."""
    statuses = SCHEMES[scheme]
    order = CANONICAL[: CANONICAL.index(status) + 1]
    for wanted in reversed(order):
        for word, canonical in statuses.items():
            if canonical == wanted:
                return word
    return next(iter(statuses))


def may_move(current: str, new: str) -> bool:
    return new in NEXT.get(current, ())
