"""``simpul new-plugin``: a new plugin package, ready to install and test, from a template.

The template (``hub/plugin_template``) is a small working plugin: a source type with its
connector and normalizer, a record kind, a wall tile, a simulator and tests, the connector
contract among them. Files ending in ``.tpl`` have ``${name}``, ``${title}``, ``${package}``,
``${class_name}``, ``${env_name}`` and ``${screen_name}`` filled in; ``NAME`` in a path is the
plugin's name.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TEMPLATE = Path(__file__).parent / "plugin_template"
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{1,23}$")
MAX_TITLE = 30


def check_name(name: str) -> None:
    """ValueError unless ``name`` can name a plugin, its package and its source type."""
    if not PLUGIN_NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(
            f"{name!r} cannot name a plugin: use 2 to 24 lower-case letters, digits and "
            "underscores, starting with a letter (for example: floods)"
        )


def check_title(title: str) -> None:
    """ValueError unless ``title`` can stand inside the generated code's strings."""
    if not title.strip() or len(title) > MAX_TITLE or any(c in title for c in '"\\\n'):
        raise ValueError(
            f"{title!r} cannot be the title: give up to {MAX_TITLE} characters of words, without "
            "quotes or newlines"
        )


def new_plugin(name: str, target: Path, title: str | None = None) -> list[Path]:
    """Write the plugin ``name`` into the folder ``target`` (new or empty); return its files."""
    check_name(name)
    title = title or name.replace("_", " ").title()
    check_title(title)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValueError(f"{target} already exists and is not an empty folder")
    words = {
        "name": name,
        "title": title,
        "package": f"simpul_{name}",
        "class_name": "".join(part.title() for part in name.split("_")),
        "env_name": f"SIMPUL_{name.upper()}_API_KEY",
        "screen_name": name.replace("_", "-"),
    }
    written = []
    for source in sorted(TEMPLATE.rglob("*.tpl")):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        destination = target / str(relative).replace("NAME", name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(Template(source.read_text()).substitute(words))
        written.append(destination)
        if destination.suffix == ".po":
            written.append(_compiled(destination))
    return written


def _compiled(catalog: Path) -> Path:
    """Compile a ``.po`` catalog to the ``.mo`` file beside it."""
    with catalog.open("rb") as source:
        messages = read_po(source)
    compiled = catalog.with_suffix(".mo")
    with compiled.open("wb") as target:
        write_mo(target, messages)
    return compiled
