"""What changed in the database, told to the screens once it is committed.

There is one path for every change: a sync or an import notes the records of each page it
stores (:func:`note_records`, called by the hub itself), and a feature notes what its pages
change (:func:`note_change`: an official's answer, a reviewed activity report). Each change is
kept on its session and published by :func:`publish_on_commit` after that session commits,
never before (a screen must not fetch data that is not there yet) and never for a transaction
that rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from hub.live.events import CHANGED, MAX_AREAS, LiveChannel, publish_quietly
from hub.models import SourceKind
from hub.sync.store import RecordChange

PENDING = "simpul.changes.pending"


@dataclass
class PendingChanges:
    """What a session changed so far, to publish when it commits."""

    kinds: set[str] = field(default_factory=set)
    areas: set[str] | None = field(default_factory=set)

    def add(self, kinds: Iterable[str], areas: Iterable[str | None] | None) -> None:
        self.kinds.update(kinds)
        if areas is None or self.areas is None:
            self.areas = None
            return
        self.areas.update(area for area in areas if area)
        if len(self.areas) > MAX_AREAS:
            self.areas = None


def note_change(session: Session, kinds: Iterable[str], areas: Iterable[str | None] | None) -> None:
    """Records of ``kinds`` changed in ``areas`` (None: anywhere) in ``session``'s transaction:
    the screens showing them read again once it commits."""
    pending = session.info.setdefault(PENDING, PendingChanges())
    pending.add(kinds, areas)


def note_records(session: Session, changes: list[RecordChange]) -> None:
    """Note a page's changes, and which sources store which kinds."""
    if not changes:
        return
    note_change(session, {c.kind for c in changes}, [c.area_code for c in changes])
    pairs = sorted({(change.source_id, change.kind) for change in changes})
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(SourceKind)
        .values([{"source_id": source_id, "kind": kind} for source_id, kind in pairs])
        .on_conflict_do_nothing()
    )


def publish_on_commit(sessions: sessionmaker, channel: LiveChannel) -> None:
    """Publish what each session of ``sessions`` noted, once it commits, on ``channel``."""

    def publish(session: Session) -> None:
        if session.in_nested_transaction():
            return
        pending = session.info.pop(PENDING, None)
        if pending is not None and pending.kinds:
            areas = None if pending.areas is None else sorted(pending.areas)
            publish_quietly(channel, CHANGED, kinds=pending.kinds, areas=areas)

    def forget(session: Session) -> None:
        session.info.pop(PENDING, None)

    event.listen(sessions, "after_commit", publish)
    event.listen(sessions, "after_rollback", forget)
