"""The hub's public API: everything a feature or plugin may import from the hub.

Features and plugins use only this module (and the hooks in :mod:`hub.hookspecs`), never the
hub's internals; ``tests/test_architecture.py`` keeps it so.

- Declaring: :class:`SourceType` with :class:`ConfigField`, :class:`RecordKind` with
  :class:`Status`, :class:`Simulator`, :class:`MenuItem`, :class:`Widget` (a tile of the live
  room's wall screens; its data shapes are in :mod:`hub.widgets`, the kinds ``KPI``, ``RANKING``,
  ``TREND``, ``MAP`` and ``FEED``), :class:`WallScreen` (a screen of the default wall),
  :class:`SettingsSection` (a table of the configuration, with :data:`RateLimit` for rates),
  :class:`PeriodicTask` (work on every scheduler tick), :class:`Agency` (an agency officers
  belong to), and the ``hookimpl`` marker.
- The hub itself: :class:`Hub` (every hook's ``hub``: settings, areas, ``db``, ``queue``;
  :func:`current_hub` in a request, :func:`worker_hub` in a job) and :class:`Settings`.
- Writing a simulator: :class:`FaultInjector` (the faults every simulator takes through
  ``POST /_sim/faults``), :func:`json_response`, :func:`json_body`, :func:`require_api_key` and
  :func:`checked_counts` (the counts of a ``/_sim/tick``).
- Reading a source: the :class:`Connector` protocol, :class:`Page`, :class:`RecordIn`, the errors
  to raise, and :func:`http_client` / :func:`read_json` for HTTP with timeouts; writing back to it:
  :class:`WriteBack` with :class:`WriteBackPhoto`; storing records outside a sync:
  :class:`PageStore`, announced with ``hub.records_changed``; many new rows of a plugin's own
  table written at once with :func:`insert_rows`, counts added to rows by their keys with
  :func:`add_to_rows` (or from a SELECT with :func:`add_selected`), and rows looked up by many
  keys with :func:`among`.
- Importing a file all or nothing: :func:`preview_import` and :func:`commit_import`.
- Accounts from a staffing source: :class:`Account`, :func:`provision_account` and
  :func:`disable_account`, called from ``records_changed`` with its session.
- A plugin's own tables: the declarative :class:`Base` with the column types :data:`BigId`,
  :class:`Json` and :class:`UTCDateTime`, and :func:`utcnow`; migrations through the
  ``register_migrations`` hook.
- Showing data in the plugin's pages: :func:`read_session` with the :class:`Record`,
  :class:`Area`, :class:`Source`, :class:`SyncRun` and :class:`User` models (read them; the sync
  engine writes them), the access helpers :func:`roles_required`, :func:`has_role`,
  :func:`area_scope`, :func:`within`, :func:`is_within` and ``current_user``; a source's
  :func:`source_health` ("data as of", ok/degraded/down) to show beside its data, or
  :func:`health_of_all`; :data:`ERROR_MESSAGES` for the portal's error pages.
- Changing data from a page: :func:`audit` for the audit log, :func:`note_change` so the wall
  screens follow the change, :class:`Problem` (and :class:`InvalidFields`) to refuse with a clear
  message, :func:`rate_limit` for a limit per client address; :func:`saved_reply`,
  :func:`refused_reply` and :func:`wants_json` for a form that may wait on a phone without
  signal (it carries a ``client_id`` and is sent later by the service worker).
- Telling people: :func:`notify` with a :class:`Message` puts a line in each person's inbox
  and queues its deliveries to their channels (:func:`not_yet_told` says whom a message of a
  ``once_key`` has yet to reach); a plugin's own :class:`Channel` raises
  :class:`ChannelDown` or :class:`ChannelRefused` and receives an :class:`OutgoingMessage`.
- Files: :func:`open_storage` (kept by content hash), :func:`checked_type` and
  :func:`process_photo` for an upload (photos re-encoded without their metadata).
- Downloads: a :class:`Table` as a CSV or XLSX file that keeps formulas as text, as bytes
  (:func:`export_table`) or a response (:func:`download`).
- The wall screens' kiosks: :func:`screen_token_granted` says whether a request carries a valid
  screen token, for what a feature serves to the wall outside the widgets' data.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from flask_login import current_user
from sqlalchemy.orm import Session

from hub.accounts import Account, disable_account, provision_account
from hub.agencies import Agency
from hub.areas import AreaDirectory, AreaRow, is_within, level_of
from hub.audit import audit
from hub.auth import OPERATORS
from hub.auth.access import area_scope, has_role, roles_required, within
from hub.changes import note_change
from hub.config import RateLimit, Settings
from hub.db import Database
from hub.exports import Format, Table, download, export_table
from hub.files.photos import process_photo
from hub.files.types import DOCUMENT, PHOTO, checked_type, display_name
from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
from hub.limits import rate_limit
from hub.live.access import current_viewer
from hub.live.room import live_room
from hub.live.tokens import TokenRefused
from hub.menu import MenuItem
from hub.models import Area, Record, Source, SyncRun, User
from hub.models.base import Base, BigId, Json, UTCDateTime, utcnow
from hub.models.run import SUCCEEDED
from hub.notify.channels import Channel, ChannelDown, ChannelRefused, OutgoingMessage
from hub.notify.messages import Message, not_yet_told, notify
from hub.periodic import PeriodicTask
from hub.portal.errors import CSRF_MESSAGE, ERROR_MESSAGES
from hub.portal.replies import refused_reply, saved_reply, wants_json
from hub.portal.sources import health_of_all
from hub.problems import InvalidFields, Problem
from hub.sections import SettingsSection
from hub.simulators import RunningServer, Simulator
from hub.simulators.faults import FaultInjector
from hub.simulators.web import checked_counts, json_body, json_response, require_api_key
from hub.sources import ConfigError, ConfigField, SourceSettings, SourceType
from hub.state import Hub, current_hub
from hub.storage import FileTooLarge, Storage, open_storage
from hub.sync import imports
from hub.sync.bulk import add_selected, add_to_rows, among, insert_rows
from hub.sync.connector import (
    AuthError,
    Connector,
    InvalidRecord,
    MalformedJSON,
    Page,
    RecordIn,
    SourceError,
    TransientError,
    WriteBack,
    http_client,
    read_json,
)
from hub.sync.connector import Photo as WriteBackPhoto
from hub.sync.health import Health, source_health
from hub.sync.imports import ImportProblem, ImportRejected
from hub.sync.jobs import worker_hub
from hub.sync.store import PageStore, RecordChange
from hub.widgets import FEED, KPI, MAP, MAX_INSETS, RANKING, TREND, WallScreen, Widget


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only database session of the current app, for a plugin's pages and figures."""
    with current_hub().db.read_session() as session:
        yield session


