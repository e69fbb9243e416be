"""Requests submitted to the hub over Open311, stored as complaints of the hub's own source.

The source ``open311`` (type ``open311-inbound``) is made on first use, disabled so the scheduler
never syncs it. Each submission is stored the way a sync stores a page, as a one-record run of that
source, so its case is created and routed in the same transaction and the source's page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from features.complaints.kind import KIND
from features.complaints.statuses import OPEN
from features.open311.georeport import request_title
from hub.api import SUCCEEDED, Hub, PageStore, Record, RecordIn, Source, SyncRun, utcnow

SOURCE_NAME = "open311"
SOURCE_TYPE = "open311-inbound"


def store_request(hub: Hub, session: Session, payload: dict[str, Any]) -> int:
    """Store the ``payload`` of a checked submission; return the new complaint's record id."""
    source = inbound_source(session)
    now = utcnow()
    run = SyncRun(
        source_id=source.id,
        status=SUCCEEDED,
        worker="open311",
        started_at=now,
        heartbeat_at=now,
        finished_at=now,
        pages=1,
        requests=1,
    )
    session.add(run)
    session.flush()
    store = PageStore(source.id, run.id, normalize_submission, frozenset(hub.record_kinds))
    outcome = store.store(session, [payload])
    if outcome.errors:
        raise RuntimeError(f"a checked request was refused: {outcome.errors[0]['message']}")
    hub.records_changed(session, outcome.changes)
    run.created = outcome.created
    return outcome.changes[0].record_id


def inbound_source(session: Session) -> Source:
    """The hub's own Open311 source, made (disabled) the first time it is needed."""
    source = session.scalar(select(Source).where(Source.name == SOURCE_NAME))
    if source is not None:
        return source
    try:
        with session.begin_nested():
            source = Source(name=SOURCE_NAME, type=SOURCE_TYPE, enabled=False)
            session.add(source)
    except exc.IntegrityError:
        source = session.scalars(select(Source).where(Source.name == SOURCE_NAME)).one()
    return source


def request_id_for_token(session: Session, token: str) -> int | None:
    """The record id of the request submitted with ``token``."""
    return session.scalar(
        select(Record.id)
        .join(Source, Source.id == Record.source_id)
        .where(Source.name == SOURCE_NAME, Record.external_id == token)
    )


def normalize_submission(payload: Mapping[str, Any]) -> RecordIn:
    """The complaint for a payload the hub checked itself when it was submitted."""
    requested = datetime.fromisoformat(payload["requested_datetime"])
    return RecordIn(
        external_id=payload["token"],
        kind=KIND,
        title=request_title(payload["description"], payload["service_name"]),
        status=OPEN,
        category=payload["service_name"],
        area_code=payload["area_code"],
        latitude=payload["lat"],
        longitude=payload["long"],
        created_at=requested,
        updated_at=requested,
        attributes={
            "description": payload["description"],
            "address": payload["address_string"],
            "media_url": payload["media_url"],
            "service_code": payload["service_code"],
        },
    )
