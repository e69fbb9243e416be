"""One Redis subscription per process, shared by every event stream the process serves.

A thread reads the live channel and puts each event in the inbox of every open stream (a
screen's data only in the inboxes of the streams showing it, in its language). An inbox
is bounded: a stream that falls behind loses events and is told to refresh instead. The thread
starts with the first stream and stops after the last one closed; if Redis goes away, every
stream is ended (its screen reconnects and is told to refresh). Each change is first handed to
``on_change`` (the process's :class:`~hub.live.push.Pusher`, whose computation then starts
while the streams relay the change), which learns from :meth:`Relay.watched` which screens the
open streams show.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import redis

from hub.live.events import CHANGED, DATA, LiveChannel, LiveEvent

log = logging.getLogger(__name__)

INBOX_SIZE = 100
POLL_SECONDS = 1.0
SUBSCRIBE_SECONDS = 5.0


class InboxClosed(Exception):
    """The relay stopped: the stream should end."""


class Inbox:
    """The events waiting for one stream, whose screen shows ``screens`` in ``language``."""

    def __init__(self, screens: frozenset[str] = frozenset(), language: str = "") -> None:
        self._events: queue.Queue[LiveEvent] = queue.Queue(maxsize=INBOX_SIZE)
        self.screens = screens
        self.language = language
        self.missed = False
        self.closed = False

    def wants(self, event: LiveEvent) -> bool:
        """Whether the stream relays ``event``: every event but the data of screens it does not
        show (or shows in another language)."""
        if event.type != DATA:
            return True
        return (
            event.data is not None
            and event.screen in self.screens
            and event.language == self.language
        )

    def put(self, event: LiveEvent) -> None:
        try:
            self._events.put_nowait(event)
        except queue.Full:
            self.missed = True

    def get(self, timeout: float) -> LiveEvent | None:
        """The next event, or None after ``timeout`` seconds; raises :class:`InboxClosed`."""
        if self.closed:
            raise InboxClosed
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            if self.closed:
                raise InboxClosed from None
            return None


class Subscription:
    """One run of the relay's thread: subscribed (or failed) once ``ready`` is set."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.failed = False


class Relay:
    def __init__(
        self, channel: LiveChannel, on_change: Callable[[LiveEvent], None] | None = None
    ) -> None:
        self.channel = channel
        self.on_change = on_change
        self._inboxes: set[Inbox] = set()
        self._lock = threading.Lock()
        self._subscription: Subscription | None = None

    def open(self, screens: frozenset[str] = frozenset(), language: str = "") -> Inbox:
        """A new inbox for a stream showing ``screens`` in ``language``, once the channel is
        subscribed; raises ``redis.RedisError`` if it cannot be."""
        inbox = Inbox(screens, language)
        with self._lock:
            self._inboxes.add(inbox)
            subscription = self._subscription
            if subscription is None:
                subscription = self._subscription = Subscription()
                threading.Thread(
                    target=self._relay, args=(subscription,), name="live-relay", daemon=True
                ).start()
        if not subscription.ready.wait(SUBSCRIBE_SECONDS) or subscription.failed:
            self.close(inbox)
            raise redis.ConnectionError("the live channel could not be subscribed to")
        return inbox

    def close(self, inbox: Inbox) -> None:
        with self._lock:
            self._inboxes.discard(inbox)

    def watched(self) -> set[tuple[str, str]]:
        """Every (screen, language) an open stream shows."""
        with self._lock:
            inboxes = list(self._inboxes)
        return {(screen, inbox.language) for inbox in inboxes for screen in inbox.screens}

    def _relay(self, subscription: Subscription) -> None:
        try:
            pubsub = self.channel.subscribe()
        except redis.RedisError as error:
            log.warning("live relay: cannot subscribe: %s", error)
            self._fail(subscription)
            return
        subscription.ready.set()
        try:
            while self._still_needed(subscription):
                message = pubsub.get_message(timeout=POLL_SECONDS)
                event = LiveEvent.from_json(message["data"]) if message else None
                if event is not None:
                    if event.type == CHANGED and self.on_change is not None:
                        self.on_change(event)
                    with self._lock:
                        inboxes = list(self._inboxes)
                    for inbox in inboxes:
                        if inbox.wants(event):
                            inbox.put(event)
        except redis.RedisError as error:
            log.warning("live relay: lost the channel: %s", error)
            self._fail(subscription)
        finally:
            pubsub.close()

    def _still_needed(self, subscription: Subscription) -> bool:
        with self._lock:
            if self._inboxes:
                return True
            self._subscription = None
            return False

    def _fail(self, subscription: Subscription) -> None:
        """End every stream: their screens reconnect, through a new subscription."""
        with self._lock:
            inboxes, self._inboxes = list(self._inboxes), set()
            if self._subscription is subscription:
                self._subscription = None
        subscription.failed = True
        subscription.ready.set()
        for inbox in inboxes:
            inbox.closed = True
