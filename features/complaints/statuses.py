"""One status model for complaints from every source, and the workflow between statuses.

Each complaint app has its own words (:class:`StatusWords`, kept by the app's source type); the
hub maps them to its canonical statuses. "Closed, not fixed" (not our duty, a duplicate,
rejected) counts apart from "resolved" (fixed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

OPEN, COORDINATION, DISPOSITION = "open", "coordination", "disposition"
IN_PROGRESS, RESOLVED, CLOSED = "in_progress", "resolved", "closed"
CANONICAL = (OPEN, COORDINATION, DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED)
FINISHED = (RESOLVED, CLOSED)

NOT_OUR_DUTY, DUPLICATE, REJECTED = "not_our_duty", "duplicate", "rejected"
RESOLUTIONS = (NOT_OUR_DUTY, DUPLICATE, REJECTED)

NEXT: dict[str, tuple[str, ...]] = {
    OPEN: (COORDINATION, DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED),
    COORDINATION: (DISPOSITION, IN_PROGRESS, RESOLVED, CLOSED),
    DISPOSITION: (IN_PROGRESS, RESOLVED, CLOSED),
    IN_PROGRESS: (RESOLVED, CLOSED),
    RESOLVED: (),
    CLOSED: (),
}
"""Where an official may move a complaint; only a citizen's dispute (or an operator) reopens."""


@dataclass(frozen=True)
class StatusWords:
    """A source system's words for complaint statuses, each mapped to the hub's."""

    words: Mapping[str, str]

    def canonical(self, value: object) -> str:
        """The hub's status for ``value``; ValueError names the words this system has."""
        try:
            return self.words[value]  # type: ignore[index]
        except (KeyError, TypeError):
            known = ", ".join(self.words)
            raise ValueError(f"unknown status {value!r} (expected {known})") from None

    def word_for(self, status: str) -> str:
        """The system's word for a canonical status: the first that maps to it, else the
        nearest earlier one (a system without "closed, not fixed" says it is done)."""
        order = CANONICAL[: CANONICAL.index(status) + 1]
        for wanted in reversed(order):
            for word, canonical in self.words.items():
                if canonical == wanted:
                    return word
        return next(iter(self.words))


def may_move(current: str, new: str) -> bool:
    return new in NEXT.get(current, ())
