"""Configuration: a TOML file in ``config/`` with environment overrides.

Every key of the ``[hub]`` table can be overridden by ``SIMPUL_<KEY>`` (``SIMPUL_DATABASE_URL``).
Secrets never live in the file: the session secret comes from ``SIMPUL_SECRET_KEY`` or the file
named by ``SIMPUL_SECRET_KEY_FILE``, and source secrets through ``<setting>_env`` or
``<setting>_file`` (see :mod:`hub.sources`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hub.complaints.routing import Routing, read_routing
from hub.sources import ConfigError, SourceSettings

DEFAULT_CONFIG = Path("config") / "simpul.toml"
ENV_PREFIX = "SIMPUL_"
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Settings:
    """The hub's settings. Build with :func:`load_settings`, or directly in tests."""

    database_url: str = "sqlite:///instance/simpul.db"
    database_pool_size: int = 5
    database_max_overflow: int = 10
    redis_url: str = "redis://127.0.0.1:6379/0"
    secure_cookies: bool = False
    queue_name: str = "simpul"
    language: str = "id"
    timezone: str = "Asia/Jakarta"
    strict_plugins: bool = False
    trace_hooks: bool = False
    disabled_plugins: tuple[str, ...] = ()
    instance_path: str = "instance"
    areas_dir: str = ""
    scheduler_tick: float = 5.0
    run_stale_after: int = 300
    retry_attempts: int = 4
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    max_backoff: int = 3600
    login_attempts: int = 5
    login_lockout: int = 900
    storage_path: str = ""
    upload_max_bytes: int = 20 * 1024 * 1024
    activity_types: tuple[str, ...] = (
        "Kerja bakti",
        "Posyandu",
        "Musrenbang",
        "Patroli",
        "Penanganan banjir",
        "Penyuluhan",
        "Rapat koordinasi",
        "Pelayanan warga",
        "Lainnya",
    )
    secret_key: str = field(default="", repr=False)
    sources: tuple[SourceSettings, ...] = ()
    routing: Routing = field(default_factory=Routing)

    def source(self, name: str) -> SourceSettings:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} is configured (configured: {known})")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the configuration file (``SIMPUL_CONFIG``, else ``config/simpul.toml``) and apply
    environment overrides. Raises :class:`ConfigError` with a message naming the problem."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get(f"{ENV_PREFIX}CONFIG") or DEFAULT_CONFIG)
    document = _read_toml(path) if path.exists() else {}
    if not path.exists() and environ.get(f"{ENV_PREFIX}CONFIG"):
        raise ConfigError(f"configuration file {path} does not exist")
    unknown = sorted(set(document) - {"hub", "sources", "agencies", "categories"})
    if unknown:
        raise ConfigError(f"{path}: unknown table [{unknown[0]}]")
    values = _hub_values(path, document.get("hub", {}), environ)
    values["sources"] = tuple(_sources(path, document.get("sources", {})))
    try:
        values["routing"] = read_routing(
            document.get("agencies", {}), document.get("categories", {})
        )
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    return Settings(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def _hub_values(path: Path, table: Mapping[str, Any], environ: Mapping[str, str]) -> dict:
    tables = ("sources", "secret_key", "routing")
    specs = {f.name: f for f in fields(Settings) if f.name not in tables}
    unknown = sorted(set(table) - set(specs))
    if unknown:
        raise ConfigError(f"{path}: unknown setting [hub] {unknown[0]}")
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        raw = environ.get(ENV_PREFIX + name.upper(), table.get(name))
        if raw is not None:
            values[name] = _convert(name, spec.type, raw)
    values["secret_key"] = _secret_key(environ)
    language = values.get("language", "id")
    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    zone = values.get("timezone", "Asia/Jakarta")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone {zone!r} is unknown: use a name such as Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
        ) from None
    return values


def _convert(name: str, type_name: Any, raw: Any) -> Any:
    type_name = str(type_name)
    try:
        if type_name == "bool":
            if isinstance(raw, bool):
                return raw
            return {"true": True, "1": True, "false": False, "0": False}[str(raw).lower()]
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name.startswith("tuple"):
            items = raw.split(",") if isinstance(raw, str) else raw
            return tuple(str(item).strip() for item in items if str(item).strip())
    except (KeyError, ValueError, TypeError):
        raise ConfigError(f"setting {name} must be {type_name}, got {raw!r}") from None
    return str(raw)


def _secret_key(environ: Mapping[str, str]) -> str:
    if environ.get(f"{ENV_PREFIX}SECRET_KEY"):
        return environ[f"{ENV_PREFIX}SECRET_KEY"]
    key_file = environ.get(f"{ENV_PREFIX}SECRET_KEY_FILE")
    if key_file:
        try:
            return Path(key_file).read_text().strip()
        except OSError as error:
            raise ConfigError(f"cannot read SIMPUL_SECRET_KEY_FILE {key_file}: {error}") from None
    return ""


def _sources(path: Path, table: Mapping[str, Any]) -> list[SourceSettings]:
    sources = []
    for name, raw in table.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: [sources.{name}] must be a table")
        settings = dict(raw)
        source_type = settings.pop("type", None)
        if not source_type:
            raise ConfigError(f"{path}: source {name!r} has no type")
        interval = _convert(f"sources.{name}.interval", "int", settings.pop("interval", 300))
        enabled = _convert(f"sources.{name}.enabled", "bool", settings.pop("enabled", True))
        if interval < 1:
            raise ConfigError(f"{path}: source {name!r}: interval must be at least 1 second")
        sources.append(SourceSettings(name, source_type, interval, enabled, settings))
    return sources
