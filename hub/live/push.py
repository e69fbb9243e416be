"""Screen data pushed with the change itself: computed once, sent to every screen showing it.

After each change the relay of every process hands it here. A thread of the process takes the
changes waiting (a burst is one computation), and for every screen its streams show in some
language that the change concerns, claims the screen for that change in Redis: the one process
that wins computes the widgets following the changed kinds once for that screen's area (the
others come from the cache), and publishes the screen's data on the live channel, which every
process's streams forward to the screens showing it. Nothing is fetched again after a change.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

import redis
from flask import Flask

from hub.live.cache import Cached
from hub.live.events import LiveEvent
from hub.live.screen_data import screen_body
from hub.live.screens import ScreenView

if TYPE_CHECKING:
    from hub.live.room import LiveRoom, WidgetResult

log = logging.getLogger(__name__)


def concerns(screen: ScreenView, kinds: set[str], event: LiveEvent) -> bool:
    """Whether ``event`` changed records a screen following ``kinds`` shows."""
    if not kinds.intersection(event.kinds):
        return False
    if screen.area_code is None or event.areas is None:
        return True
    return any(
        area == screen.area_code or area.startswith(screen.area_code + ".") for area in event.areas
    )


class Pusher:
    """The thread of one process that computes and publishes screen data after changes."""

    def __init__(self, app: Flask, room: LiveRoom) -> None:
        self.app = app
        self.room = room
        self._changes: queue.Queue[LiveEvent] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()

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
                published += self._push_language(events, change_id, language, names, versions)
        return published

    def _push_language(
        self,
        events: list[LiveEvent],
        change_id: int,
        language: str,
        names: Iterable[str],
        versions: dict[str, int] | None,
    ) -> int:
        computed: dict[tuple[str, str | None], Cached[WidgetResult]] = {}
        published = 0
        for name in sorted(names):
            screen = self.room.screen(name, versions)
            if screen is None:
                continue
            widgets = [self.room.widgets[w] for w in screen.widgets if w in self.room.widgets]
            changed = {
                widget.name
                for widget in widgets
                if any(concerns(screen, set(widget.record_kinds), event) for event in events)
            }
            if not changed or not self.room.channel.claim(f"{change_id}:{name}:{language}"):
                continue
            results = {}
            for widget in widgets:
                key = (widget.name, screen.area_code)
                if widget.name in changed and key not in computed:
                    computed[key] = self.room.fresh_result(widget, screen.area_code, versions)
                results[widget.name] = computed.get(key) or self.room.result(
                    widget, screen.area_code, versions
                )
            body = screen_body(self.room, screen, results, detailed=True)
            self.room.channel.publish_data(change_id, name, language, body)
            published += 1
        return published
