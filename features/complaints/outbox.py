"""The outbox: answers written back to the source apps, never lost while a source is down.

An answer queues a message in the same transaction as the answer itself. The scheduler tick
enqueues deliveries that are due; a delivery that fails for a passing reason is tried again later
(the wait doubles each time), one the source refuses is marked failed with the source's reason,
and an operator can send it again. Every attempt carries the message's idempotency key.

A message handed to the queue is "sending" for a lease of ``SENDING_LEASE`` seconds; if its job
is lost meanwhile (Redis restarted, a worker killed) the next tick after the lease sends it again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import httpx
from rq import Queue
from sqlalchemy import update
from sqlalchemy.orm import Session

from features.complaints.models import OutboxMessage
from hub.api import (
    ConfigError,
    Database,
    Hub,
    Record,
    Source,
    SourceError,
    Storage,
    TransientError,
    WriteBack,
    utcnow,
)
from hub.api import WriteBackPhoto as Photo

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
FIRST_RETRY = 30
LONGEST_WAIT = 3600
SENDING_LEASE = 600
log = logging.getLogger(__name__)


def queue_write_back(
    session: Session,
    record: Record,
    event_id: int,
    status: str,
    note: str,
    author: str,
    photos: list[str],
) -> OutboxMessage:
    """Queue an answer to ``record`` for its source; ``photos`` are stored files' digests."""
    message = OutboxMessage(
        record_id=record.id,
        source_id=record.source_id,
        event_id=event_id,
        idempotency_key=uuid.uuid4().hex,
        payload={"status": status, "note": note, "author": author, "photos": photos},
        state=PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


def enqueue_due(db: Database, queue: Queue, now: datetime | None = None) -> int:
    """Enqueue a delivery of every message that is due, or whose sending lease ran out; return
    how many. Each is claimed by a conditional update, so two schedulers never both send it."""
    now = now or utcnow()
    with db.session() as session:
        due = session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.state.in_((PENDING, SENDING)), OutboxMessage.next_attempt_at <= now
            )
            .values(state=SENDING, next_attempt_at=now + timedelta(seconds=SENDING_LEASE))
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    for message_id in sorted(due):
        queue.enqueue(
            "features.complaints.jobs.deliver_write_back",
            message_id,
            description=f"write-back {message_id}",
        )
    return len(due)


def deliver(hub: Hub, db: Database, storage: Storage, message_id: int) -> str:
    """Send one message to its source; return its new state."""
    with db.session() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.state == SENT:
            return SENT if message else FAILED
        record = session.get(Record, message.record_id)
        source = session.get(Source, message.source_id)
        message.attempts += 1
        try:
            _send(hub, source, _message(record, message, storage))
        except (TransientError, httpx.TransportError) as error:
            _retry(message, str(error), getattr(error, "retry_after", None))
        except (SourceError, ConfigError) as error:
            message.state, message.last_error = FAILED, str(error)
        else:
            message.state, message.sent_at, message.last_error = SENT, utcnow(), None
        return message.state


def retry_now(message: OutboxMessage) -> None:
    """Send a failed message again at the next tick (an operator's decision)."""
    message.state, message.next_attempt_at = PENDING, utcnow()


def _send(hub: Hub, source: Source, message: WriteBack) -> None:
    declared = hub.settings.source(source.name)
    source_type = hub.source_type(declared.type)
    if source_type.write_back is None:
        raise SourceError(f"{source_type.title} does not accept answers")
    source_type.write_back(source_type.validate(source.name, declared.settings), message)


def _message(record: Record, message: OutboxMessage, storage: Storage) -> WriteBack:
    payload = message.payload
    photos = []
    for number, digest in enumerate(payload.get("photos", []), start=1):
        with storage.open(digest) as handle:
            photos.append(Photo(f"foto-{number}.jpg", handle.read()))
    return WriteBack(
        external_id=record.external_id,
        status=payload["status"],
        note=payload["note"],
        author=payload["author"],
        idempotency_key=message.idempotency_key,
        photos=tuple(photos),
    )


def _retry(message: OutboxMessage, error: str, retry_after: float | None) -> None:
    wait = min(FIRST_RETRY * 2 ** (message.attempts - 1), LONGEST_WAIT)
    message.state = PENDING
    message.last_error = error
    message.next_attempt_at = utcnow() + timedelta(seconds=max(wait, retry_after or 0))
    log.warning("write-back %s will be retried: %s", message.id, error)
