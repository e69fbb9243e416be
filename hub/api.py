"""The hub's public API for plugins: everything a plugin may import from the hub.

Plugins use only this module (and the hooks in :mod:`hub.hookspecs`), never the hub's internals.

- Declaring: :class:`SourceType` with :class:`ConfigField`, :class:`RecordKind` with
  :class:`Status`, :class:`Simulator`, :class:`MenuItem`, and the ``hookimpl`` marker.
- Reading a source: the :class:`Connector` protocol, :class:`Page`, :class:`RecordIn`, the errors
  to raise, and :func:`http_client` / :func:`read_json` for HTTP with timeouts.
- Showing data in the plugin's pages: :func:`read_session` with the :class:`Record`, :class:`Area`
  and :class:`Source` models (read them; the sync engine writes them), and the access helpers
  :func:`roles_required`, :func:`has_role`, :func:`area_scope` and ``current_user``.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask_login import current_user
from sqlalchemy.orm import Session

from hub.areas import AreaDirectory, AreaRow, is_within
from hub.auth.access import area_scope, has_role, roles_required, within
from hub.context import Hub
from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
from hub.menu import MenuItem
from hub.models import Area, Record, Source
from hub.simulators import RunningServer, Simulator
from hub.sources import ConfigError, ConfigField, SourceType
from hub.sync.connector import (
    AuthError,
    Connector,
    InvalidRecord,
    Page,
    RecordIn,
    SourceError,
    TransientError,
    http_client,
    read_json,
)


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only database session of the current app, for a plugin's pages and figures."""
    from hub.app import state

    with state().db.read_session() as session:
        yield session


__all__ = [
    "Area",
    "AreaDirectory",
    "AreaRow",
    "AuthError",
    "ConfigError",
    "ConfigField",
    "Connector",
    "Hub",
    "InvalidRecord",
    "MenuItem",
    "Page",
    "Record",
    "RecordIn",
    "RecordKind",
    "RunningServer",
    "Simulator",
    "Source",
    "SourceError",
    "SourceType",
    "Status",
    "TransientError",
    "area_scope",
    "current_user",
    "has_role",
    "hookimpl",
    "http_client",
    "is_within",
    "read_json",
    "read_session",
    "roles_required",
    "within",
]
