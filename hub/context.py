"""The ``hub`` context every hook receives."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hub.areas import BUNDLED_AREAS, AreaDirectory
from hub.kinds import RecordKind
from hub.menu import MenuItem
from hub.plugins import PluginRegistry
from hub.simulators import Simulator
from hub.sources import ConfigError, SourceType
from hub.sync.store import RecordChange
from hub.widgets import WallScreen

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hub.config import Settings


class Hub:
    """What plugins see of the hub: its settings, the area directory, and what plugins declared.

    Source types, record kinds and simulators are collected from the plugins once, on first use.
    """

    def __init__(self, settings: Settings, plugins: PluginRegistry) -> None:
        self.settings = settings
        self.plugins = plugins
        self.areas = AreaDirectory(
            Path(settings.areas_dir) if settings.areas_dir else BUNDLED_AREAS
        )

    @cached_property
    def source_types(self) -> dict[str, SourceType]:
        return self._unique("register_source_types", SourceType)

    @cached_property
    def record_kinds(self) -> dict[str, RecordKind]:
        return self._unique("register_record_kinds", RecordKind)

    @cached_property
    def simulators(self) -> dict[str, Simulator]:
        return self._unique("register_simulators", Simulator)

    @cached_property
    def screens(self) -> dict[str, WallScreen]:
        """The default wall's screens, in plugin order."""
        return self._unique("register_screens", WallScreen)

    @cached_property
    def menu_items(self) -> list[MenuItem]:
        collected = self.plugins.collect("register_menu_items", MenuItem, hub=self)
        return sorted((item for _, item in collected), key=lambda item: item.order)

    def records_changed(self, session: Session, changes: list[RecordChange]) -> None:
        """Tell plugins what a page of a sync (or an import) changed, inside its transaction;
        each plugin's writes are in a savepoint of their own."""
        if changes:
            self.plugins.notify(
                "records_changed", session.begin_nested, hub=self, session=session, changes=changes
            )

    def source_type(self, name: str) -> SourceType:
        try:
            return self.source_types[name]
        except KeyError:
            known = ", ".join(sorted(self.source_types)) or "none"
            raise ConfigError(f"unknown source type {name!r} (installed types: {known})") from None

    def _unique(self, hook_name: str, expected: type) -> dict:
        found: dict = {}
        for plugin_name, item in self.plugins.collect(hook_name, expected, hub=self):
            if item.name in found:
                error = ValueError(f"{item.name!r} is already registered by another plugin")
                self.plugins.record_error(plugin_name, f"{hook_name}: {error}", error)
                continue
            found[item.name] = item
        return found
