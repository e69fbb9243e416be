"""Schema migrations with Alembic, run from the ``simpul db`` commands and the demo.

The hub's own revisions are in ``models/migrations/versions``; each plugin with tables of its own
keeps a branch in a folder of its own (``register_migrations``), and an upgrade brings every
branch to its head.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).parent / "models" / "migrations"
LINEAR_HEAD = "0008"
"""Until the hub's features kept their migrations apart, revisions 0001 to 0008 formed one
chain: a database whose only version is 0008 has every revision numbered up to it."""


def alembic_config(engine: Engine, folders: Iterable[Path] = ()) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    locations = [MIGRATIONS / "versions", *folders]
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in locations))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, folders: Iterable[Path] = (), revision: str = "heads") -> None:
    """Bring the hub's schema and that of the plugins whose migration ``folders`` are given up
    to ``revision`` (every branch's head by default)."""
    config = alembic_config(engine, folders)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        _unfold_linear_history(connection, config)
        command.upgrade(config, revision)


def revision(engine: Engine, message: str, folders: Iterable[Path] = ()) -> None:
    """Write a new migration from the difference between the models and the database."""
    config = alembic_config(engine, folders)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def _unfold_linear_history(connection: Connection, config: Config) -> None:
    """Record a database of the old single chain as being at the head of each branch that
    the chain's revisions now belong to."""
    if not inspect(connection).has_table("alembic_version"):
        return
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if versions != [LINEAR_HEAD]:
        return
    script = ScriptDirectory.from_config(config)
    old = [rev for rev in script.walk_revisions() if rev.revision <= LINEAR_HEAD]
    parents = {parent for rev in old for parent in rev._versioned_down_revisions}
    heads = sorted(rev.revision for rev in old if rev.revision not in parents)
    connection.execute(text("DELETE FROM alembic_version"))
    for head in heads:
        connection.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head}
        )
