"""The source pages: every source's health and runs, and "sync now"."""

from __future__ import annotations

import redis
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from hub.auth import OPERATORS, has_role, roles_required
from hub.models import RecordError, Source, SyncRun
from hub.state import current_hub
from hub.sync.health import Health, source_health
from hub.sync.scheduler import enqueue_sync

RUNS_SHOWN = 20
ERRORS_SHOWN = 50

HEALTH_LABELS = {
    "ok": _l("OK"),
    "degraded": _l("Degraded"),
    "down": _l("Down"),
    "needs_reauth": _l("Needs re-authentication"),
    "unknown": _l("Unknown"),
}
RUN_LABELS = {
    "running": _l("Running"),
    "succeeded": _l("Succeeded"),
    "failed": _l("Failed"),
    "abandoned": _l("Abandoned"),
}

blueprint = Blueprint("sources", __name__, url_prefix="/sources")


@blueprint.app_context_processor
def labels() -> dict[str, dict]:
    return {"health_labels": HEALTH_LABELS, "run_labels": RUN_LABELS}


def health_of_all(session: Session) -> list[tuple[Source, Health]]:
    """Every source, by name, with its health."""
    sources = session.scalars(select(Source).order_by(Source.name)).all()
    return [(source, source_health(session, source.id)) for source in sources]


@blueprint.get("")
@login_required
def index() -> str:
    with current_hub().db.read_session() as session:
        sources = health_of_all(session)
    return render_template("sources/index.html", sources=sources, operator=has_role(*OPERATORS))


@blueprint.get("/<name>")
@roles_required(*OPERATORS)
def detail(name: str) -> str:
    with current_hub().db.read_session() as session:
        source = session.scalar(select(Source).where(Source.name == name))
        if source is None:
            abort(404)
        health = source_health(session, source.id)
        runs = session.scalars(
            select(SyncRun)
            .where(SyncRun.source_id == source.id)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
            .limit(RUNS_SHOWN)
        ).all()
        errors = session.scalars(
            select(RecordError)
            .where(RecordError.source_id == source.id)
            .order_by(RecordError.created_at.desc(), RecordError.id.desc())
            .limit(ERRORS_SHOWN)
        ).all()
    return render_template(
        "sources/detail.html", source=source, health=health, runs=runs, errors=errors
    )


@blueprint.post("/<name>/sync")
@roles_required(*OPERATORS)
def sync_now(name: str) -> Response:
    hub = current_hub()
    with hub.db.read_session() as session:
        if session.scalar(select(Source.id).where(Source.name == name)) is None:
            abort(404)
    try:
        enqueue_sync(hub.queue, hub.settings, name)
    except redis.RedisError:
        flash(gettext("Could not start the sync: the job queue is not reachable."), "error")
    else:
        flash(
            gettext("Sync of %(name)s queued: it starts when a worker is free.", name=name),
            "success",
        )
    return redirect(url_for("sources.index"))
