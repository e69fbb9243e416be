"""The hub's public API for plugins: everything a plugin may import from the hub.

Plugins use only this module (and the hooks in :mod:`hub.hookspecs`), never the hub's internals.

- Declaring: :class:`SourceType` with :class:`ConfigField`, :class:`RecordKind` with
  :class:`Status`, :class:`Simulator`, :class:`MenuItem`, :class:`Widget` (a tile of the live
  room's wall screens; its data shapes are in :mod:`hub.widgets`), :class:`WallScreen` (a screen
  of the default wall), and the ``hookimpl`` marker.
- Writing a simulator: :class:`FaultInjector` (the faults every simulator takes through
  ``POST /_sim/faults``), :func:`json_response`, :func:`json_body`, :func:`require_api_key` and
  :func:`checked_counts` (the counts of a ``/_sim/tick``).
- Complaints: :func:`canonical_status` maps a source system's status words to the hub's.
- Reading a source: the :class:`Connector` protocol, :class:`Page`, :class:`RecordIn`, the errors
  to raise, and :func:`http_client` / :func:`read_json` for HTTP with timeouts.
- Importing a file all or nothing: :func:`preview_import` and :func:`commit_import`.
- Accounts from a staffing source: :class:`Account`, :func:`provision_account` and
  :func:`disable_account`, called from ``records_changed`` with its session.
- Showing data in the plugin's pages: :func:`read_session` with the :class:`Record`, :class:`Area`
  and :class:`Source` models (read them; the sync engine writes them), and the access helpers
  :func:`roles_required`, :func:`has_role`, :func:`area_scope` and ``current_user``; a
  source's :func:`source_health` ("data as of", ok/degraded/down) to show beside its data.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from flask_login import current_user
from sqlalchemy.orm import Session

from hub.accounts import Account, disable_account, provision_account
from hub.app import state
from hub.areas import AreaDirectory, AreaRow, is_within
from hub.auth.access import area_scope, has_role, roles_required, within
from hub.complaints.statuses import canonical_status
from hub.context import Hub
from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
from hub.menu import MenuItem
from hub.models import Area, Record, Source, SyncRun
from hub.simulators import RunningServer, Simulator
from hub.simulators.faults import FaultInjector
from hub.simulators.web import checked_counts, json_body, json_response, require_api_key
from hub.sources import ConfigError, ConfigField, SourceSettings, SourceType
from hub.sync import imports
from hub.sync.connector import (
    AuthError,
    Connector,
    InvalidRecord,
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
from hub.sync.store import RecordChange
from hub.widgets import WallScreen, Widget


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only database session of the current app, for a plugin's pages and figures."""
    with state().db.read_session() as session:
        yield session


def preview_import(source_name: str, payloads: Sequence[Mapping[str, Any]]) -> list[ImportProblem]:
    """What would stop ``payloads`` (raw, as the source type's normalizer takes them) from being
    imported into ``source_name``; nothing is written."""
    hub = state()
    return imports.preview_import(hub.hub, hub.db, source_name, payloads)


def commit_import(source_name: str, payloads: Sequence[Mapping[str, Any]]) -> SyncRun:
    """Import ``payloads`` into ``source_name`` all or nothing, as a run by the signed-in user.

    Raises :class:`ImportRejected` (with ``.problems``) and stores nothing if any payload is bad.
    """
    hub = state()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return imports.commit_import(hub.hub, hub.db, source_name, payloads, user)


__all__ = [
    "Account",
    "Area",
    "AreaDirectory",
    "AreaRow",
    "AuthError",
    "ConfigError",
    "ConfigField",
    "Connector",
    "FaultInjector",
    "Health",
    "Hub",
    "ImportProblem",
    "ImportRejected",
    "InvalidRecord",
    "MenuItem",
    "Page",
    "Record",
    "RecordChange",
    "RecordIn",
    "RecordKind",
    "RunningServer",
    "Simulator",
    "Source",
    "SourceError",
    "SourceSettings",
    "SourceType",
    "Status",
    "TransientError",
    "WallScreen",
    "Widget",
    "WriteBack",
    "WriteBackPhoto",
    "area_scope",
    "canonical_status",
    "checked_counts",
    "commit_import",
    "current_user",
    "disable_account",
    "has_role",
    "hookimpl",
    "http_client",
    "is_within",
    "json_body",
    "json_response",
    "preview_import",
    "provision_account",
    "read_json",
    "read_session",
    "require_api_key",
    "roles_required",
    "source_health",
    "within",
]
