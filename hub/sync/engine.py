"""The sync engine: one run of one source, page by page.

Each page is stored in one transaction together with the cursor that follows it and the run's
counters, so a run that stops anywhere resumes from the last stored page. The next page is
fetched and normalized while the current one is being stored. The run row is a fence:
a page commits only while its run is still ``running``, so a run the reaper gave up on can never
write again.
"""

from __future__ import annotations

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import exc, func, or_, select, update
from sqlalchemy.orm import Session

from hub.db import Database
from hub.models import Record, Source, SyncRun
from hub.models.base import utcnow
from hub.models.run import FAILED, RUNNING, SUCCEEDED
from hub.notify.outbox import hold, send_soon
from hub.sources import ConfigError
from hub.storable import cleaned
from hub.sync.alerts import tell_if_unwell
from hub.sync.connector import (
    AuthError,
    Connector,
    MalformedJSON,
    Page,
    SourceError,
    TransientError,
)
from hub.sync.health import source_health
from hub.sync.store import CHANGE_COLUMNS, NormalizedPage, PageOutcome, PageStore, deletion

if TYPE_CHECKING:
    from hub.state import Hub

log = logging.getLogger(__name__)


class RunLost(RuntimeError):
    """The run was closed by someone else (the reaper) while this worker was still on it."""


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures and malformed answers are retried within one run."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return self.base_delay * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)


