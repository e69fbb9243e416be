"""The hub's database models (SQLAlchemy 2, typed); Alembic migrations live in ``migrations/``."""

from hub.models.area import Area
from hub.models.audit import AuditEntry
from hub.models.base import Base
from hub.models.live import Playlist, Screen, ScreenToken, SourceKind
from hub.models.notification import ChannelAddress, Delivery, Notification, NotificationChoice
from hub.models.record import Record, RecordError
from hub.models.run import SyncRun
from hub.models.source import Source
from hub.models.user import ROLES, PasswordReset, User

__all__ = [
    "ROLES",
    "Area",
    "AuditEntry",
    "Base",
    "ChannelAddress",
    "Delivery",
    "Notification",
    "NotificationChoice",
    "PasswordReset",
    "Playlist",
    "Record",
    "RecordError",
    "Screen",
    "ScreenToken",
    "Source",
    "SourceKind",
    "SyncRun",
    "User",
]
