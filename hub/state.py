"""The hub context: the one object every hook, view, job and command works with.

It holds the settings, the plugins, the area directory, the database, Redis and the job queue,
and what the plugins declared (source types, record kinds, simulators, screens, menu items,
periodic tasks, agencies, channels). One app has one; :func:`current_hub` finds it.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis
from flask import Flask, current_app
from rq import Queue

from hub.agencies import Agency
from hub.areas import BUNDLED_AREAS, AreaDirectory
from hub.changes import note_records, publish_on_commit
from hub.db import Database
from hub.kinds import RecordKind
from hub.live.events import LiveChannel, live_channel
from hub.menu import HUB_MENU, MenuItem
from hub.notify.channels import Channel
from hub.notify.chat import CHAT
from hub.notify.email import EMAIL
from hub.notify.outbox import send_due, send_on_commit
from hub.notify.push import PUSH
from hub.notify.settings import SECTION as NOTIFY
from hub.notify.settings import NotifySettings
from hub.periodic import PeriodicTask
from hub.plugins import PluginRegistry
from hub.sections import SettingsSection
from hub.simulators import Simulator
from hub.sources import ConfigError, SourceType
from hub.sync.engine import SyncEngine
from hub.sync.store import RecordChange
from hub.widgets import WallScreen

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hub.config import Settings

EXTENSION = "simpul"


class Hub:
    """What the hub is made of, for one app. Plugins' declarations are collected once, on first
    use; the database, Redis and the queue are opened on first use too."""

    def __init__(self, settings: Settings, plugins: PluginRegistry) -> None:
        self.settings = settings
        self.plugins = plugins
        self.areas = AreaDirectory(
            Path(settings.areas_dir) if settings.areas_dir else BUNDLED_AREAS
        )
        self._parsed_sections: dict[str, Any] = {}
        self.app: Flask | None = None
        """The app this is the hub of, once bound."""
        self.owners: dict[tuple[str, str], str] = {}
        """The plugin that declared each named object, by (hook, name)."""

    @cached_property
    def db(self) -> Database:
        """The database; what its sessions note as changed is published once they commit, and
        the notifications they queue are handed to the workers."""
        settings = self.settings
        database = Database(
            settings.database_url, settings.database_pool_size, settings.database_max_overflow
        )
        publish_on_commit(database.sessions, self.channel)
        send_on_commit(database.sessions, self)
        return database

    @cached_property
    def channel(self) -> LiveChannel:
        """The channel on which the live room's screens hear of changes."""
        return live_channel(self.settings.redis_url, self.settings.queue_name)

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url)

    @cached_property
    def queue(self) -> Queue:
        return Queue(self.settings.queue_name, connection=self.redis)

    def open(self) -> None:
        """Open the database and the Redis clients now, before requests arrive in threads."""
        _ = self.db, self.redis, self.queue, self.channel

    def engine(self) -> SyncEngine:
        return SyncEngine(self, self.db)

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
    def periodic_tasks(self) -> dict[str, PeriodicTask]:
        """The hub's own (sending notifications), then the plugins'."""
        own = PeriodicTask("notifications", send_due)
        return {own.name: own, **self._unique("register_periodic_tasks", PeriodicTask)}

    @cached_property
    def channels(self) -> dict[str, Channel]:
        """The channels people may choose: e-mail (once an SMTP server is configured), chat
        apps, push to the installed portal (once a VAPID key is configured), then the plugins'."""
        rules = self.section(NOTIFY)
        own = [CHAT] if not rules.smtp_host else [EMAIL, CHAT]
        if rules.vapid_private_key_file:
            own.append(PUSH)
        return {channel.name: channel for channel in own} | self._unique(
            "register_channels", Channel
        )

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        """The agencies the plugins offer, by code, in plugin order."""
        return self._unique("register_agencies", Agency, key="code")

    @cached_property
    def sections(self) -> dict[str, SettingsSection]:
        """The hub's own tables (``[notify]``), then the plugins'."""
        own = SettingsSection(NOTIFY, NotifySettings.model_validate)
        return {own.name: own, **self._unique("register_settings", SettingsSection)}

    def section(self, name: str) -> Any:
        """A plugin's own table of the configuration (``[name]``), as its section parsed it."""
        if name not in self._parsed_sections:
            table = self.settings.sections.get(name, {})
            self._parsed_sections[name] = self.sections[name].read(table)
        return self._parsed_sections[name]

    def check_sections(self) -> None:
        """Refuse a configuration table that no loaded plugin reads (a disabled plugin's table
        is kept for when it is enabled again), and parse every declared one."""
        disabled = {name for name, info in self.plugins.plugins.items() if info.state != "loaded"}
        disabled.update(self.settings.disabled_plugins)
        for name in self.settings.sections:
            if name not in self.sections and name not in disabled:
                known = ", ".join(sorted(self.sections)) or "none"
                raise ConfigError(f"unknown table [{name}] (tables plugins read: {known})")
        for name in self.sections:
            self.section(name)

    @cached_property
    def migration_folders(self) -> list[Path]:
        """The folders of the plugins' own migrations."""
        return [folder for _, folder in self.plugins.collect("register_migrations", Path, hub=self)]

    @cached_property
    def menu_items(self) -> list[MenuItem]:
        collected = self.plugins.collect("register_menu_items", MenuItem, hub=self)
        items = [*HUB_MENU, *(item for _, item in collected)]
        return sorted(items, key=lambda item: item.order)

    def records_changed(self, session: Session, changes: list[RecordChange]) -> None:
        """Note what a page of a sync (or an import) changed, for the screens, and tell the
        plugins, inside its transaction; each plugin's writes are in a savepoint of their own."""
        if changes:
            note_records(session, changes)
            self.plugins.notify(
                "records_changed", session.begin_nested, hub=self, session=session, changes=changes
            )

    def source_type(self, name: str) -> SourceType:
        try:
            return self.source_types[name]
        except KeyError:
            known = ", ".join(sorted(self.source_types)) or "none"
            raise ConfigError(f"unknown source type {name!r} (installed types: {known})") from None

    def _unique(self, hook_name: str, expected: type, key: str = "name") -> dict:
        """What the plugins declared, by ``key``; a second declaration of one is an error of
        the plugin that made it."""
        found: dict = {}
        for plugin_name, item in self.plugins.collect(hook_name, expected, hub=self):
            name = getattr(item, key)
            if name in found:
                error = ValueError(f"{name!r} is already registered by another plugin")
                self.plugins.record_error(plugin_name, f"{hook_name}: {error}", error)
                continue
            found[name] = item
            self.owners[(hook_name, name)] = plugin_name
        return found

    def bind(self, app: Flask) -> None:
        """Make this the hub of ``app``."""
        app.extensions[EXTENSION] = self
        self.app = app


def current_hub(app: Flask | None = None) -> Hub:
    """The hub of ``app`` (the current app by default)."""
    return (app or current_app).extensions[EXTENSION]
