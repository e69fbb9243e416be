"""Screen data pushed with the change itself: computed once, sent to every screen showing it.

After each change the relay of every process hands it here, before its streams relay the change.
A thread of the process takes the changes waiting (a burst is one computation), and claims in
Redis every screen its streams show in some language that the change concerns: the one process
that wins a screen computes it. The widgets following the changed kinds are computed once per
area for all the screens claimed, side by side (each in a read-only session of its own; the
other widgets come from the cache), and each screen's data is published on the live channel as
soon as its own widgets are in; every process's streams forward it to the screens showing it.
Nothing is fetched again after a change.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis
from flask import Flask

from hub.live.cache import Cached
from hub.live.events import LiveEvent
from hub.live.screen_data import screen_body
from hub.live.screens import ScreenView
from hub.widgets import Widget

if TYPE_CHECKING:
    from hub.live.room import LiveRoom, WidgetResult

log = logging.getLogger(__name__)

WORKERS = 8
"""Widgets computed side by side after a change (each holds a database connection)."""

Key = tuple[str, str | None]
"""A widget's name and the area it is computed for."""


def concerns(screen: ScreenView, kinds: set[str], event: LiveEvent) -> bool:
    """Whether ``event`` changed records a screen following ``kinds`` shows."""
    if not kinds.intersection(event.kinds):
        return False
    if screen.area_code is None or event.areas is None:
        return True
    return any(
        area == screen.area_code or area.startswith(screen.area_code + ".") for area in event.areas
    )


@dataclass(frozen=True)
class Claimed:
    """A screen this process computes after a change: its installed widgets, and the names of
    those the change concerns."""

    screen: ScreenView
    widgets: tuple[Widget, ...]
    changed: frozenset[str]

    def wanted(self) -> list[Key]:
        """The widgets computed for it, in its order."""
        area_code = self.screen.area_code
        return [(w.name, area_code) for w in self.widgets if w.name in self.changed]


class Pusher:
    """The thread of one process that computes and publishes screen data after changes."""

    def __init__(self, app: Flask, room: LiveRoom) -> None:
        self.app = app
        self.room = room
        self._changes: queue.Queue[LiveEvent] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()
        self._workers = ThreadPoolExecutor(WORKERS, thread_name_prefix="live-push")

    def changed(self, event: LiveEvent) -> None:
        """Take a change (from the relay's thread): its data is pushed shortly."""
        self._changes.put(event)
        with self._lock:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="live-push", daemon=True).start()

    def _run(self) -> None:
        while True:
            events = [self._changes.get()]
            while not self._changes.empty():
                events.append(self._changes.get_nowait())
            try:
                self.push(events)
            except redis.RedisError as error:
                log.warning("live push: screens not updated: %s", error)
            except Exception:
                log.exception("live push failed")

    def push(self, events: list[LiveEvent]) -> int:
        """Compute and publish the data of every watched screen ``events`` concern that this
        process claims; the number of screens published."""
        versions = self.room.versions()
        change_id = max(event.id for event in events)
        published = 0
        by_language: dict[str, set[str]] = {}
        for screen, language in self.room.relay.watched():
            by_language.setdefault(language, set()).add(screen)
        for language, names in sorted(by_language.items()):
            with self.app.test_request_context("/", query_string={"lang": language}):
                claimed = self._claim(events, change_id, language, names, versions)
                published += self._publish(claimed, change_id, language, versions)
        return published

    def _claim(
        self,
        events: list[LiveEvent],
        change_id: int,
        language: str,
        names: set[str],
        versions: dict[str, int] | None,
    ) -> list[Claimed]:
        """The screens of ``names`` that ``events`` concern and this process won."""
        claimed = []
        for name in sorted(names):
            screen = self.room.screen(name, versions)
            if screen is None:
                continue
            widgets = tuple(self.room.widgets[w] for w in screen.widgets if w in self.room.widgets)
            changed = frozenset(
                widget.name
                for widget in widgets
                if any(concerns(screen, set(widget.record_kinds), event) for event in events)
            )
            if changed and self.room.channel.claim(f"{change_id}:{name}:{language}"):
                claimed.append(Claimed(screen, widgets, changed))
        return claimed

    def _publish(
        self,
        claimed: list[Claimed],
        change_id: int,
        language: str,
        versions: dict[str, int] | None,
    ) -> int:
        """Compute the changed widgets of ``claimed`` side by side, once per area, and publish
        each screen once its own are in; the number of screens published."""
        keys = dict.fromkeys(key for each in claimed for key in each.wanted())
        running = {key: self._workers.submit(self._fresh, language, key, versions) for key in keys}
        waiting = list(claimed)
        published = 0
        while waiting:
            ready = [each for each in waiting if all(running[k].done() for k in each.wanted())]
            if not ready:
                pending = {running[key] for each in waiting for key in each.wanted()}
                wait({future for future in pending if not future.done()}, None, FIRST_COMPLETED)
            for each in ready:
                waiting.remove(each)
                results = self._results(each, running, versions)
                body = screen_body(self.room, each.screen, results, detailed=True)
                self.room.channel.publish_data(change_id, each.screen.name, language, body)
                published += 1
        return published

    def _fresh(
        self, language: str, key: Key, versions: dict[str, int] | None
    ) -> Cached[WidgetResult]:
        """Widget ``key`` computed now, in a worker thread, in ``language``."""
        name, area_code = key
        with self.app.test_request_context("/", query_string={"lang": language}):
            return self.room.fresh_result(self.room.widgets[name], area_code, versions)

    def _results(
        self,
        claimed: Claimed,
        running: dict[Key, Future[Cached[WidgetResult]]],
        versions: dict[str, int] | None,
    ) -> dict[str, Cached[WidgetResult]]:
        """Every widget's result for a screen: those computed now, the others from the cache."""
        area_code = claimed.screen.area_code
        return {
            widget.name: running[(widget.name, area_code)].result()
            if widget.name in claimed.changed
            else self.room.result(widget, area_code, versions)
            for widget in claimed.widgets
        }
