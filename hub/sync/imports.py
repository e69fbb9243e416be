"""Importing payloads from a file, all or nothing.

Finance staff upload what their app exports; nothing is stored unless every row is good. An import
is recorded as a run of its source, so it shows with the source's syncs and counters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc, select

from hub.audit import audit
from hub.db import Database
from hub.models import Area, Source, SyncRun, User
from hub.models.base import utcnow
from hub.models.run import RUNNING, SUCCEEDED
from hub.sync.connector import InvalidRecord
from hub.sync.store import PageStore

if TYPE_CHECKING:
    from hub.state import Hub


@dataclass(frozen=True)
class ImportProblem:
    """Why payload number ``index`` (counting from 0) cannot be imported."""

    index: int
    message: str


class ImportRejected(ValueError):
    """An import with problems; nothing was stored."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} row(s) cannot be imported; nothing was stored")
        self.problems = problems


def preview_import(
    hub: Hub, db: Database, source_name: str, payloads: Sequence[Mapping[str, Any]]
) -> list[ImportProblem]:
    """Every problem the payloads would meet; writes nothing."""
    source_type = hub.source_type(hub.settings.source(source_name).type)
    problems: list[ImportProblem] = []
    records, areas = [], set()
    for index, payload in enumerate(payloads):
        try:
            record = source_type.normalize(payload)
        except InvalidRecord as error:
            problems.append(ImportProblem(index, str(error)))
            continue
        except Exception as error:
            problems.append(ImportProblem(index, f"{type(error).__name__}: {error}"))
            continue
        if record.kind not in hub.record_kinds:
            problems.append(ImportProblem(index, f"unknown record kind {record.kind!r}"))
        records.append((index, record))
        areas.add(record.area_code)
    with db.read_session() as session:
        known = set(session.scalars(select(Area.code).where(Area.code.in_(areas - {None}))))
    problems += [
        ImportProblem(index, f"unknown area code {record.area_code!r}")
        for index, record in records
        if record.area_code is not None and record.area_code not in known
    ]
    return sorted(problems, key=lambda problem: problem.index)


def commit_import(
    hub: Hub,
    db: Database,
    source_name: str,
    payloads: Sequence[Mapping[str, Any]],
    user: User | None = None,
) -> SyncRun:
    """Store every payload in one transaction, as one run of the source, or nothing at all.

    Raises :class:`ImportRejected` with the problems when any payload is bad, and when a sync of
    the source is going on.
    """
    problems = preview_import(hub, db, source_name, payloads)
    if problems:
        raise ImportRejected(problems)
    source_type = hub.source_type(hub.settings.source(source_name).type)
    try:
        with db.session() as session:
            source = session.scalars(select(Source).filter_by(name=source_name)).one()
            run = SyncRun(source_id=source.id, status=RUNNING, worker="import")
            session.add(run)
            session.flush()
            store = PageStore(source.id, run.id, source_type.normalize, frozenset(hub.record_kinds))
            outcome = store.store(session, [dict(payload) for payload in payloads])
            if outcome.errors:
                raise ImportRejected([_problem(error) for error in outcome.errors])
            hub.records_changed(session, outcome.changes)
            run.created, run.updated, run.unchanged = (
                outcome.created,
                outcome.updated,
                outcome.unchanged,
            )
            run.pages, run.status, run.finished_at = 1, SUCCEEDED, utcnow()
            audit(
                session,
                user,
                "source.import",
                "source",
                source_name,
                run=run.id,
                rows=len(payloads),
                created=run.created,
                updated=run.updated,
            )
    except exc.IntegrityError:
        raise ImportRejected(
            [ImportProblem(-1, f"a sync of {source_name} is going on; try again in a minute")]
        ) from None
    return run


def _problem(error: Mapping[str, Any]) -> ImportProblem:
    """A record error met while storing, which rejects the whole import."""
    return ImportProblem(-1, f"{error['external_id']}: {error['message']}")
