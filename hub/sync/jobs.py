"""RQ jobs. A worker binds its app once; each job runs inside it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import get_current_job

from hub.app import create_app, state
from hub.complaints import outbox
from hub.models import SyncRun
from hub.storage import open_storage

_bound: Flask | None = None


def bind(app: Flask) -> None:
    """Use ``app`` for the jobs this process runs (``simpul worker`` does this)."""
    global _bound
    _bound = app


def worker_app() -> Flask:
    if _bound is None:
        bind(create_app())
    assert _bound is not None
    return _bound


def sync_source(source_name: str, full: bool = False) -> dict[str, Any]:
    """Run one sync of a source; return its outcome (kept by RQ as the job's result)."""
    job = get_current_job()
    worker = job.worker_name if job is not None and job.worker_name else "rq"
    run = state(worker_app()).engine().run(source_name, full=full, worker=worker)
    return summary(source_name, run)


def deliver_write_back(message_id: int) -> str:
    """Deliver one outbox message to its source; return its new state."""
    hub = state(worker_app())
    return outbox.deliver(hub.hub, hub.db, open_storage(hub.settings), message_id)


def summary(source_name: str, run: SyncRun | None) -> dict[str, Any]:
    if run is None:
        return {"source": source_name, "status": "skipped", "reason": "a run is already going on"}
    return {
        "source": source_name,
        "run": run.id,
        "status": run.status,
        "full": run.full,
        "pages": run.pages,
        "requests": run.requests,
        **run.counters(),
        "error": run.error,
    }