def screen_token_granted() -> bool:
    """Whether the request carries a valid, unrevoked screen token (the ``X-Screen-Token``
    header or ``?token=``), as the live room's kiosks send."""
    room = live_room()
    try:
        return current_viewer(room, room.versions()).token is not None
    except TokenRefused:
        return False


def preview_import(source_name: str, payloads: Sequence[Mapping[str, Any]]) -> list[ImportProblem]:
    """What would stop ``payloads`` (raw, as the source type's normalizer takes them) from being
    imported into ``source_name``; nothing is written."""
    hub = current_hub()
    return imports.preview_import(hub, hub.db, source_name, payloads)


def commit_import(source_name: str, payloads: Sequence[Mapping[str, Any]]) -> SyncRun:
    """Import ``payloads`` into ``source_name`` all or nothing, as a run by the signed-in user.

    Raises :class:`ImportRejected` (with ``.problems``) and stores nothing if any payload is bad.
    """
    hub = current_hub()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return imports.commit_import(hub, hub.db, source_name, payloads, user)


__all__ = [
    "CSRF_MESSAGE",
    "DOCUMENT",
    "ERROR_MESSAGES",
    "FEED",
    "KPI",
    "MAP",
    "MAX_INSETS",
    "OPERATORS",
    "PHOTO",
    "RANKING",
    "SUCCEEDED",
    "TREND",
    "Account",
    "Agency",
    "Area",
    "AreaDirectory",
    "AreaRow",
    "AuthError",
    "Base",
    "BigId",
    "Channel",
    "ChannelDown",
    "ChannelRefused",
    "ConfigError",
    "ConfigField",
    "Connector",
    "Database",
    "FaultInjector",
    "FileTooLarge",
    "Format",
    "Health",
    "Hub",
    "ImportProblem",
    "ImportRejected",
    "InvalidFields",
    "InvalidRecord",
    "Json",
    "MalformedJSON",
    "MenuItem",
    "Message",
    "OutgoingMessage",
    "Page",
    "PageStore",
    "PeriodicTask",
    "Problem",
    "RateLimit",
    "Record",
    "RecordChange",
    "RecordIn",
    "RecordKind",
    "RunningServer",
    "Settings",
    "SettingsSection",
    "Simulator",
    "Source",
    "SourceError",
    "SourceSettings",
    "SourceType",
    "Status",
    "Storage",
    "Table",
    "TransientError",
    "UTCDateTime",
    "User",
    "WallScreen",
    "Widget",
    "WriteBack",
    "WriteBackPhoto",
    "add_selected",
    "add_to_rows",
    "among",
    "area_scope",
    "audit",
    "checked_counts",
    "checked_type",
    "commit_import",
    "current_hub",
    "current_user",
    "disable_account",
    "display_name",
    "download",
    "export_table",
    "has_role",
    "health_of_all",
    "hookimpl",
    "http_client",
    "insert_rows",
    "is_within",
    "json_body",
    "json_response",
    "level_of",
    "not_yet_told",
    "note_change",
    "notify",
    "open_storage",
    "preview_import",
    "process_photo",
    "provision_account",
    "rate_limit",
    "read_json",
    "read_session",
    "refused_reply",
    "require_api_key",
    "roles_required",
    "saved_reply",
    "screen_token_granted",
    "source_health",
    "utcnow",
    "wants_json",
    "within",
    "worker_hub",
]
