"""A small in-process cache for what the wall screens read, that never makes a screen wait.

An entry is kept for ``min_age`` seconds whatever happens (a burst of changes during a sync is
computed again at most twice a second), or for twice as long as it took to compute if that is
longer (a slow query is never re-run back to back while changes keep coming); after that it is
computed again once the versions it was computed at no longer hold, or once it is older than its
own ``max_age``. An entry's age counts from when its computation began, so data read before a
change is never taken for data read after it.

An entry is computed again in the background, one at a time per process, while every request
goes on getting the previous value, marked *not current* when the records it shows have changed
since (the screen then asks again shortly). Only a value never computed yet is waited for. A
cache made with ``in_background=False`` (for what must never be out of date, such as a revoked
token) computes an out-of-date entry at once instead, the other requests for it waiting.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
MIN_AGE = 0.5
KEEP_PER_COMPUTE = 2.0
WORKERS = 1


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value, and whether it reflects the latest versions (False while a newer one is
    being computed)."""

    value: T
    current: bool = True


@dataclass(frozen=True)
class Entry:
    value: Any
    versions: Any
    started_at: float
    took: float


class RecentCache:
    """Values by key, each kept with the versions it was computed at; at most ``size`` kept."""

    def __init__(
        self,
        min_age: float = MIN_AGE,
        size: int = 512,
        clock: Callable[[], float] = time.monotonic,
        in_background: bool = True,
    ) -> None:
        self.min_age = min_age
        self.in_background = in_background
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._workers = ThreadPoolExecutor(WORKERS, thread_name_prefix="live-cache")
        self._running: set[Future] = set()

    def get(
        self, key: Hashable, versions: Any, max_age: float, compute: Callable[[], T]
    ) -> Cached[T]:
        """The value of ``key``: computed now if there is none yet (or, without background
        computing, if it is out of date); else the cached one, computed again in the background
        once stale. ``versions`` None means "unknown" (the value then lives for ``max_age``)."""
        entry, lock = self._entry(key)
        if entry is None or not (self.in_background or self._usable(entry, versions, max_age)):
            with lock:
                entry, _lock = self._entry(key)
                if entry is None or not self._usable(entry, versions, max_age):
                    entry = self._compute(key, versions, compute)
            return Cached(entry.value)
        if self._stale(entry, versions, max_age) and lock.acquire(blocking=False):
            self._in_background(key, versions, compute, lock)
        return Cached(entry.value, current=self._matches(entry, versions))

    def refresh(self, key: Hashable, versions: Any, compute: Callable[[], T]) -> T:
        """Compute ``key`` now, whatever is cached, and keep it."""
        _entry, lock = self._entry(key)
        with lock:
            return self._compute(key, versions, compute).value

    def settle(self, timeout: float) -> None:
        """Wait until the computations running in the background are done."""
        with self._guard:
            running = set(self._running)
        wait(running, timeout=timeout)

    def _in_background(
        self, key: Hashable, versions: Any, compute: Callable[[], Any], lock: threading.Lock
    ) -> None:
        def run() -> None:
            try:
                self._compute(key, versions, compute)
            finally:
                lock.release()

        with self._guard:
            future = self._workers.submit(run)
            self._running.add(future)
        future.add_done_callback(self._finished)

    def _finished(self, future: Future) -> None:
        with self._guard:
            self._running.discard(future)

    def _compute(self, key: Hashable, versions: Any, compute: Callable[[], Any]) -> Entry:
        started = self.clock()
        value = compute()
        entry = Entry(value, versions, started, self.clock() - started)
        with self._guard:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                evicted, _entry = self._entries.popitem(last=False)
                self._locks.pop(evicted, None)
        return entry

    @staticmethod
    def _matches(entry: Entry, versions: Any) -> bool:
        return versions is None or entry.versions == versions

    def _usable(self, entry: Entry, versions: Any, max_age: float) -> bool:
        return self._matches(entry, versions) and self.clock() - entry.started_at < max_age

    def _stale(self, entry: Entry, versions: Any, max_age: float) -> bool:
        age = self.clock() - entry.started_at
        kept = age < max(self.min_age, KEEP_PER_COMPUTE * entry.took)
        return not kept and not self._usable(entry, versions, max_age)

    def _entry(self, key: Hashable) -> tuple[Entry | None, threading.Lock]:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return self._entries.get(key), lock
