"""RQ jobs. A worker binds its app once; each job runs inside it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import get_current_job

from hub.app import create_app
from hub.models import SyncRun
from hub.state import Hub, current_hub

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


def worker_hub() -> Hub:
    """The hub of the app this worker process runs its jobs in."""
    return current_hub(worker_app())


def sync_source(source_name: str, full: bool = False) -> dict[str, Any]:
    """Run one sync of a source; return its outcome (kept by RQ as the job's result)."""
    job = get_current_job()
    worker = job.worker_name if job is not None and job.worker_name else "rq"
    run = worker_hub().engine().run(source_name, full=full, worker=worker)
    return summary(source_name, run)


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
