"""Configuration: TOML, environment overrides, secrets, and clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hub.app import create_app
from hub.config import Settings, load_settings
from hub.notify.settings import NotifySettings
from hub.sources import ConfigError, ConfigField, SourceSettings, SourceType
from hub.state import current_hub


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
        ("", {"SIMPUL_LANGUAGE": "fr"}, "language must be one of id, en"),
        ("[hub]\ntimezone = 'Manado'\n", {}, "timezone 'Manado' is unknown"),
        ("[sources.a]\nurl = 'x'\n", {}, "source 'a' has no type"),
        ("[sources.a]\ntype = 'qlue'\ninterval = 0\n", {}, "interval must be at least 1"),
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
        ConfigField("page_size", "int", required=False, default=100),
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
    ],
)
def test_bad_source_settings_say_which_source_and_setting(monkeypatch, settings, message):
    monkeypatch.setenv("EXAMPLE_KEY", "s3cret")

    with pytest.raises(ConfigError, match=f"source 'a': .*{message}"):
        SOURCE_TYPE.validate("a", settings)


REFUSED = [
    ("scheduler_tick", 0, "must be greater than 0"),
    ("scheduler_tick", -5, "must be greater than 0"),
    ("run_stale_after", 0, "must be at least 1"),
    ("retry_attempts", -1, "must be at least 0"),
    ("retry_base_delay", -0.5, "must be at least 0"),
    ("retry_max_delay", -1, "must be at least 0"),
    ("retry_max_delay", 0.5, "must be at least retry_base_delay, which is 1.0"),
    ("max_backoff", 0, "must be at least 1"),
    ("login_attempts", 0, "must be at least 1"),
    ("login_lockout", -1, "must be at least 0"),
    ("upload_max_bytes", 0, "must be at least 1"),
    ("database_pool_size", 0, "must be at least 1"),
    ("database_max_overflow", -1, "must be at least 0"),
    ("language", "fr", "must be one of id, en"),
    ("timezone", "WIB", "'WIB' is unknown: use a name such as Asia/Jakarta (WIB)"),
    ("timezone", "Asia", "'Asia' is unknown"),
    ("database_url", "notadb://x", "names the database 'notadb': the hub runs on sqlite or"),
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
        load_settings(write(tmp_path, ""), environ={variable: str(value)})


def test_a_refusal_shows_the_value_given():
    with pytest.raises(
        ConfigError, match=re.escape("scheduler_tick must be greater than 0 (got -5)")
    ):
        Settings(scheduler_tick=-5)


def test_the_retry_delays_are_checked_against_each_other(tmp_path):
    path = write(tmp_path, "[hub]\nretry_base_delay = 10\nretry_max_delay = 5\n")

    with pytest.raises(ConfigError, match="retry_max_delay must be at least retry_base_delay"):
        load_settings(path, environ={})
    with pytest.raises(ConfigError, match="retry_max_delay must be at least retry_base_delay"):
        load_settings(write(tmp_path, ""), environ={"SIMPUL_RETRY_BASE_DELAY": "100"})
    assert load_settings(path, environ={"SIMPUL_RETRY_MAX_DELAY": "10"}).retry_max_delay == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[hub]\nretry_attempts = true\n", "[hub] retry_attempts must be int (got True)"),
        ("[hub]\nretry_attempts = 1.5\n", "[hub] retry_attempts must be int"),
        ("[hub]\nscheduler_tick = inf\n", "[hub] scheduler_tick must be a finite number"),
        ("[hub]\nsecure_cookies = 'maybe'\n", "[hub] secure_cookies must be bool"),
        ("[hub]\ndisabled_plugins = 5\n", "[hub] disabled_plugins must be a list of text"),
        ("hub = 5\n", "hub must be a table ([hub])"),
        ("sources = 5\n", "sources must be a table ([sources])"),
        ("[sources.a]\ntype = 'qlue'\ninterval = 'often'\n", "source 'a': interval must be int"),
        ("[sources.a]\ntype = 'qlue'\ninterval = -1\n", "source 'a': interval must be at least 1"),
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

    assert f"{path}: [hub] login_attempts must be at least 1 (got 0)" in str(refused.value)
    assert "environment variable SIMPUL_LANGUAGE: [hub] language must be" in str(refused.value)


def test_a_refused_database_url_never_repeats_its_password(tmp_path):
    path = write(tmp_path, '[hub]\ndatabase_url = "postgres://hub:hunter2@db/simpul"\n')

    with pytest.raises(ConfigError, match="names the database 'postgres'") as refused:
        load_settings(path, environ={})
    with pytest.raises(ConfigError, match="is not a database URL") as unparsed:
        load_settings(path, environ={"SIMPUL_DATABASE_URL": "postgresql://hub:hunter2@db:x/s"})

    assert "hunter2" not in str(refused.value) + str(unparsed.value)


def test_an_empty_file_gives_the_defaults(tmp_path):
    settings = load_settings(write(tmp_path, ""), environ={})

    assert settings == Settings()
    assert (settings.database_url, settings.language, settings.timezone) == (
        "sqlite:///instance/simpul.db",
        "id",
        "Asia/Jakarta",
    )
    assert settings.login_rate_limit == "10 per minute"
    assert (settings.sources, settings.sections, settings.secret_key) == ((), {}, "")


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
    with pytest.raises(ConfigError, match=re.escape("[hub] login_attempts must be at least 1")):
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
