"""Configuration: TOML, environment overrides, secrets, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.app import state
from hub.config import load_settings
from hub.sources import ConfigError, ConfigField, SourceType


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
        ("[hubb]\n", {}, "unknown table [hubb]"),
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
    ],
)
def test_bad_source_settings_say_which_source_and_setting(monkeypatch, settings, message):
    monkeypatch.setenv("EXAMPLE_KEY", "s3cret")

    with pytest.raises(ConfigError, match=f"source 'a': .*{message}"):
        SOURCE_TYPE.validate("a", settings)


def test_the_database_pool_is_sized_by_the_settings(make_app, postgres_schema):
    app = make_app(postgres_schema, database_pool_size=2, database_max_overflow=3)

    pool = state(app).db.engine.pool
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
