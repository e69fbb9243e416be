"""The hub's public API for plugins: everything a plugin may import from the hub.

Plugins use only this module (and the hooks in :mod:`hub.hookspecs`), never the hub's internals.
"""

from hub.areas import AreaDirectory, AreaRow, is_within
from hub.context import Hub
from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
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

__all__ = [
    "AreaDirectory",
    "AreaRow",
    "AuthError",
    "ConfigError",
    "ConfigField",
    "Connector",
    "Hub",
    "InvalidRecord",
    "Page",
    "RecordIn",
    "RecordKind",
    "RunningServer",
    "Simulator",
    "SourceError",
    "SourceType",
    "Status",
    "TransientError",
    "hookimpl",
    "http_client",
    "is_within",
    "read_json",
]
