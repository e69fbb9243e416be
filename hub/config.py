"""Configuration: a TOML file in ``config/`` with environment overrides.

Without a file the defaults apply; a file that sets nothing is refused (it was most likely
emptied by mistake, and the hub would start on an empty default database).

Every key of the ``[hub]`` table can be overridden by ``SIMPUL_<KEY>`` (``SIMPUL_DATABASE_URL``).
Secrets never live in the file: the session secret comes from ``SIMPUL_SECRET_KEY`` or the file
named by ``SIMPUL_SECRET_KEY_FILE``, and source secrets through ``<setting>_env`` or
``<setting>_file`` (see :mod:`hub.sources`).

:class:`Settings` is a frozen pydantic model: whether read by :func:`load_settings` or built in
code, a value that cannot work is refused with a :class:`~hub.sources.ConfigError` naming the
setting, and where it came from when it was read.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse as parse_rate_limit
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from hub.sources import (
    ConfigError,
    Integer,
    Number,
    SourceSettings,
    TextTuple,
    explain,
    refusal,
)

DEFAULT_CONFIG = Path("config") / "simpul.toml"
ENV_PREFIX = "SIMPUL_"
LANGUAGES = ("id", "en")
DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg", "psycopg2")}
"""The databases the hub runs on, each with the drivers it may use."""
SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg", "postgresql+psycopg2")
DATABASE_EXAMPLES = "sqlite:///instance/simpul.db or postgresql+psycopg://user@host/simpul"
_TABLES = ("sources", "secret_key", "sections")
"""Fields that are not keys of ``[hub]``."""
MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 7 * 86400
GIBIBYTE = 1024**3


def _database_url(value: str) -> str:
    # The value may hold a password: refusals name the problem, never repeat the URL.
    try:
        url = make_url(value)
        backend = url.get_backend_name()
        driver = url.get_driver_name() if backend in DRIVERS else None
    except (ArgumentError, ValueError):
        raise refusal(
            f"is not a database URL: use one such as {DATABASE_EXAMPLES}", show_value=False
        ) from None
    if driver not in DRIVERS.get(backend, ()):
        raise refusal(
            f"has the scheme {url.drivername!r}: use one of {', '.join(SCHEMES)} "
            f"({DATABASE_EXAMPLES})",
            show_value=False,
        )
    try:
        url.get_dialect().import_dbapi()
    except ImportError as error:
        raise refusal(
            f"needs the Python package {error.name or driver}, which is not installed here "
            "(pip install 'simpul[postgres]' installs psycopg)",
            show_value=False,
        ) from None
    return value


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise refusal(f"must be one of {', '.join(LANGUAGES)}")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise refusal(
            f"{value!r} is unknown: use a name such as Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
            show_value=False,
        ) from None
    return value


def _rate_limit(value: str) -> str:
    try:
        limit = parse_rate_limit(value)
    except ValueError:
        limit = None
    if limit is None or limit.amount < 1:
        raise refusal('must be a rate limit such as "10 per minute" or "100/hour"')
    return value


RateLimit = Annotated[str, AfterValidator(_rate_limit)]
"""A rate in the notation of the ``limits`` library: ``"10 per minute"``, ``"100/hour"``."""


class Settings(BaseModel):
    """The hub's settings. Build with :func:`load_settings`, or directly in tests.

    A value that cannot work raises :class:`ConfigError` here too, and so does
    :meth:`replace`: every copy is checked again.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    database_url: Annotated[str, AfterValidator(_database_url)] = "sqlite:///instance/simpul.db"
    database_pool_size: Integer = Field(5, ge=1, le=100)
    database_max_overflow: Integer = Field(10, ge=0, le=100)
    redis_url: str = "redis://127.0.0.1:6379/0"
    secure_cookies: bool = False
    queue_name: str = "simpul"
    language: Annotated[str, AfterValidator(_language)] = "id"
    timezone: Annotated[str, AfterValidator(_timezone)] = "Asia/Jakarta"
    strict_plugins: bool = False
    trace_hooks: bool = False
    disabled_plugins: TextTuple = ()
    instance_path: str = "instance"
    areas_dir: str = ""
    scheduler_tick: Number = Field(5.0, ge=0.1, le=HOUR)
    run_stale_after: Integer = Field(300, ge=1, le=DAY)
    retry_attempts: Integer = Field(4, ge=0, le=20)
    retry_base_delay: Number = Field(1.0, ge=0, le=10 * MINUTE)
    retry_max_delay: Number = Field(60.0, ge=0, le=HOUR, validate_default=True)
    max_backoff: Integer = Field(3600, ge=1, le=WEEK)
    login_attempts: Integer = Field(5, ge=1, le=1000)
    login_lockout: Integer = Field(900, ge=0, le=WEEK)
    login_rate_limit: RateLimit = "10 per minute"
    login_failure_limit: RateLimit = "50 per hour"
    trusted_proxies: Integer = Field(0, ge=0, le=5)
    """How many proxies in front of the hub add to ``X-Forwarded-For`` (nginx: 1). The hub then
    takes the client's address from it, for the limits per address; with 0 it ignores it."""
    storage_path: str = ""
    upload_max_bytes: Integer = Field(20 * 1024 * 1024, ge=1, le=GIBIBYTE)
    secret_key: str = Field("", repr=False)
    sources: tuple[InstanceOf[SourceSettings], ...] = ()
    sections: Mapping[str, Mapping[str, Any]] = Field(default_factory=dict)
    """The other top-level tables, each read by the plugin that declares it."""

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise _Refused(error.errors(include_url=False)) from None

    @field_validator("retry_max_delay")
    @classmethod
    def _covers_the_base_delay(cls, value: float, info: ValidationInfo) -> float:
        base = info.data.get("retry_base_delay")
        if base is not None and value < base:
            raise refusal(f"must be at least retry_base_delay, which is {base}")
        return value

    def source(self, name: str) -> SourceSettings:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} is configured (configured: {known})")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``, checked like any other settings."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)(**(values | changes))


