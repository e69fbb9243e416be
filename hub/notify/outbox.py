"""The notification outbox: deliveries are queued with the change that caused them, handed to the
workers when due, retried with a growing wait while a channel is down, marked failed with the
channel's reason when it refuses, and never sent twice.

Deliveries are handed on as soon as the change that queued them commits (a sync's, when the run
ends: its pages' messages fold until then), and on every scheduler tick (those that waited for
the end of quiet hours or a retry, or that Redis was away for).

A delivery handed to the queue is "sending" for a lease of ``SENDING_LEASE`` seconds; if its
job is lost meanwhile (Redis restarted, a worker killed) the next tick after the lease sends it
again, with the same idempotency key.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import event, update
from sqlalchemy.orm import Session, sessionmaker

from hub.db import Database
from hub.models.base import utcnow
from hub.models.notification import ChannelAddress, Delivery, Notification
from hub.models.user import User
from hub.notify.channels import ChannelDown, ChannelRefused, OutgoingMessage
from hub.notify.settings import SECTION
from hub.notify.states import DROPPED, FAILED, PENDING, SENDING, SENT

if TYPE_CHECKING:
    from hub.state import Hub

FIRST_RETRY = 30
LONGEST_WAIT = 3600
MOST_ATTEMPTS = 12
SENDING_LEASE = 300
JOB = "hub.notify.jobs.deliver"
SOON, HELD = "simpul.notify.soon", "simpul.notify.held"
"""A session's notes: hand the due deliveries to the workers once it commits; or not yet."""
log = logging.getLogger(__name__)


def enqueue_due(db: Database, queue: Queue, now: datetime | None = None) -> int:
    """Hand every due delivery (or one whose lease ran out) to the workers; return how many.
    Each is claimed by a conditional update, so two schedulers never both send it."""
    now = now or utcnow()
    with db.session() as session:
        due = session.scalars(
            update(Delivery)
            .where(Delivery.state.in_((PENDING, SENDING)), Delivery.next_attempt_at <= now)
            .values(state=SENDING, next_attempt_at=now + timedelta(seconds=SENDING_LEASE))
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        ).all()
    for delivery_id in sorted(due):
        queue.enqueue(JOB, delivery_id, description=f"notification {delivery_id}")
    return len(due)


def send_soon(session: Session) -> None:
    """Hand the due deliveries to the workers as soon as ``session`` commits, rather than on the
    next scheduler tick."""
    session.info[SOON] = True


def hold(session: Session) -> None:
    """Let what ``session`` queues wait for a later hand-off: a sync's pages fold their messages
    until the run ends, and the run's last commit hands them on (see :func:`send_soon`)."""
    session.info[HELD] = True


def send_on_commit(sessions: sessionmaker, hub: Hub) -> None:
    """After a session of ``sessions`` that queued deliveries commits, hand the due ones to
    ``hub``'s workers, unless it held them. Should Redis be away, the scheduler's next ticks
    hand them."""

    def send(session: Session) -> None:
        if session.in_nested_transaction():
            return
        soon, held = session.info.pop(SOON, None), session.info.pop(HELD, None)
        if not soon or held:
            return
        try:
            enqueue_due(hub.db, hub.queue)
        except (RedisError, OSError) as error:
            log.warning("notifications wait for the scheduler: %s", error)

    def forget(session: Session) -> None:
        session.info.pop(SOON, None)
        session.info.pop(HELD, None)

    event.listen(sessions, "after_commit", send)
    event.listen(sessions, "after_rollback", forget)


def send_due(hub: Hub, now: datetime) -> None:
    """The periodic task: hand every delivery that is due to the workers."""
    enqueue_due(hub.db, hub.queue, now)


def deliver(hub: Hub, delivery_id: int) -> str:
    """Send one delivery over its channel; return its new state."""
    with hub.db.session() as session:
        delivery = session.get(Delivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.state in (SENT, FAILED, DROPPED):
            return delivery.state if delivery else DROPPED
        line = session.get(Notification, delivery.notification_id)
        user = session.get(User, line.user_id)
        address = session.get(ChannelAddress, (user.id, delivery.channel))
        channel = hub.channels.get(delivery.channel)
        if not user.active or channel is None or address is None or not address.enabled:
            delivery.state, delivery.last_error = DROPPED, _why_dropped(user, channel, address)
            return delivery.state
        delivery.attempts += 1
        try:
            channel.send(hub, _outgoing(hub, delivery, line))
        except ChannelDown as error:
            _retry(delivery, str(error))
        except ChannelRefused as error:
            delivery.state, delivery.last_error = FAILED, str(error)
            if error.gone:
                _forget(session, address, str(error))
        else:
            delivery.state, delivery.sent_at, delivery.last_error = SENT, utcnow(), None
        return delivery.state


def _outgoing(hub: Hub, delivery: Delivery, line: Notification) -> OutgoingMessage:
    public_url = hub.section(SECTION).public_url
    return OutgoingMessage(
        to=delivery.address,
        title=line.title,
        body=line.body,
        url=public_url + line.url,
        key=delivery.idempotency_key,
    )


def _forget(session: Session, address: ChannelAddress, reason: str) -> None:
    """Forget an address that will never work again; its later deliveries are dropped."""
    session.delete(address)
    log.warning("forgot the %s address of user %s: %s", address.channel, address.user_id, reason)


def _why_dropped(user: User, channel: object, address: ChannelAddress | None) -> str:
    if not user.active:
        return "the account is disabled"
    if channel is None:
        return "the channel is no longer available"
    if address is None:
        return "the person has no address on this channel (any more)"
    return "the person turned this channel off"


def _retry(delivery: Delivery, error: str) -> None:
    """Try again later, waiting twice as long each time, up to ``MOST_ATTEMPTS`` in all."""
    if delivery.attempts >= MOST_ATTEMPTS:
        delivery.state, delivery.last_error = FAILED, f"{error} (after {delivery.attempts} tries)"
        return
    wait = min(FIRST_RETRY * 2 ** (delivery.attempts - 1), LONGEST_WAIT)
    delivery.state, delivery.last_error = PENDING, error
    delivery.next_attempt_at = utcnow() + timedelta(seconds=wait)
    log.warning("notification delivery %s will be retried: %s", delivery.id, error)
