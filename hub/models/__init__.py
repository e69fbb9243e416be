"""The hub's database models (SQLAlchemy 2, typed); Alembic migrations live in ``migrations/``."""

from hub.models.area import Area
from hub.models.audit import AuditEntry
from hub.models.base import Base
from hub.models.complaint import ApiKey, ComplaintCase, ComplaintEvent, OutboxMessage
from hub.models.live import Playlist, Screen, ScreenToken, SourceKind
from hub.models.record import Record, RecordError
from hub.models.report import ActivityReport, ReportAttachment
from hub.models.run import SyncRun
from hub.models.source import Source
from hub.models.user import ROLES, User

__all__ = [
    "ROLES",
    "ActivityReport",
    "ApiKey",
    "Area",
    "AuditEntry",
    "Base",
    "ComplaintCase",
    "ComplaintEvent",
    "OutboxMessage",
    "Playlist",
    "Record",
    "RecordError",
    "ReportAttachment",
    "Screen",
    "ScreenToken",
    "Source",
    "SourceKind",
    "SyncRun",
    "User",
]
