"""Telling people: a message becomes a line in each person's inbox and a delivery to each of
their channels, in the transaction of the change that caused it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.models.base import utcnow
from hub.models.notification import ChannelAddress, Delivery, Notification, NotificationChoice
from hub.models.user import User
from hub.notify.defaults import Defaults, read_defaults
from hub.notify.outbox import send_soon
from hub.notify.quiet import after_quiet_hours
from hub.notify.settings import SECTION
from hub.notify.states import PENDING, SENDING, SENT

if TYPE_CHECKING:
    from hub.state import Hub


@dataclass(frozen=True)
class Message:
    """What to tell people, and how it folds.

    ``text(count)`` gives the title and body for ``count`` events folded into one message, in
    the hub's language. ``url`` is the portal page to act on (a path). Unread, unsent messages of
    one ``fold_key`` to one person fold: their count grows by ``count`` and their text is made
    again. ``once_key`` makes the message once per person, ever (the scheduler's reminders).
    """

    kind: str
    url: str
    text: Callable[[int], tuple[str, str]]
    fold_key: str | None = None
    once_key: str | None = None
    count: int = 1
    digest: bool = False
    """A digest goes to people's channels also when they chose one digest a day."""

    def __post_init__(self) -> None:
        if self.fold_key and self.once_key:
            raise ValueError("a message either folds (fold_key) or is told once (once_key)")


def notify(
    hub: Hub,
    session: Session,
    users: Iterable[User],
    message: Message,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell each active person of ``users`` ``message``; return their inbox lines, made or folded.

    A new line gets a delivery to each channel the person has an enabled address on, due at once
    or at the end of their quiet hours; none when they chose one digest a day, unless it is the
    digest.
    """
    now = now or utcnow()
    defaults = read_defaults(session, hub.section(SECTION))
    channels = set(hub.channels)
    told = []
    with _app_context(hub), force_locale(hub.settings.language):
        for user in _active(users):
            folded = _fold(session, user, message, now)
            if folded is not None:
                told.append(folded)
                continue
            line = _new_line(session, user, message, now)
            if line is not None:
                told.append(line)
                _deliver(session, user, line, message, channels, defaults, hub, now)
    return told


def not_yet_told(session: Session, users: Iterable[User], once_key: str) -> list[User]:
    """Those of ``users`` who have had no message of ``once_key``: whom a scheduler still has
    to tell, so it reads what to tell them only for those."""
    keyed = {_personal(once_key, user): user for user in users}
    told = set(
        session.scalars(select(Notification.once_key).where(Notification.once_key.in_(keyed)))
    )
    return [user for key, user in keyed.items() if key not in told]


def _app_context(hub: Hub) -> AbstractContextManager:
    """The hub's app context, for the translations, where none is active (a worker's job)."""
    if has_app_context() or hub.app is None:
        return nullcontext()
    return hub.app.app_context()


def _active(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.active:
            seen.setdefault(user.id, user)
    return list(seen.values())


def _fold(session: Session, user: User, message: Message, now: datetime) -> Notification | None:
    if not message.fold_key:
        return None
    gone = exists().where(
        Delivery.notification_id == Notification.id, Delivery.state.in_((SENDING, SENT))
    )
    line = session.scalar(
        select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.fold_key == message.fold_key,
            Notification.read_at.is_(None),
            ~gone,
        )
        .order_by(Notification.id.desc())
        .limit(1)
        .with_for_update()
    )
    if line is not None:
        line.count += message.count
        line.title, line.body = message.text(line.count)
        line.updated_at = now
    return line


def _new_line(session: Session, user: User, message: Message, now: datetime) -> Notification | None:
    title, body = message.text(message.count)
    line = Notification(
        user_id=user.id,
        kind=message.kind,
        title=title[:300],
        body=body,
        url=message.url,
        count=message.count,
        fold_key=message.fold_key,
        once_key=_personal(message.once_key, user),
        created_at=now,
        updated_at=now,
    )
    if line.once_key is None:
        session.add(line)
        return line
    try:
        with session.begin_nested():
            session.add(line)
    except IntegrityError:
        return None
    return line


def _personal(once_key: str | None, user: User) -> str | None:
    return f"{once_key}:{user.id}" if once_key else None


def _deliver(
    session: Session,
    user: User,
    line: Notification,
    message: Message,
    channels: set[str],
    defaults: Defaults,
    hub: Hub,
    now: datetime,
) -> None:
    choice = session.get(NotificationChoice, user.id)
    digest_only = choice.digest_only if choice else defaults.digest_only
    if digest_only and not message.digest:
        return
    quiet = (choice.quiet_from, choice.quiet_until) if choice else defaults.quiet
    due = after_quiet_hours(now, quiet, hub.settings.timezone)
    session.flush()
    addresses = session.scalars(
        select(ChannelAddress).where(
            ChannelAddress.user_id == user.id, ChannelAddress.enabled.is_(True)
        )
    )
    for address in addresses:
        if address.channel in channels:
            send_soon(session)
            session.add(
                Delivery(
                    notification_id=line.id,
                    channel=address.channel,
                    address=address.address,
                    state=PENDING,
                    next_attempt_at=due,
                    idempotency_key=uuid.uuid4().hex,
                    created_at=now,
                )
            )
