"""``simpul new-plugin``: a package that installs, passes its own tests and is listed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli import cli


@pytest.mark.parametrize("name", ["Floods", "1st", "class", "f", "flood-gauges", "x" * 25])
def test_a_name_that_cannot_name_a_package_is_refused(tmp_path, name):
    result = CliRunner().invoke(cli, ["new-plugin", name, str(tmp_path / "plugin")])

    assert result.exit_code == 1
    assert "cannot name a plugin" in result.output
    assert not (tmp_path / "plugin").exists()


@pytest.mark.parametrize("title", ['Pos "Pantau"', "Pos\nPantau", "  ", "P" * 31])
def test_a_title_that_would_break_the_code_is_refused(tmp_path, title):
    result = CliRunner().invoke(
        cli, ["new-plugin", "floods", str(tmp_path / "p"), "--title", title]
    )

    assert result.exit_code == 1
    assert "cannot be the title" in result.output
    assert not (tmp_path / "p").exists()


def test_a_folder_in_use_is_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")

    result = CliRunner().invoke(cli, ["new-plugin", "floods", str(tmp_path)])

    assert result.exit_code == 1
    assert "already exists and is not an empty folder" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.slow
def test_a_new_plugin_installs_passes_its_tests_and_is_listed(tmp_path):
    package = tmp_path / "simpul-river_gauges"
    made = CliRunner().invoke(
        cli, ["new-plugin", "river_gauges", str(package), "--title", "Pos Pantau Sungai"]
    )
    assert made.exit_code == 0, made.output
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--target", str(site), str(package)], check=True, cwd=tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "SIMPUL_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }

    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], package, env)
    listing = run([sys.executable, "-m", "hub", "plugins", "--json"], tmp_path, env)

    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and " failed" not in tests.stdout
    plugins = {plugin["name"]: plugin for plugin in json.loads(listing.stdout)}
    assert plugins["river_gauges"]["state"] == "loaded"
    assert "register_source_types" in plugins["river_gauges"]["hooks"]
    catalog = package / "simpul_river_gauges/translations/id/LC_MESSAGES/messages.mo"
    assert catalog.is_file()


def run(command: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(("name", "title"), [("ab", "X"), ("x" * 24, "T" * 30)])
def test_the_new_code_is_lint_clean_and_formatted_at_any_name_length(tmp_path, name, title):
    package = tmp_path / "plugin"
    CliRunner().invoke(cli, ["new-plugin", name, str(package), "--title", title])
    ruff = [sys.executable, "-m", "ruff"]

    checked = run([*ruff, "check", "--no-cache", "."], package, dict(os.environ))
    formatted = run([*ruff, "format", "--check", "--no-cache", "."], package, dict(os.environ))

    assert checked.returncode == 0, checked.stdout
    assert formatted.returncode == 0, formatted.stdout
