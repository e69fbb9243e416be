"""Record kinds: what a normalized record is, and the statuses it can have."""

from __future__ import annotations

from dataclasses import dataclass

COLOURS = ("red", "yellow", "green", "grey")


@dataclass(frozen=True)
class Status:
    """One status of a record kind, with the traffic-light colour the wall shows for it."""

    value: str
    label: str
    colour: str = "grey"

    def __post_init__(self) -> None:
        if self.colour not in COLOURS:
            raise ValueError(f"status {self.value!r}: colour must be one of {COLOURS}")


@dataclass(frozen=True)
class RecordKind:
    """A kind of record (``"complaint"``), its human title and its statuses in workflow order."""

    name: str
    title: str
    statuses: tuple[Status, ...] = ()

    def status(self, value: str | None) -> Status | None:
        return next((s for s in self.statuses if s.value == value), None)
