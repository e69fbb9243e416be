"""Messages to people: their inbox, the outbox of deliveries to their channels, and their
choices (where to receive what, and when not to be disturbed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base, BigId, UTCDateTime, utcnow


class Notification(Base):
    """One message to one person: a line of their inbox, and what their channels send.

    Messages of one ``fold_key`` fold while the person has neither read them nor been sent them:
    the twelfth new complaint in Setu this morning turns the one message into "12 new complaints
    in Setu" instead of adding a twelfth. ``once_key`` is unique: a message the scheduler works
    out (a reminder, an escalation, a digest) is made once, however many schedulers run.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_user_fold", "user_id", "fold_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    fold_key: Mapped[str | None] = mapped_column(String(200))
    once_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """A notification on its way to one of the person's channels, kept until the channel took it.

    ``idempotency_key`` goes with every attempt, so a channel that can tell repeats apart (an
    e-mail's Message-ID) shows a retried delivery once.
    """

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        Index("ix_notification_deliveries_state_next", "state", "next_attempt_at"),
        Index("ix_notification_deliveries_notification", "notification_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notifications.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChannelAddress(Base):
    """Where a person receives messages on one channel (an e-mail address, a chat URL, a push
    subscription), and whether they want them there now."""

    __tablename__ = "notification_addresses"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    address: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class NotificationChoice(Base):
    """A person's choices: every message at once or one digest a day, and quiet hours (local
    minutes after midnight; a span may cross midnight) in which nothing is sent."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    digest_only: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_from: Mapped[int | None] = mapped_column(Integer)
    quiet_until: Mapped[int | None] = mapped_column(Integer)


class NotificationDefaults(Base):
    """The choices of everyone who made none of their own, as an administrator set them on the
    portal (one row; without it, ``[notify]``'s ``digest_only`` and ``quiet_hours`` hold)."""

    __tablename__ = "notification_defaults"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest_only: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_from: Mapped[int | None] = mapped_column(Integer)
    quiet_until: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