class SyncEngine:
    """Runs syncs for the sources of one hub.

    A run that has written ``analyze_after`` records has the database's statistics refreshed,
    and again each time it has written twice as many: a large first sync would otherwise have
    its lookups planned for the empty tables it began with."""

    analyze_after = 5000

    def __init__(self, hub: Hub, db: Database, sleep=time.sleep) -> None:
        self.hub = hub
        self.db = db
        self.sleep = sleep
        settings = hub.settings
        self.retry = RetryPolicy(
            settings.retry_attempts, settings.retry_base_delay, settings.retry_max_delay
        )

    def run(self, source_name: str, *, full: bool = False, worker: str = "") -> SyncRun | None:
        """Run one sync of ``source_name``; ``None`` if a run of it is already going on."""
        with self.db.session() as session:
            source = session.scalars(select(Source).filter_by(name=source_name)).one_or_none()
            if source is None:
                raise ConfigError(f"no source named {source_name!r} in the database")
            full = (
                full
                or source.full_sync_requested
                or source.cursor is None
                or self._full_due(session, source)
            )
        run = self._start(source, full, worker)
        if run is None:
            return None
        retry_after = None
        try:
            connector = self._connect(source)
            try:
                self._read(source, run, connector)
            finally:
                connector.close()
        except Exception as error:
            retry_after = getattr(error, "retry_after", None)
            self._fail(run, error)
        else:
            run.status = SUCCEEDED
        finally:
            self._finish(source, run, retry_after)
        return run

    def _full_due(self, session: Session, source: Source) -> bool:
        """Whether the source's ``full_every`` has passed since its last complete listing that
        succeeded."""
        every = self._full_every(source)
        if not every:
            return False
        last = session.scalar(
            select(func.max(SyncRun.started_at)).where(
                SyncRun.source_id == source.id, SyncRun.full, SyncRun.status == SUCCEEDED
            )
        )
        return last is None or utcnow() - last >= timedelta(seconds=every)

    def _full_every(self, source: Source) -> int | None:
        """The source's ``full_every``, else its type's; None where its configuration is gone
        (the run then fails saying so)."""
        try:
            declared = self.hub.settings.source(source.name)
            default = self.hub.source_type(declared.type).full_every
        except ConfigError:
            return None
        return default if declared.full_every is None else declared.full_every

    def _start(self, source: Source, full: bool, worker: str) -> SyncRun | None:
        run = SyncRun(source_id=source.id, full=full, worker=worker, status=RUNNING)
        try:
            with self.db.session() as session:
                session.add(run)
        except exc.IntegrityError:
            log.info("source %s: a run is already going on", source.name)
            return None
        return run

    def _connect(self, source: Source) -> Connector:
        declared = self.hub.settings.source(source.name)
        source_type = self.hub.source_type(declared.type)
        return source_type.connect(source_type.validate(source.name, declared.settings))

    def _read(self, source: Source, run: SyncRun, connector: Connector) -> None:
        source_type = self.hub.source_type(source.type)
        store = PageStore(
            source.id,
            run.id,
            source_type.normalize,
            frozenset(self.hub.record_kinds),
            full=run.full,
        )
        cursor = None if run.full else source.cursor
        analyze_at = self.analyze_after
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as prefetch:
            upcoming = prefetch.submit(self._fetch_normalized, connector, cursor, run, store)
            while True:
                page, normalized = upcoming.result()
                if page.has_more:
                    upcoming = prefetch.submit(
                        self._fetch_normalized, connector, page.next_cursor, run, store
                    )
                self._commit_page(source, run, store, page, normalized)
                if run.created + run.updated >= analyze_at:
                    self.db.refresh_statistics()
                    analyze_at *= 2
                if not page.has_more:
                    break
        if run.full:
            self._sweep_deleted(source, run)

    def _fetch_normalized(
        self, connector: Connector, cursor: str | None, run: SyncRun, store: PageStore
    ) -> tuple[Page, NormalizedPage]:
        """The page after ``cursor``, and its records normalized (in the prefetching thread,
        while the page before is being stored)."""
        page = self._fetch(connector, cursor, run)
        return page, store.normalize_page(page.records)

    def _fetch(self, connector: Connector, cursor: str | None, run: SyncRun) -> Page:
        for attempt in range(1, self.retry.attempts + 1):
            run.requests += 1
            try:
                page = connector.fetch_page(cursor)
            except (TransientError, MalformedJSON, httpx.TransportError) as error:
                retry_after = getattr(error, "retry_after", None)
                delay = self.retry.delay(attempt, retry_after)
                if attempt == self.retry.attempts or delay > self.retry.max_delay:
                    if isinstance(error, httpx.TransportError):
                        raise TransientError(f"{type(error).__name__}: {error}") from error
                    raise
                log.warning("retrying in %.1fs after: %s", delay, error)
                self.sleep(delay)
                continue
            if not isinstance(page, Page) or not isinstance(page.records, list):
                raise SourceError(f"connector returned {type(page).__name__}, not a Page")
            return page
        raise AssertionError("unreachable")

    def _commit_page(
        self,
        source: Source,
        run: SyncRun,
        store: PageStore,
        page: Page,
        normalized: NormalizedPage,
    ) -> None:
        cursor = cleaned(page.next_cursor)
        if not page.records and cursor == source.cursor:
            # Nothing to store and nowhere to move: the run's close writes its counters.
            self._add(run, PageOutcome())
            return
        with self.db.session() as session:
            hold(session)
            outcome = store.store_normalized(session, normalized)
            self.hub.records_changed(session, outcome.changes)
            self._add(run, outcome)
            fenced = session.execute(
                update(SyncRun)
                .where(SyncRun.id == run.id, SyncRun.status == RUNNING)
                .values(
                    heartbeat_at=utcnow(), pages=run.pages, requests=run.requests, **run.counters()
                )
            )
            if fenced.rowcount != 1:
                raise RunLost(f"run {run.id} was closed while it was still reading")
            session.execute(update(Source).where(Source.id == source.id).values(cursor=cursor))
        source.cursor = cursor

    @staticmethod
    def _add(run: SyncRun, outcome: PageOutcome) -> None:
        run.pages += 1
        run.created += outcome.created
        run.updated += outcome.updated
        run.unchanged += outcome.unchanged
        run.errored += outcome.errored

    def _sweep_deleted(self, source: Source, run: SyncRun) -> None:
        """After a complete listing, records the source no longer lists are marked deleted."""
        with self.db.session() as session:
            hold(session)
            gone = session.execute(
                update(Record)
                .where(
                    Record.source_id == source.id,
                    Record.deleted_at.is_(None),
                    or_(Record.last_seen_run_id.is_(None), Record.last_seen_run_id != run.id),
                )
                .values(deleted_at=utcnow())
                .returning(*CHANGE_COLUMNS)
                .execution_options(synchronize_session=False)
            ).all()
            run.deleted += len(gone)
            self.hub.records_changed(session, [deletion(row) for row in gone])
            session.execute(
                update(Source).where(Source.id == source.id).values(full_sync_requested=False)
            )

    @staticmethod
    def _fail(run: SyncRun, error: BaseException) -> None:
        run.status = FAILED
        run.error = cleaned(f"{error}") or type(error).__name__
        if isinstance(error, AuthError):
            run.error_kind = "auth"
        elif isinstance(error, TransientError):
            run.error_kind = "transient"
        elif isinstance(error, SourceError):
            run.error_kind = "source"
        elif isinstance(error, ConfigError):
            run.error_kind = "config"
        elif isinstance(error, RunLost):
            run.error_kind = "lost"
        else:
            run.error_kind = "internal"
            log.exception("run %s failed", run.id)

    def _finish(self, source: Source, run: SyncRun, retry_after: float | None) -> None:
        """Close the run and set the source's schedule, and hand on the messages its pages
        queued; done by the worker itself."""
        now = utcnow()
        run.finished_at = now
        with self.db.session() as session:
            send_soon(session)
            before = source_health(session, source.id)
            closed = session.execute(
                update(SyncRun)
                .where(SyncRun.id == run.id, SyncRun.status == RUNNING)
                .values(
                    status=run.status,
                    finished_at=now,
                    error=run.error,
                    error_kind=run.error_kind,
                    pages=run.pages,
                    requests=run.requests,
                    **run.counters(),
                )
            )
            if closed.rowcount != 1:
                return
            if run.status == SUCCEEDED:
                session.execute(
                    update(Source).where(Source.id == source.id).values(consecutive_failures=0)
                )
            else:
                failures = source.consecutive_failures + 1
                session.execute(
                    update(Source)
                    .where(Source.id == source.id)
                    .values(
                        consecutive_failures=failures,
                        next_run_at=now + self._backoff(source, failures, retry_after),
                        # A complete listing cut short is begun again: only one that reaches
                        # the end may mark what it did not see deleted.
                        full_sync_requested=source.full_sync_requested or run.full,
                    )
                )
            tell_if_unwell(self.hub, session, source, before)

    def _backoff(self, source: Source, failures: int, retry_after: float | None) -> timedelta:
        seconds = min(source.interval_seconds * 2 ** (failures - 1), self.hub.settings.max_backoff)
        return timedelta(seconds=max(seconds, retry_after or 0))


def reap_stale_runs(db: Database, stale_after: int, now: datetime | None = None) -> int:
    """Mark runs whose worker stopped sending heartbeats as abandoned; return how many."""
    now = now or utcnow()
    with db.session() as session:
        result = session.execute(
            update(SyncRun)
            .where(
                SyncRun.status == RUNNING,
                SyncRun.heartbeat_at < now - timedelta(seconds=stale_after),
            )
            .values(
                status="abandoned",
                finished_at=now,
                error_kind="lost",
                error="the worker stopped sending heartbeats",
            )
        )
        return result.rowcount
