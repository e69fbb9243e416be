"""Every hook is documented in docs/plugins.md, with its signature and a real use."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from hub import api, hookspecs
from hub.cli import cli

DOCS = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text()
HOOKS = [
    name
    for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(f, "simpul_spec")
]


def section(name: str) -> str:
    match = re.search(rf"^### {name}\n(.*?)(?=^### |^## |\Z)", DOCS, re.S | re.M)
    return match.group(1) if match else ""


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_has_a_documented_section(name):
    text = section(name)

    assert text, f"docs/plugins.md has no '### {name}' section"
    parameters = list(inspect.signature(getattr(hookspecs, name)).parameters)
    signature = re.search(rf"`{name}\(([^)]*)\)", text)
    assert signature, f"the {name} section does not give its signature"
    assert [p.split(":")[0].strip() for p in signature.group(1).split(",")] == parameters
    assert "```python" in text, f"the {name} section has no example"
    assert "Real use:" in text, f"the {name} section links to no real use"


def test_the_real_uses_named_exist():
    root = Path(__file__).resolve().parents[1]
    for path in re.findall(r"`((?:hub|features|plugins)/[\w/]+\.py)`", DOCS):
        assert (root / path).exists(), path


TUTORIAL = (Path(__file__).resolve().parents[1] / "docs" / "tutorial.md").read_text()


def test_the_tutorials_code_is_python_and_names_what_exists():
    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL, re.S)
    for block in blocks:
        compile(block, "tutorial.md", "exec")
    imported = re.findall(r"from hub\.api import ([\w, ]+)", TUTORIAL)
    assert imported
    for names in imported:
        for name in names.split(","):
            assert name.strip() in api.__all__, name
    commands = set(re.findall(r"simpul ([a-z][\w-]+)", TUTORIAL)) - {"plugins/call112"}
    assert {"new-plugin", "plugins", "sync", "db"} <= commands <= set(cli.commands) | {"demo"}