HUB_KEYS = tuple(name for name in Settings.model_fields if name not in _TABLES)
"""The keys of the ``[hub]`` table, each also read from ``SIMPUL_<KEY>``."""


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
    if path.exists() and _sets_nothing(document) and f"{ENV_PREFIX}DATABASE_URL" not in environ:
        raise ConfigError(
            f"{path} sets nothing: give at least [hub] database_url, the database the hub keeps "
            f"its data in (such as {DATABASE_EXAMPLES}); every other key has a default"
        )
    values = _hub_values(path, _table(path, document, "hub"), environ)
    values["secret_key"] = _secret_key(environ)
    values["sources"] = tuple(_sources(path, _table(path, document, "sources")))
    values["sections"] = _sections(path, document)

    def origin(key: str) -> str:
        variable = ENV_PREFIX + key.upper()
        if key in HUB_KEYS and variable in environ:
            return f"environment variable {variable}"
        return str(path)

    try:
        return Settings(**values)
    except _Refused as refused:
        raise ConfigError(_problems(refused.problems, origin)) from None


class _Refused(ConfigError):
    """Settings that pydantic refused; :func:`load_settings` says where each value came from."""

    def __init__(self, problems: list[ErrorDetails]) -> None:
        self.problems = problems
        super().__init__(_problems(problems, lambda key: None))


def _problems(problems: list[ErrorDetails], origin: Callable[[str], str | None]) -> str:
    """Every problem, each as ``<origin>: [hub] <key> <what is wrong>``."""
    described = []
    for problem in problems:
        key = str(problem["loc"][0]) if problem["loc"] else ""
        text = explain(problem, show_value=key != "secret_key", model=Settings)
        where = origin(key)
        setting = f"[hub] {key}" if key in HUB_KEYS else f"setting {key}"
        described.append(f"{where}: {setting} {text}" if where else f"{setting} {text}")
    return "; ".join(described)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


def _sets_nothing(table: Mapping[str, Any]) -> bool:
    """True for an empty file, or one of empty tables only: a file emptied by mistake."""
    return all(isinstance(value, dict) and _sets_nothing(value) for value in table.values())


def _table(path: Path, document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {name} must be a table ([{name}])")
    return table


def _hub_values(path: Path, table: Mapping[str, Any], environ: Mapping[str, str]) -> dict:
    """The ``[hub]`` values, each overridden by its ``SIMPUL_<KEY>`` variable when set."""
    unknown = sorted(set(table) - set(HUB_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting [hub] {unknown[0]}")
    values: dict[str, Any] = {}
    for name in HUB_KEYS:
        raw = environ.get(ENV_PREFIX + name.upper(), table.get(name))
        if raw is not None:
            values[name] = raw
    return values


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


def _sections(path: Path, document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    sections = {}
    for name, table in document.items():
        if name in ("hub", "sources"):
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {name} must be a table ([{name}])")
        sections[name] = table
    return sections


class _Schedule(BaseModel):
    """What every ``[sources.NAME]`` table has besides its type's settings."""

    model_config = ConfigDict(extra="forbid")

    type: str
    interval: Integer = Field(300, ge=1, le=30 * DAY)
    enabled: bool = True
    full_every: Integer | None = Field(None, ge=0, le=365 * DAY)


def _sources(path: Path, table: Mapping[str, Any]) -> list[SourceSettings]:
    sources = []
    for name, raw in table.items():
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: [sources.{name}] must be a table")
        settings = dict(raw)
        if not settings.get("type"):
            raise ConfigError(f"{path}: source {name!r} has no type")
        given = {key: settings.pop(key) for key in _Schedule.model_fields if key in settings}
        try:
            schedule = _Schedule.model_validate(given)
        except ValidationError as error:
            problems = "; ".join(
                f"{problem['loc'][0]} {explain(problem, model=_Schedule)}"
                for problem in error.errors(include_url=False)
            )
            raise ConfigError(f"{path}: source {name!r}: {problems}") from None
        sources.append(
            SourceSettings(
                name,
                schedule.type,
                schedule.interval,
                schedule.enabled,
                settings,
                schedule.full_every,
            )
        )
    return sources
