"""The live room of one app: its widgets, the caches of what screens read, and its channel.

Each widget runs in a read-only session of its own, inside an error boundary: one that raises,
runs too long or returns data of the wrong shape gives an error result, and nothing else is
touched. Results are cached per widget, area and language (see :mod:`hub.live.cache`), and the
configuration the screens look up on every request (tokens, playlists, screens) until an
administrator changes it. The room's relay and pusher bring the screens their data after each
change (see :mod:`hub.live.push`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

import redis
from flask import Flask, copy_current_request_context, current_app
from flask_babel import get_locale
from sqlalchemy import text

from hub.db import Database
from hub.live.cache import Cached, RecentCache
from hub.live.events import CONFIG_KIND, LiveChannel
from hub.live.freshness import SourceState, source_states
from hub.live.push import Pusher
from hub.live.relay import Relay
from hub.live.screens import ScreenView, screen_view
from hub.live.source_widget import SOURCE_HEALTH, source_health_widget
from hub.models import Playlist
from hub.models.base import utcnow
from hub.state import Hub, current_hub
from hub.widgets import Widget, WidgetDataError, checked_data

log = logging.getLogger(__name__)
T = TypeVar("T")

STATEMENT_TIMEOUT_MS = 10_000
SOURCES_MAX_AGE = 5.0
LOOKUP_MAX_AGE = 60.0
BLIND_LOOKUP_MAX_AGE = 1.0
"""How long configuration is trusted when Redis cannot say whether it changed."""
EXTENSION = "simpul_live"
_creating = threading.Lock()


@dataclass(frozen=True)
class WidgetResult:
    """A widget's data at ``computed_at``, or why there is none (``error``, for the
    administrators' eyes)."""

    computed_at: datetime
    data: dict[str, Any] | None = None
    error: str | None = None


class LiveRoom:
    """What one app keeps for its wall screens (one per app, made on first use)."""

    def __init__(self, app: Flask, hub: Hub, db: Database) -> None:
        self.hub = hub
        self.db = db
        self.cache = RecentCache()
        self.lookups = RecentCache(min_age=0, in_background=False)
        self.channel: LiveChannel = hub.channel
        self.pusher = Pusher(app, self)
        self.relay = Relay(self.channel, on_change=self.pusher.changed)

    @cached_property
    def widgets(self) -> dict[str, Widget]:
        """The hub's source health widget and every widget the plugins registered, by name; of
        two with one name, the first."""
        found: dict[str, Widget] = {SOURCE_HEALTH: source_health_widget(self.hub)}
        plugins = self.hub.plugins
        for plugin_name, widget in plugins.collect("register_widgets", Widget, hub=self.hub):
            if widget.name in found:
                error = ValueError(f"widget {widget.name!r} is already registered")
                plugins.record_error(plugin_name, f"register_widgets: {error}", error)
                continue
            found[widget.name] = widget
        return found

    def versions(self) -> dict[str, int] | None:
        """The record kinds' versions (and :data:`CONFIG_KIND`'s); None when Redis is out of
        reach."""
        try:
            return self.channel.versions()
        except redis.RedisError as error:
            log.warning("live room: versions unknown: %s", error)
            return None

    def lookup(self, key: Hashable, versions: dict[str, int] | None, read: Callable[[], T]) -> T:
        """A piece of configuration, read again as soon as an administrator changed it (within
        a second while Redis is out of reach)."""
        if versions is None:
            return self.lookups.get(key, None, BLIND_LOOKUP_MAX_AGE, read).value
        return self.lookups.get(key, versions.get(CONFIG_KIND, 0), LOOKUP_MAX_AGE, read).value

    def screen(self, name: str, versions: dict[str, int] | None) -> ScreenView | None:
        """The screen named ``name``, if there is one."""

        def read() -> ScreenView | None:
            with self.db.read_session() as session:
                return screen_view(session, name)

        return self.lookup(("screen", name), versions, read)

    def shown(self, playlist_id: int, versions: dict[str, int] | None) -> frozenset[str]:
        """The names of the screens a playlist shows."""

        def read() -> frozenset[str]:
            with self.db.read_session() as session:
                playlist = session.get(Playlist, playlist_id)
                return frozenset(playlist.screens or ()) if playlist is not None else frozenset()

        return self.lookup(("playlist", playlist_id), versions, read)

    def source_states(self) -> list[SourceState]:
        def read() -> list[SourceState]:
            with self.db.read_session() as session:
                return source_states(session)

        return self.cache.get(("sources",), None, SOURCES_MAX_AGE, read).value

    def result(
        self,
        widget: Widget,
        area_code: str | None,
        versions: dict[str, int] | None,
    ) -> Cached[WidgetResult]:
        """The widget's data for an area, from the cache while its record kinds are unchanged
        (and, while it is being computed again, the data it had)."""
        max_age = float(widget.refresh_seconds)
        run = copy_current_request_context(lambda: self.run(widget, area_code, utcnow()))
        return self.cache.get(*_cached_as(widget, area_code, versions), max_age, run)

    def fresh_result(
        self, widget: Widget, area_code: str | None, versions: dict[str, int] | None
    ) -> Cached[WidgetResult]:
        """The widget's data for an area computed now (and cached for the requests to come)."""

        def run() -> WidgetResult:
            return self.run(widget, area_code, utcnow())

        return Cached(self.cache.refresh(*_cached_as(widget, area_code, versions), run))

    def run(self, widget: Widget, area_code: str | None, now: datetime) -> WidgetResult:
        """Run one widget in its own error boundary and read-only session."""
        try:
            with self.db.read_session() as session:
                if not self.db.is_sqlite:
                    session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
                raw = widget.data(session, area_code, now)
            return WidgetResult(now, data=checked_data(widget.kind, raw))
        except WidgetDataError as error:
            log.warning("widget %s returned bad data: %s", widget.name, error)
            return WidgetResult(now, error=f"bad data: {error}")
        except Exception as error:
            log.exception("widget %s failed", widget.name)
            return WidgetResult(now, error=f"{type(error).__name__}: {error}")


def _cached_as(
    widget: Widget, area_code: str | None, versions: dict[str, int] | None
) -> tuple[Hashable, tuple[int | None, ...] | None]:
    """A widget's cache key for an area in this request's language, and the versions of the
    record kinds it follows."""
    key = (widget.name, area_code, str(get_locale()))
    followed = None if versions is None else tuple(versions.get(k) for k in widget.record_kinds)
    return key, followed


def live_room(app: Flask | None = None) -> LiveRoom:
    """The live room of ``app`` (the current app by default), made on first use."""
    app = app or current_app._get_current_object()
    room = app.extensions.get(EXTENSION)
    if room is None:
        with _creating:
            room = app.extensions.get(EXTENSION)
            if room is None:
                hub = current_hub(app)
                room = app.extensions[EXTENSION] = LiveRoom(app, hub, hub.db)
    return room
