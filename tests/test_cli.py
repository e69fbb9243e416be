"""The ``simpul`` command line, with a real configuration file and database, and the sample
plugin installed (every other installed plugin disabled)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from sample_city import API_KEY_ENV
from sqlalchemy import create_engine, func, select, text

from hub.cli import cli
from hub.models import Record, User


@pytest.fixture
def sim(serve_streetlights):
    return serve_streetlights(size=40)


@pytest.fixture
def run(tmp_path, sim, monkeypatch, sample_installed):
    """Run ``simpul ARGS`` against a fresh SQLite database and a config reading the simulator."""
    config = tmp_path / "simpul.toml"
    config.write_text(
        "[hub]\n"
        f'database_url = "sqlite:///{tmp_path / "hub.db"}"\n'
        f'instance_path = "{tmp_path}"\n'
        "[sources.lights-test]\n"
        'type = "streetlights"\n'
        f'url = "{sim.url}"\n'
        f'api_key_env = "{API_KEY_ENV}"\n'
    )
    monkeypatch.setenv("SIMPUL_CONFIG", str(config))
    monkeypatch.setenv("SIMPUL_STRICT_PLUGINS", "true")

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, list(args), input=input)

    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("areas", "import").output == "296 areas imported\n"
    return invoke


def query(tmp_path, statement):
    engine = create_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    with engine.connect() as connection:
        value = connection.execute(statement).scalar()
    engine.dispose()
    return value


def test_sync_runs_inline_and_prints_its_counters(run, tmp_path):
    result = run("sync", "lights-test")

    assert result.exit_code == 0, result.output
    assert "status=succeeded" in result.output
    assert "created=40" in result.output
    assert query(tmp_path, select(func.count()).select_from(Record)) == 40
    again = run("sync", "lights-test")
    assert "created=0" in again.output and "requests=1" in again.output


def test_sync_of_an_unknown_source_says_which_exist(run):
    result = run("sync", "lights-nowhere")

    assert result.exit_code == 1
    assert "no source named 'lights-nowhere'" in result.output
    assert "lights-test" in result.output


def test_a_failed_sync_exits_non_zero_with_its_error(run, sim):
    sim.control("/_sim/faults", {"malformed_next": 99})

    result = run("sync", "lights-test")

    assert result.exit_code == 1
    assert "status=failed" in result.output
    assert "malformed JSON" in result.output


def test_users_create_with_a_role_and_an_area(run, tmp_path):
    result = run(
        "users",
        "create",
        "lurah.setu",
        "--role",
        "ward_staff",
        "--area",
        "31.75.10.1005",
        input="rahasia-setu\nrahasia-setu\n",
    )

    assert result.exit_code == 0, result.output
    assert query(tmp_path, select(User.area_code).filter_by(username="lurah.setu")) == (
        "31.75.10.1005"
    )
    assert "rahasia-setu" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "mayor"), "'mayor' is not one of"),
        (("--role", "ward_staff", "--area", "99.99"), "99.99"),
    ],
)
def test_users_create_refuses_bad_input(run, tmp_path, args, message):
    result = run("users", "create", "someone", *args, input="long-enough\nlong-enough\n")

    assert result.exit_code != 0
    assert message in result.output
    assert query(tmp_path, text("select count(*) from users")) == 0


def test_areas_import_of_a_folder_without_the_files_says_what_is_missing(run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()

    result = run("areas", "import", str(empty))

    assert result.exit_code == 1
    assert "provinces.csv is missing" in result.output


def test_a_configuration_with_a_missing_key_is_a_clear_error(tmp_path, monkeypatch):
    config = tmp_path / "bad.toml"
    config.write_text('[sources.lights-a]\nurl = "http://x"\n')
    monkeypatch.setenv("SIMPUL_CONFIG", str(config))

    result = CliRunner().invoke(cli, ["plugins"])

    assert result.exit_code == 1
    assert "configuration:" in result.output
    assert "source 'lights-a' has no type" in result.output


def test_the_wsgi_module_serves_the_configured_hub_or_says_what_is_wrong(
    tmp_path, sample_installed
):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.lights-a]\nurl = "http://x"\n')
    good = {**sample_installed, "SIMPUL_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db"}
    script = (
        "from hub.wsgi import app; from hub.state import current_hub; "
        "print(app.name, app.config['MAX_CONTENT_LENGTH'] > 0, "
        "sorted(current_hub(app).source_types))"
    )

    served = subprocess.run(
        [sys.executable, "-c", script], env=good, capture_output=True, text=True
    )
    refused = subprocess.run(
        [sys.executable, "-c", script],
        env={**good, "SIMPUL_CONFIG": str(bad)},
        capture_output=True,
        text=True,
    )

    assert (served.returncode, served.stdout) == (0, "hub True ['streetlights']\n")
    assert "no SIMPUL_SECRET_KEY set" in served.stderr
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"simpul: configuration: {bad}: source 'lights-a' has no type")


def python(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
