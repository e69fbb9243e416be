"""Following what changes in the database, to tell the screens once it is committed.

A sync (or an import) reports its changes through ``records_changed``, inside each page's
transaction; an official's answer adds a complaint event, a reviewer accepts an activity report.
Each is noted on its session and published after that session commits, never before (a screen
must not fetch data that is not there yet) and never for a transaction that rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapper, Session, object_session

from hub.config import Settings
from hub.live.events import CHANGED, MAX_AREAS, publish_quietly
from hub.models import ActivityReport, ComplaintEvent, SourceKind
from hub.sync.store import RecordChange

COMPLAINT, ACTIVITY_REPORT = "complaint", "activity_report"
PENDING = "simpul.live.pending"


@dataclass
class PendingChanges:
    """What a session changed so far, to publish when it commits."""

    settings: Settings
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


def follow_records(settings: Settings, session: Session, changes: list[RecordChange]) -> None:
    """Note a page's changes for publishing, and which sources store which kinds."""
    if not changes:
        return
    note(session, settings, {c.kind for c in changes}, [c.area_code for c in changes])
    pairs = sorted({(change.source_id, change.kind) for change in changes})
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(SourceKind)
        .values([{"source_id": source_id, "kind": kind} for source_id, kind in pairs])
        .on_conflict_do_nothing()
    )


def note(
    session: Session,
    settings: Settings,
    kinds: Iterable[str],
    areas: Iterable[str | None] | None,
) -> None:
    """Publish a change of ``kinds`` in ``areas`` (None: anywhere) after ``session`` commits."""
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = PendingChanges(settings)
        if not event.contains(session, "after_commit", _publish):
            event.listen(session, "after_commit", _publish)
            event.listen(session, "after_rollback", _forget)
    pending.add(kinds, areas)


def watch_handling() -> None:
    """Also publish the complaint events (answers, hand-offs) and the activity report changes
    made through the portal, by the app that makes them."""
    for model, name, listener in (
        (ComplaintEvent, "after_insert", _complaint_handled),
        (ActivityReport, "after_insert", _report_changed),
        (ActivityReport, "after_update", _report_changed),
    ):
        if not event.contains(model, name, listener):
            event.listen(model, name, listener)


def _complaint_handled(_mapper: Mapper, _connection: object, target: ComplaintEvent) -> None:
    _note_in_app(target, COMPLAINT, None)


def _report_changed(_mapper: Mapper, _connection: object, target: ActivityReport) -> None:
    _note_in_app(target, ACTIVITY_REPORT, [target.area_code])


def _note_in_app(target: object, kind: str, areas: list[str | None] | None) -> None:
    session = object_session(target)
    if session is not None and has_app_context():
        note(session, current_app.extensions["simpul"].settings, (kind,), areas)


def _publish(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(PENDING, None)
    if pending is not None and pending.kinds:
        areas = None if pending.areas is None else sorted(pending.areas)
        publish_quietly(pending.settings, CHANGED, kinds=pending.kinds, areas=areas)


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
