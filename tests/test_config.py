"""Configuration: TOML, environment overrides, secrets, and clear errors."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hub.app import create_app
from hub.config import Settings, load_settings
from hub.notify.settings import NotifySettings
from hub.sections import SettingsSection
from hub.sources import ConfigError, ConfigField, SourceSettings, SourceType
from hub.state import current_hub

SOME_FILE = "[hub]\nqueue_name = 'simpul'\n"
"""A file that sets something, for values given by the environment."""


def write(tmp_path, text: str):
    path = tmp_path / "simpul.toml"
    path.write_text(text)
    return path


def test_file_values_and_environment_overrides(tmp_path):
    path = write(tmp_path, '[hub]\ndatabase_url = "sqlite:///a.db"\nscheduler_tick = 2\n')

    settings = load_settings(
        path, environ={"SIMPUL_DATABASE_URL": "sqlite:///b.db", "SIMPUL_STRICT_PLUGINS": "true"}
    )

    assert settings.database_url == "sqlite:///b.db"
    assert settings.scheduler_tick == 2.0
    assert settings.strict_plugins is True


def test_the_secret_key_comes_from_the_environment_or_a_file_and_is_never_shown(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file\n")

    settings = load_settings(
        tmp_path / "none.toml", environ={"SIMPUL_SECRET_KEY_FILE": str(key_file)}
    )

    assert settings.secret_key == "from-a-file"
    assert "from-a-file" not in repr(settings)


def test_sources_are_read_with_their_schedule(tmp_path):
    path = write(
        tmp_path, '[sources.qlue-jaktim]\ntype = "qlue"\ninterval = 60\nurl = "http://x"\n'
    )

    source = load_settings(path, environ={}).source("qlue-jaktim")

    assert (source.type, source.interval, source.enabled) == ("qlue", 60, True)
    assert source.settings == {"url": "http://x"}


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("[hub\n", {}, "is not valid TOML"),
        ("[hub]\ndatabse_url = 'x'\n", {}, "unknown setting [hub] databse_url"),
        ("[hub]\nscheduler_tick = 'soon'\n", {}, "scheduler_tick must be float"),
        (SOME_FILE, {"SIMPUL_LANGUAGE": "fr"}, "language must be one of id, en"),
        ("[hub]\ntimezone = 'Manado'\n", {}, "timezone 'Manado' is unknown"),
        ("[sources.a]\nurl = 'x'\n", {}, "source 'a' has no type"),
        ("[sources.a]\ntype = 'qlue'\ninterval = 0\n", {}, "interval must be from 1 to 2592000"),
        ("[sources.a]\ntype = 'qlue'\ninterval = 2592001\n", {}, "interval must be from 1 to"),
    ],
)
def test_a_bad_configuration_says_what_is_wrong(tmp_path, text, environ, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(write(tmp_path, text), environ=environ)


def test_a_table_no_plugin_reads_stops_the_app_but_a_disabled_plugins_table_waits(
    tmp_path, sqlite_url
):
    misspelt = write(tmp_path, "[hubb]\nlanguage = 'en'\n")
    settings = load_settings(misspelt, environ={}).replace(database_url=sqlite_url)
    with pytest.raises(ConfigError, match=r"unknown table \[hubb\] \(tables plugins read: "):
        create_app(settings)

    kept = Settings(database_url=sqlite_url, sections={"gauges": {"unit": "m"}})
    with pytest.raises(ConfigError, match=r"unknown table \[gauges\]"):
        create_app(kept)
    assert create_app(kept.replace(disabled_plugins=("gauges",))).name == "hub"


def test_a_named_configuration_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"SIMPUL_CONFIG": str(tmp_path / "missing.toml")})


def test_an_unknown_source_name_lists_the_configured_ones(tmp_path):
    path = write(tmp_path, '[sources.qlue-a]\ntype = "qlue"\n')

    with pytest.raises(ConfigError, match=r"no source named 'x' .*configured: qlue-a"):
        load_settings(path, environ={}).source("x")


SOURCE_TYPE = SourceType(
    name="example",
    title="Example",
    connect=lambda settings: None,
    normalize=lambda payload: None,
    config=(
        ConfigField("url"),
        ConfigField("api_key", secret=True),
        ConfigField("page_size", "int", required=False, default=100, least=1, most=1000),
    ),
)


def test_source_settings_are_validated_against_the_type(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPLE_KEY", "s3cret")
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")

    from_env = SOURCE_TYPE.validate(
        "a", {"url": "http://x", "api_key_env": "EXAMPLE_KEY", "page_size": "50"}
    )
    from_file = SOURCE_TYPE.validate("a", {"url": "http://x", "api_key_file": str(key_file)})

    assert from_env == {"url": "http://x", "api_key": "s3cret", "page_size": 50}
    assert from_file["api_key"] == "from-file"
    assert from_file["page_size"] == 100


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"api_key_env": "EXAMPLE_KEY"}, "setting 'url' is missing"),
        ({"url": "x", "api_key": "inline"}, "is a secret: set api_key_env"),
        ({"url": "x", "api_key_env": "NOT_SET_ANYWHERE"}, "NOT_SET_ANYWHERE is not set"),
        ({"url": "x", "api_key_file": "/nonexistent/key"}, "cannot read /nonexistent/key"),
        ({"url": "x", "api_key_env": "EXAMPLE_KEY", "page_size": "many"}, "must be int"),
        ({"url": "x", "api_key_env": "EXAMPLE_KEY", "colour": "red"}, "unknown setting 'colour'"),
        ({"url": 5, "api_key_env": "EXAMPLE_KEY"}, "setting 'url' must be str"),
        ({"url": "x", "api_key_env": "EXAMPLE_KEY", "page_size": True}, "must be int"),
        ({"url": "x", "api_key_env": 5}, "setting 'api_key_env' must name an environment"),
        ({"url": "x", "api_key_file": ""}, "setting 'api_key_file' must name a file"),
        ({"url": "x"}, "setting 'api_key' is missing: set api_key_env"),
        (
            {"url": "x", "api_key_env": "EXAMPLE_KEY", "page_size": 0},
            re.escape("setting 'page_size' must be from 1 to 1000 (got 0)"),
        ),
        (
            {"url": "x", "api_key_env": "EXAMPLE_KEY", "page_size": "1001"},
            re.escape("setting 'page_size' must be from 1 to 1000 (got '1001')"),
        ),
    ],
)
def test_bad_source_settings_say_which_source_and_setting(monkeypatch, settings, message):
    monkeypatch.setenv("EXAMPLE_KEY", "s3cret")

    with pytest.raises(ConfigError, match=f"source 'a': .*{message}"):
        SOURCE_TYPE.validate("a", settings)


def test_only_a_number_setting_has_a_range():
    with pytest.raises(ValueError, match="only a number setting has a range, not 'url'"):
        ConfigField("url", least=1)


def test_every_number_setting_of_the_bundled_source_types_has_a_range(make_app, sqlite_url):
    source_types = current_hub(make_app(sqlite_url, only=None)).source_types.values()
    numbers = [
        (source_type, field)
        for source_type in source_types
        for field in source_type.config
        if field.type in ("int", "float")
    ]

    assert {field.name for _source_type, field in numbers} >= {"page_size", "timeout"}
    for source_type, field in numbers:
        assert (field.least, field.most) != (None, None), f"{source_type.name} {field.name}"
        assert field.least <= field.default <= field.most
        for wrong in (field.least - 1, field.most + 1):
            with pytest.raises(ConfigError, match=f"setting '{field.name}' must be from "):
                source_type.validate("a", _with_secrets(source_type, {field.name: wrong}))


def _with_secrets(source_type: SourceType, settings: dict) -> dict:
    """``settings``, each required setting given (a secret through an environment variable)."""
    given = dict(settings)
    for field in source_type.config:
        if field.required and field.default is None and field.name not in given:
            given[f"{field.name}_env" if field.secret else field.name] = (
                "PATH" if field.secret else "http://x"
            )
    return given


class GaugeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page_size: int = Field(100, ge=1, le=500)
    refresh_seconds: float = Field(60.0, gt=0, le=3600)


@pytest.mark.parametrize(
    "section",
    [
        SettingsSection("gauges", GaugeSettings.model_validate),
        SettingsSection("gauges", lambda table: GaugeSettings.model_validate(table), GaugeSettings),
    ],
)
def test_a_plugins_table_names_every_setting_out_of_range_with_its_range(section):
    with pytest.raises(ConfigError) as refused:
        section.read({"page_size": 0, "refresh_seconds": -1})

    assert str(refused.value) == (
        "[gauges] page_size: must be from 1 to 500 (got 0); "
        "refresh_seconds: must be greater than 0 and at most 3600 (got -1)"
    )
    assert section.read({"page_size": 500}).page_size == 500


REFUSED = [
    ("database_pool_size", 0, "must be from 1 to 100"),
    ("database_pool_size", 101, "must be from 1 to 100"),
    ("database_max_overflow", -1, "must be from 0 to 100"),
    ("database_max_overflow", 101, "must be from 0 to 100"),
    ("scheduler_tick", 0, "must be from 0.1 to 3600"),
    ("scheduler_tick", -5, "must be from 0.1 to 3600"),
    ("scheduler_tick", 3601, "must be from 0.1 to 3600"),
    ("run_stale_after", 0, "must be from 1 to 86400"),
    ("run_stale_after", 86401, "must be from 1 to 86400"),
    ("retry_attempts", -1, "must be from 0 to 20"),
    ("retry_attempts", 21, "must be from 0 to 20"),
    ("retry_base_delay", -0.5, "must be from 0 to 600"),
    ("retry_base_delay", 601, "must be from 0 to 600"),
    ("retry_max_delay", -1, "must be from 0 to 3600"),
    ("retry_max_delay", 3601, "must be from 0 to 3600"),
    ("retry_max_delay", 0.5, "must be at least retry_base_delay, which is 1.0"),
    ("max_backoff", 0, "must be from 1 to 604800"),
    ("max_backoff", 10**30, "must be from 1 to 604800"),
    ("login_attempts", 0, "must be from 1 to 1000"),
    ("login_attempts", 1001, "must be from 1 to 1000"),
    ("login_lockout", -1, "must be from 0 to 604800"),
    ("login_lockout", 604801, "must be from 0 to 604800"),
    ("upload_max_bytes", 0, "must be from 1 to 1073741824"),
    ("upload_max_bytes", -1, "must be from 1 to 1073741824"),
    ("upload_max_bytes", 2**30 + 1, "must be from 1 to 1073741824"),
    ("language", "fr", "must be one of id, en"),
    ("timezone", "WIB", "'WIB' is unknown: use a name such as Asia/Jakarta (WIB)"),
    ("timezone", "Asia", "'Asia' is unknown"),
    ("database_url", "notadb://x", "has the scheme 'notadb': use one of sqlite, postgresql,"),
    ("database_url", "mysql://u@h/d", "has the scheme 'mysql': use one of sqlite, postgresql,"),
    ("database_url", "postgresql+asyncpg://u@h/d", "has the scheme 'postgresql+asyncpg': use"),
    ("database_url", "postgresql+nodriver://u@h/d", "has the scheme 'postgresql+nodriver'"),
    ("database_url", "sqlite+pysqlcipher:///x.db", "has the scheme 'sqlite+pysqlcipher'"),
    ("database_url", "not a url", "is not a database URL: use one such as sqlite:///"),
    ("login_rate_limit", "often", "must be a rate limit"),
    ("login_rate_limit", "0 per minute", "must be a rate limit"),
]


@pytest.mark.parametrize(("key", "value", "message"), REFUSED)
def test_a_setting_out_of_range_in_the_file_is_refused_naming_file_and_key(
    tmp_path, key, value, message
):
    path = write(tmp_path, f"[hub]\n{key} = {json.dumps(value)}\n")

    with pytest.raises(ConfigError, match=re.escape(f"{path}: [hub] {key} {message}")):
        load_settings(path, environ={})


@pytest.mark.parametrize(("key", "value", "message"), REFUSED)
def test_a_setting_out_of_range_in_the_environment_is_refused_naming_the_variable(
    tmp_path, key, value, message
):
    variable = f"SIMPUL_{key.upper()}"
    expected = f"environment variable {variable}: [hub] {key} {message}"

    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_settings(write(tmp_path, SOME_FILE), environ={variable: str(value)})


def test_a_refusal_shows_the_value_given():
    with pytest.raises(
        ConfigError, match=re.escape("scheduler_tick must be from 0.1 to 3600 (got -5)")
    ):
        Settings(scheduler_tick=-5)


def test_the_retry_delays_are_checked_against_each_other(tmp_path):
    path = write(tmp_path, "[hub]\nretry_base_delay = 10\nretry_max_delay = 5\n")

    with pytest.raises(ConfigError, match="retry_max_delay must be at least retry_base_delay"):
        load_settings(path, environ={})
    with pytest.raises(ConfigError, match="retry_max_delay must be at least retry_base_delay"):
        load_settings(write(tmp_path, SOME_FILE), environ={"SIMPUL_RETRY_BASE_DELAY": "100"})
    assert load_settings(path, environ={"SIMPUL_RETRY_MAX_DELAY": "10"}).retry_max_delay == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[hub]\nretry_attempts = true\n", "[hub] retry_attempts must be int (got True)"),
        ("[hub]\nretry_attempts = 1.5\n", "[hub] retry_attempts must be int"),
        ("[hub]\nscheduler_tick = inf\n", "[hub] scheduler_tick must be from 0.1 to 3600"),
        ("[hub]\nscheduler_tick = nan\n", "[hub] scheduler_tick must be from 0.1 to 3600"),
        ("[hub]\nsecure_cookies = 'maybe'\n", "[hub] secure_cookies must be bool"),
        ("[hub]\ndisabled_plugins = 5\n", "[hub] disabled_plugins must be a list of text"),
        ("hub = 5\n", "hub must be a table ([hub])"),
        ("sources = 5\n", "sources must be a table ([sources])"),
        ("[sources.a]\ntype = 'qlue'\ninterval = 'often'\n", "source 'a': interval must be int"),
        ("[sources.a]\ntype = 'qlue'\ninterval = -1\n", "interval must be from 1 to 2592000"),
        ("[sources.a]\ntype = 'qlue'\nenabled = 'maybe'\n", "source 'a': enabled must be bool"),
        ("[sources.a]\ntype = 5\n", "source 'a': type must be str (got 5)"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(tmp_path, text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(write(tmp_path, text), environ={})


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path, "[hub]\nlogin_attempts = 0\n")

    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={"SIMPUL_LANGUAGE": "fr"})

    assert f"{path}: [hub] login_attempts must be from 1 to 1000 (got 0)" in str(refused.value)
    assert "environment variable SIMPUL_LANGUAGE: [hub] language must be" in str(refused.value)


def test_a_refused_database_url_never_repeats_its_password(tmp_path):
    path = write(tmp_path, '[hub]\ndatabase_url = "postgres://hub:hunter2@db/simpul"\n')

    with pytest.raises(ConfigError, match="has the scheme 'postgres'") as refused:
        load_settings(path, environ={})
    with pytest.raises(ConfigError, match="is not a database URL") as unparsed:
        load_settings(path, environ={"SIMPUL_DATABASE_URL": "postgresql://hub:hunter2@db:x/s"})

    assert "hunter2" not in str(refused.value) + str(unparsed.value)


@pytest.mark.parametrize("text", ["", "\n# nothing yet\n", "[hub]\n[sources]\n"])
def test_a_file_that_sets_nothing_is_refused_naming_the_key_it_needs(tmp_path, text):
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})

    assert str(refused.value) == (
        f"{path} sets nothing: give at least [hub] database_url, the database the hub keeps its "
        "data in (such as sqlite:///instance/simpul.db or postgresql+psycopg://user@host/simpul);"
        " every other key has a default"
    )


def test_without_a_file_or_with_the_database_from_the_environment_the_defaults_apply(tmp_path):
    missing = load_settings(tmp_path / "none.toml", environ={})
    empty = load_settings(write(tmp_path, ""), environ={"SIMPUL_DATABASE_URL": "sqlite:///a.db"})

    assert missing == Settings()
    assert (missing.database_url, missing.language, missing.timezone) == (
        "sqlite:///instance/simpul.db",
        "id",
        "Asia/Jakarta",
    )
    assert missing.login_rate_limit == "10 per minute"
    assert (missing.sources, missing.sections, missing.secret_key) == ((), {}, "")
    assert empty == Settings(database_url="sqlite:///a.db")


def test_a_database_driver_that_is_not_installed_is_named(tmp_path):
    if importlib.util.find_spec("psycopg2") is not None:
        pytest.skip("psycopg2 is installed here")
    path = write(tmp_path, '[hub]\ndatabase_url = "postgresql+psycopg2://hub:hunter2@db/simpul"\n')

    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})

    assert str(refused.value) == (
        f"{path}: [hub] database_url needs the Python package psycopg2, which is not installed "
        "here (pip install 'simpul[postgres]' installs psycopg)"
    )


@pytest.mark.parametrize("command", [["-m", "hub", "routes"], ["-m", "hub", "worker"]])
def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path, command):
    environ = {**os.environ, "SIMPUL_CONFIG": str(write(tmp_path, "")), "SIMPUL_SECRET_KEY": "x"}
    for url in ("notadb://x", "postgresql+asyncpg://hub:hunter2@db/simpul"):
        environ["SIMPUL_DATABASE_URL"] = url

        ran = subprocess.run(
            [sys.executable, *command], env=environ, capture_output=True, text=True, timeout=60
        )

        assert ran.returncode != 0
        assert "Traceback" not in ran.stderr and "hunter2" not in ran.stderr
        assert ran.stderr.startswith(
            "Error: configuration: environment variable SIMPUL_DATABASE_URL: [hub] database_url "
            "has the scheme"
        )
        assert "use one of sqlite, postgresql, postgresql+psycopg, postgresql+psycopg2" in (
            ran.stderr
        )


def test_the_largest_sensible_values_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "[hub]\n"
        "database_pool_size = 100\ndatabase_max_overflow = 100\n"
        "scheduler_tick = 3600\nrun_stale_after = 86400\nretry_attempts = 20\n"
        "retry_base_delay = 600\nretry_max_delay = 3600\nmax_backoff = 604800\n"
        "login_attempts = 1000\nlogin_lockout = 604800\nupload_max_bytes = 1073741824\n"
        "[sources.a]\ntype = 'qlue'\ninterval = 2592000\n",
    )

    settings = load_settings(path, environ={})

    assert (settings.database_pool_size, settings.database_max_overflow) == (100, 100)
    assert (settings.scheduler_tick, settings.run_stale_after, settings.retry_attempts) == (
        3600,
        86400,
        20,
    )
    assert (settings.retry_base_delay, settings.retry_max_delay, settings.max_backoff) == (
        600,
        3600,
        604800,
    )
    assert (settings.login_attempts, settings.login_lockout) == (1000, 604800)
    assert settings.upload_max_bytes == 2**30
    assert settings.source("a").interval == 2592000


def test_the_smallest_sensible_values_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "[hub]\n"
        'database_url = "postgresql+psycopg://hub@db/simpul"\n'
        "database_pool_size = 1\ndatabase_max_overflow = 0\n"
        "scheduler_tick = 0.1\nrun_stale_after = 1\nretry_attempts = 0\n"
        "retry_base_delay = 0\nretry_max_delay = 0\nmax_backoff = 1\n"
        "login_attempts = 1\nlogin_lockout = 0\nupload_max_bytes = 1\n"
        'language = "en"\ntimezone = "Asia/Jayapura"\n'
        'login_rate_limit = "5/second"\n',
    )

    settings = load_settings(path, environ={})

    assert settings.database_url == "postgresql+psycopg://hub@db/simpul"
    assert (settings.database_pool_size, settings.database_max_overflow) == (1, 0)
    assert (settings.scheduler_tick, settings.run_stale_after, settings.retry_attempts) == (
        0.1,
        1,
        0,
    )
    assert (settings.retry_base_delay, settings.retry_max_delay, settings.max_backoff) == (0, 0, 1)
    assert (settings.login_attempts, settings.login_lockout, settings.upload_max_bytes) == (1, 0, 1)
    assert (settings.language, settings.timezone) == ("en", "Asia/Jayapura")
    assert settings.login_rate_limit == "5/second"


def test_environment_text_is_read_as_the_setting_s_type(tmp_path):
    settings = load_settings(
        write(tmp_path, '[hub]\ndisabled_plugins = ["finance"]\nsecure_cookies = true\n'),
        environ={
            "SIMPUL_RETRY_ATTEMPTS": "7",
            "SIMPUL_SCHEDULER_TICK": "0.5",
            "SIMPUL_SECURE_COOKIES": "0",
            "SIMPUL_TRACE_HOOKS": "True",
            "SIMPUL_DISABLED_PLUGINS": " hr, ,jobs ",
            "SIMPUL_DATABASE_URL": "sqlite:///other.db",
            "SIMPUL_LOGIN_RATE_LIMIT": "3 per minute",
        },
    )

    assert (settings.retry_attempts, settings.scheduler_tick) == (7, 0.5)
    assert (settings.secure_cookies, settings.trace_hooks) == (False, True)
    assert settings.disabled_plugins == ("hr", "jobs")
    assert settings.database_url == "sqlite:///other.db"
    assert settings.login_rate_limit == "3 per minute"


def test_sources_and_sections_are_kept_as_declared(tmp_path):
    path = write(
        tmp_path,
        '[sources.b]\ntype = "qlue"\nenabled = false\nurl = "http://b"\n'
        '[agencies.dinas-pu]\nname = "Dinas PU"\n',
    )

    settings = load_settings(path, environ={})

    assert settings.sources == (SourceSettings("b", "qlue", 300, False, {"url": "http://b"}),)
    assert settings.sections == {"agencies": {"dinas-pu": {"name": "Dinas PU"}}}


def test_settings_built_in_code_are_checked_too():
    source = SourceSettings("a", "qlue")
    settings = Settings(database_url="sqlite:///x.db", sources=(source,))

    changed = settings.replace(language="en")

    assert (changed.language, settings.language) == ("en", "id")
    assert changed.source("a") is source and changed.database_url == "sqlite:///x.db"
    with pytest.raises(ConfigError, match=re.escape("[hub] login_attempts must be from 1 to")):
        settings.replace(login_attempts=0)
    with pytest.raises(ConfigError, match="setting colour is not a known setting"):
        Settings(colour="red")
    with pytest.raises(ConfigError, match="setting sources must be"):
        Settings(sources=("a",))
    with pytest.raises(ValueError, match="frozen"):
        settings.language = "en"


def test_every_field_type_is_read_and_secrets_are_not_repeated(monkeypatch):
    monkeypatch.setenv("EXAMPLE_PORT", "not a port")
    kinds = SourceType(
        name="kinds",
        title="Kinds",
        connect=lambda settings: None,
        normalize=lambda payload: None,
        config=(
            ConfigField("json", "bool", required=False, default=False),
            ConfigField("timeout", "float", required=False, default=10.0),
            ConfigField("tags", "list", required=False, default=[]),
            ConfigField("note", required=False),
            ConfigField("port", "int", secret=True, required=False),
        ),
    )

    assert kinds.validate("k", {}) == {
        "json": False,
        "timeout": 10.0,
        "tags": [],
        "note": None,
        "port": None,
    }
    assert kinds.validate("k", {"json": "true", "timeout": 3, "tags": "a, b"}) == {
        "json": True,
        "timeout": 3.0,
        "tags": ["a", "b"],
        "note": None,
        "port": None,
    }
    with pytest.raises(ConfigError, match="'timeout' must be a finite number") as refused:
        kinds.validate("k", {"timeout": "nan", "port_env": "EXAMPLE_PORT"})
    assert "source 'k': " in str(refused.value)
    assert "setting 'port' must be int" in str(refused.value)
    assert "not a port" not in str(refused.value)


def test_the_database_pool_is_sized_by_the_settings(make_app, postgres_schema):
    app = make_app(postgres_schema, database_pool_size=2, database_max_overflow=3)

    pool = current_hub(app).db.engine.pool
    assert (pool.size(), pool._max_overflow) == (2, 3)


@pytest.mark.parametrize("secure", [True, False])
def test_session_cookies_are_secure_when_the_hub_is_served_over_https(
    make_app, sqlite_url, make_user, sign_in, secure
):
    app = make_app(sqlite_url, secure_cookies=secure)
    make_user(app, "operator1", "operator")

    signed_in = sign_in(app.test_client(), "operator1")

    cookie = next(c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert ("; Secure" in cookie) is secure


def test_the_production_example_is_a_valid_configuration():
    example = Path(__file__).resolve().parents[1] / "config" / "production.example.toml"

    settings = load_settings(example, environ={})

    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.secure_cookies and settings.sources
    notify = NotifySettings.model_validate(settings.sections["notify"])
    assert notify.smtp_host and notify.quiet_span() == (21 * 60, 6 * 60)
