"""Source types and the configuration schema of a source.

A *source type* is what a plugin contributes: the kind of app it can read. A *source* is one
configured instance of a type, declared in the hub's configuration (two cities may each run Qlue).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.sync.connector import Connector, RecordIn, WriteBack

_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "list": list}


class ConfigError(ValueError):
    """A configuration that cannot be used, with a message that says how to fix it."""


@dataclass(frozen=True)
class ConfigField:
    """One setting of a source.

    ``secret`` settings are never written in a configuration file: they are read from the
    environment variable named by ``<name>_env`` or the file named by ``<name>_file``.
    """

    name: str
    type: str = "str"
    required: bool = True
    default: Any = None
    secret: bool = False
    help: str = ""

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"unknown config field type {self.type!r}")


@dataclass(frozen=True)
class SourceType:
    """A kind of external app the hub can read, contributed by a plugin.

    ``connect`` receives the validated configuration of one source and returns a
    :class:`~hub.sync.connector.Connector`; ``normalize`` turns one raw payload into a
    :class:`~hub.sync.connector.RecordIn` or raises :class:`~hub.sync.connector.InvalidRecord`.
    ``write_back``, when the app accepts answers, sends one
    :class:`~hub.sync.connector.WriteBack` with the source's configuration, raising
    :class:`~hub.sync.connector.TransientError` to be retried later, or another
    :class:`~hub.sync.connector.SourceError` when the app refuses it.
    """

    name: str
    title: str
    connect: Callable[[Mapping[str, Any]], Connector]
    normalize: Callable[[Mapping[str, Any]], RecordIn]
    config: tuple[ConfigField, ...] = ()
    description: str = ""
    write_back: Callable[[Mapping[str, Any], WriteBack], None] | None = None

    def validate(self, source_name: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Return the source's settings checked against this type's fields.

        Raises :class:`ConfigError` naming the source and the field on the first problem.
        """
        known = {f.name for f in self.config} | {f"{f.name}_env" for f in self.config}
        known |= {f"{f.name}_file" for f in self.config}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"source {source_name!r}: unknown setting {unknown[0]!r}")
        return {f.name: _field_value(source_name, f, raw) for f in self.config}


def _field_value(source_name: str, spec: ConfigField, raw: Mapping[str, Any]) -> Any:
    where = f"source {source_name!r}: setting {spec.name!r}"
    if spec.secret and spec.name in raw:
        raise ConfigError(
            f"{where} is a secret: set {spec.name}_env (an environment variable) "
            f"or {spec.name}_file (a file) instead of writing it in the configuration"
        )
    value = raw.get(spec.name)
    if f"{spec.name}_env" in raw:
        variable = raw[f"{spec.name}_env"]
        value = os.environ.get(variable)
        if value is None:
            raise ConfigError(f"{where}: environment variable {variable} is not set")
    elif f"{spec.name}_file" in raw:
        path = Path(raw[f"{spec.name}_file"])
        try:
            value = path.read_text().strip()
        except OSError as error:
            raise ConfigError(f"{where}: cannot read {path}: {error.strerror}") from None
    if value is None:
        if spec.required and spec.default is None:
            raise ConfigError(f"{where} is missing")
        return spec.default
    return _coerce(where, spec.type, value)


def _coerce(where: str, type_name: str, value: Any) -> Any:
    """``value`` as ``type_name``; a list is of strings, and may be given comma-separated."""
    wanted = _TYPES[type_name]
    if wanted is list:
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return [item.strip() for item in items if item.strip()]
        raise ConfigError(f"{where} must be a list of text, got {value!r}")
    if isinstance(value, wanted) and not (wanted is int and isinstance(value, bool)):
        return value
    if isinstance(value, str) and wanted is not str:
        try:
            if wanted is bool:
                return {"true": True, "false": False, "1": True, "0": False}[value.lower()]
            return wanted(value)
        except (KeyError, ValueError):
            pass
    if wanted is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise ConfigError(f"{where} must be {type_name}, got {value!r}")


@dataclass(frozen=True)
class SourceSettings:
    """A source as declared in the configuration: its name, type, schedule and raw settings."""

    name: str
    type: str
    interval: int = 300
    enabled: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
