"""The notification outbox: deliveries are queued with the change that caused them, handed to the
workers when due, retried with a growing wait while a channel is down, marked failed with the
channel's reason when it refuses, and never sent twice.

A delivery handed to the queue is "sending" for a lease of ``SENDING_LEASE`` seconds; if its
job is lost meanwhile (Redis restarted, a worker killed) the next tick after the lease sends it
again, with the same idempotency key.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rq import Queue
from sqlalchemy import update
from sqlalchemy.orm import Session

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
