"""Schedules in the database, and the tick that enqueues what is due.

Any number of schedulers may tick at once: a source is claimed by moving its ``next_run_at``
with a conditional update, so only one of them enqueues it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rq import Queue
from sqlalchemy import select, update

from hub.config import Settings
from hub.db import Database
from hub.models import Source
from hub.models.base import utcnow
from hub.sync.engine import reap_stale_runs

if TYPE_CHECKING:
    from hub.state import Hub

log = logging.getLogger(__name__)


def register_sources(db: Database, settings: Settings) -> None:
    """Make the database's sources match the configuration (new ones are due at once)."""
    declared = {source.name: source for source in settings.sources}
    with db.session() as session:
        stored = {source.name: source for source in session.scalars(select(Source))}
        for name, source in declared.items():
            row = stored.get(name) or Source(name=name, next_run_at=utcnow(), cursor=None)
            row.type = source.type
            row.interval_seconds = source.interval
            row.enabled = source.enabled
            session.add(row)
        for name, row in stored.items():
            if name not in declared:
                row.enabled = False


def tick(hub: Hub, queue: Queue | None = None, now: datetime | None = None) -> list[str]:
    """Reap abandoned runs, enqueue a sync of every enabled source that is due on ``queue``
    (the hub's by default), returning their names, and run the plugins' periodic tasks. A sync
    that cannot be queued stays due."""
    db, settings, queue, now = hub.db, hub.settings, queue or hub.queue, now or utcnow()
    reap_stale_runs(db, settings.run_stale_after, now)
    with db.session() as session:
        due = session.execute(
            select(Source.id, Source.name, Source.next_run_at, Source.interval_seconds).where(
                Source.enabled.is_(True), Source.next_run_at <= now
            )
        ).all()
    enqueued = []
    for source in due:
        next_run = now + timedelta(seconds=source.interval_seconds)
        if not _claim(db, source.id, source.next_run_at, next_run):
            continue
        try:
            enqueue_sync(queue, settings, source.name)
        except Exception:
            _claim(db, source.id, next_run, source.next_run_at)
            raise
        enqueued.append(source.name)
    run_periodic_tasks(hub, now)
    return enqueued


def run_periodic_tasks(hub: Hub, now: datetime) -> None:
    """Run every plugin's periodic task, each inside its own error boundary."""
    for name, task in hub.periodic_tasks.items():
        try:
            task.run(hub, now)
        except Exception as error:
            log.exception("periodic task %s failed", name)
            owner = hub.owners[("register_periodic_tasks", name)]
            hub.plugins.record_error(owner, f"periodic task {name}: {error}", error)


def enqueue_sync(queue: Queue, settings: Settings, source_name: str) -> None:
    """Queue one sync of ``source_name``, with the time limit every sync gets."""
    queue.enqueue(
        "hub.sync.jobs.sync_source",
        source_name,
        job_timeout=settings.run_stale_after * 4,
        description=f"sync {source_name}",
    )


def _claim(db: Database, source_id: int, seen: datetime, next_run: datetime) -> bool:
    """Move the source's next run from ``seen`` to ``next_run`` unless another tick did."""
    with db.session() as session:
        result = session.execute(
            update(Source)
            .where(Source.id == source_id, Source.next_run_at == seen)
            .values(next_run_at=next_run)
        )
        return result.rowcount == 1


def run_scheduler(hub: Hub, stop: threading.Event | None = None) -> None:
    """Tick every ``scheduler_tick`` seconds until ``stop`` is set."""
    stop = stop or threading.Event()
    register_sources(hub.db, hub.settings)
    while not stop.is_set():
        try:
            for name in tick(hub):
                log.info("enqueued a sync of %s", name)
        except Exception:
            log.exception("scheduler tick failed; trying again next tick")
        stop.wait(hub.settings.scheduler_tick)
