"""A source's health and "data as of", derived from its runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.models import SyncRun
from hub.models.run import RUNNING, SUCCEEDED

OK, DEGRADED, DOWN, NEEDS_REAUTH, UNKNOWN = "ok", "degraded", "down", "needs_reauth", "unknown"
DOWN_AFTER = 3
COLOURS = {OK: "green", DEGRADED: "yellow", DOWN: "red", NEEDS_REAUTH: "red", UNKNOWN: "grey"}


@dataclass(frozen=True)
class Health:
    state: str
    data_as_of: datetime | None
    last_run: SyncRun | None

    @property
    def colour(self) -> str:
        return COLOURS[self.state]


def source_health(session: Session, source_id: int) -> Health:
    """ok: the last run succeeded cleanly; degraded: it failed once, or stored with record errors;
    down: the last three runs failed, or it never succeeded; needs_reauth: the source refused the
    credentials. "Data as of" is when the last successful run began to read."""
    runs = list(
        session.scalars(
            select(SyncRun)
            .where(SyncRun.source_id == source_id, SyncRun.status != RUNNING)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
            .limit(DOWN_AFTER)
        )
    )
    as_of = session.scalar(
        select(SyncRun.started_at)
        .where(SyncRun.source_id == source_id, SyncRun.status == SUCCEEDED)
        .order_by(SyncRun.started_at.desc())
        .limit(1)
    )
    last = session.scalars(
        select(SyncRun)
        .where(SyncRun.source_id == source_id)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(1)
    ).first()
    return Health(_state(runs, ever_succeeded=as_of is not None), as_of, last)


def _state(runs: list[SyncRun], ever_succeeded: bool) -> str:
    if not runs:
        return UNKNOWN
    latest = runs[0]
    if latest.status == SUCCEEDED:
        return DEGRADED if latest.errored else OK
    if latest.error_kind == "auth":
        return NEEDS_REAUTH
    failing = all(run.status != SUCCEEDED for run in runs)
    if failing and (len(runs) == DOWN_AFTER or not ever_succeeded):
        return DOWN
    return DEGRADED
