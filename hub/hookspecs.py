"""Every hook a Simpul plugin can implement.

This module is the whole contract between the hub and its plugins. Each hook takes the ``hub``
context (a :class:`hub.state.Hub`) and returns declarative objects; a plugin may accept any subset
of a hook's arguments. The hub calls each plugin's implementation on its own, inside an error
boundary: a plugin that raises is reported on ``/-/plugins.json`` and the rest keep working.

Implement a hook with the ``hookimpl`` marker from :mod:`hub.api`::

    from hub.api import hookimpl, SourceType

    @hookimpl
    def register_source_types(hub):
        return [SourceType(name="qlue", ...)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import click
    from flask import Blueprint
    from sqlalchemy.orm import Session

    from hub.agencies import Agency
    from hub.kinds import RecordKind
    from hub.menu import MenuItem
    from hub.notify.channels import Channel
    from hub.periodic import PeriodicTask
    from hub.sections import SettingsSection
    from hub.simulators import Simulator
    from hub.sources import SourceType
    from hub.state import Hub
    from hub.sync.store import RecordChange
    from hub.widgets import WallScreen, Widget

PROJECT = "simpul"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_source_types(hub: Hub) -> list[SourceType]:
    """Source types this plugin can connect to.

    A source type names an external app (``"qlue"``), the configuration fields one instance of it
    needs, how to connect to it and how to turn one of its payloads into a record. A city configures
    any number of sources of each type.
    """


@hookspec
def register_record_kinds(hub: Hub) -> list[RecordKind]:
    """Kinds of normalized records this plugin stores (``"complaint"``, ``"vacancy"``, ...).

    A kind declares its statuses, each with a label and a traffic-light colour, so the portal can
    show and filter records it knows nothing else about.
    """


@hookspec
def register_blueprints(hub: Hub) -> list[Blueprint]:
    """Flask blueprints with the plugin's own portal pages.

    Each blueprint is registered on the portal as it is; use ``url_prefix`` to keep the plugin's
    pages under its own path.
    """


@hookspec
def register_menu_items(hub: Hub) -> list[MenuItem]:
    """Links to the plugin's pages in the portal's main menu, each limited to some roles."""


@hookspec
def register_commands(hub: Hub) -> list[click.Command]:
    """Click commands added to the ``simpul`` command line."""


@hookspec
def records_changed(hub: Hub, session: Session, changes: list[RecordChange]) -> None:
    """Records were created, changed or deleted by a sync or an import.

    Called once per stored page, inside the page's transaction: what the plugin writes through
    ``session`` commits with the page. Each call runs in a savepoint of its own, so a plugin that
    raises loses only its own writes (and has its error shown); the page is stored anyway.
    """


@hookspec
def register_simulators(hub: Hub) -> list[Simulator]:
    """Simulated city apps, for the demo and for tests.

    A simulator serves a realistic imitation of the app a source type connects to, and says how a
    source of that type is configured to read from it.
    """


@hookspec
def register_widgets(hub: Hub) -> list[Widget]:
    """Widgets for the live room's wall screens: KPI tiles, rankings, trends, maps, feeds.

    A widget declares its kind and computes plain data for one area from a read-only session;
    the hub calls it inside an error boundary (a widget that raises or returns data of the wrong
    shape becomes a placeholder with the error, and the rest of the screen is drawn), caches it,
    and has every screen showing it read it again as soon as records of the kinds it shows change.
    """


@hookspec
def register_screens(hub: Hub) -> list[WallScreen]:
    """Screens for the live room's default wall: which widgets, in which order, on one screen.

    They are made, in plugin order, the first time the live room is opened (or by ``simpul live
    defaults``) and rotate on the ``wall`` playlist; administrators change them afterwards.
    """


@hookspec
def register_periodic_tasks(hub: Hub) -> list[PeriodicTask]:
    """Work to do on every scheduler tick, such as sending what an outbox holds.

    The hub runs each task inside its own error boundary on every tick of every scheduler;
    a task claims its work so that each piece of it is done once however many schedulers tick.
    """


@hookspec
def register_settings(hub: Hub) -> list[SettingsSection]:
    """The plugin's own tables of the configuration file (``[complaints]``), each with the
    function that reads it.

    The plugin reads its settings with ``hub.section(name)``. A table no loaded plugin declares
    is a configuration error; one whose plugin is disabled is kept for when it is enabled.
    """


@hookspec
def register_migrations(hub: Hub) -> list[Path]:
    """Folders of Alembic migrations for the plugin's own tables.

    Each folder holds a branch of the hub's migrations: its first revision has
    ``down_revision = None``, a ``branch_labels`` of the plugin's name and ``depends_on`` the
    hub revision it needs. ``simpul db upgrade`` brings every loaded plugin's branch to its head.
    """


@hookspec
def register_agencies(hub: Hub) -> list[Agency]:
    """The agencies (dinas, suku dinas) the plugin works with, such as those it routes work to.

    The user administration offers them for an officer's agency and accepts no other code; while
    no plugin offers any, it accepts any well-formed code.
    """


@hookspec
def register_channels(hub: Hub) -> list[Channel]:
    """Channels by which people may be told of what waits for them, besides the hub's e-mail,
    chat apps and push. Each person enters their address on the channel and turns it on; the
    notification outbox calls ``channel.send`` on the workers, retrying while it raises
    ``ChannelDown`` and giving up with the reason when it raises ``ChannelRefused``.
    """
