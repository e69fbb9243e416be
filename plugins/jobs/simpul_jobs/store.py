"""The simulator's data: its seekers, vacancies and placements, and how they change."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.api import InvalidRecord
from simpul_jobs.collection import Collection, Key, format_time
from simpul_jobs.factory import JobFactory, pick
from simpul_jobs.posting import posting_identifier

STREAMS = ("seekers", "vacancies", "placements")
ONE_MICROSECOND = timedelta(microseconds=1)


class JobStore:
    """The three listings of the Pencaker API, and the feed of its open vacancies; thread-safe.

    Seekers and placements show when they last changed as ``updated_at``; vacancies are
    JobPostings, which have no such property.
    """

    def __init__(self, factory: JobFactory, size: int) -> None:
        self._factory = factory
        self._lists = {stream: Collection() for stream in STREAMS}
        self._looking: dict[str, None] = {}
        self._open: dict[str, None] = {}
        self._given: set[str] = set()
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()
        history = factory.history(size)
        for moment, seeker in history.seekers:
            self._store("seekers", seeker["id"], seeker, moment)
            if seeker["status"] == "looking":
                self._looking[seeker["id"]] = None
        for moment, vacancy in history.vacancies:
            self._store("vacancies", vacancy["identifier"]["value"], vacancy, moment)
            if vacancy["validThrough"] >= factory.end_of(factory.today):
                self._open[vacancy["identifier"]["value"]] = None
        for moment, placement in history.placements:
            self._store("placements", placement["id"], placement, moment)

    def totals(self) -> dict[str, int]:
        with self._lock:
            return {stream: len(items) for stream, items in self._lists.items()}

    def page(
        self, stream: str, after: Key | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None, bool]:
        """A page of ``stream``: its items, the token after the last, and whether more follow."""
        with self._lock:
            return self._lists[stream].page(after, limit)

    def feed(self) -> list[dict[str, Any]]:
        """The open vacancies, and the ones given with :meth:`give`, in listing order."""
        with self._lock:
            return [
                vacancy
                for vacancy_id, vacancy in self._lists["vacancies"]
                if vacancy_id in self._open or vacancy_id in self._given
            ]

    def tick(
        self,
        registrations: int = 0,
        vacancies: int = 0,
        placements: int = 0,
        closures: int = 0,
        withdrawals: int = 0,
    ) -> dict[str, list[str]]:
        """Register seekers, post vacancies, place looking seekers in open vacancies, close open
        vacancies (their ``validThrough`` becomes yesterday) and withdraw (delete) vacancies."""
        with self._lock:
            return {
                "registered": [self._register() for _ in range(registrations)],
                "posted": [self._post() for _ in range(vacancies)],
                "placed": [
                    self._place(seeker_id) for seeker_id in self._sample_looking(placements)
                ],
                "closed": [self._close(v) for v in self._sample(self._open, closures)],
                "withdrawn": [
                    self._withdraw(v) for v in self._sample(self._vacancy_ids(), withdrawals)
                ],
            }

    def give(self, items: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Store ``items`` of each stream exactly as given, as a test or a demo wants them.

        Given vacancies are always in the feed; ticks leave given items alone.
        """
        with self._lock:
            for stream, given in items.items():
                for number, item in enumerate(given, start=1):
                    item_id = _given_id(stream, item) or f"given-{stream}-{number}"
                    self._store(stream, item_id, item, self._now(), stamp_item=False)
                    if stream == "vacancies":
                        self._given.add(item_id)
            return {stream: len(given) for stream, given in items.items()}

    def remove(self, stream: str, item_id: str) -> bool:
        """Delete one item, as the app would; False if there is no such item."""
        with self._lock:
            if item_id not in self._lists[stream]:
                return False
            self._lists[stream].remove(item_id)
            for ids in (self._looking, self._open):
                ids.pop(item_id, None)
            self._given.discard(item_id)
            return True

    def _now(self) -> datetime:
        """Now, or just after the newest change if the clock is behind it."""
        self._last = max(datetime.now(UTC), self._last + ONE_MICROSECOND)
        return self._last

    def _store(
        self, stream: str, item_id: str, item: dict, moment: datetime, stamp_item: bool = True
    ) -> None:
        stamp = format_time(moment)
        if stamp_item:
            item["dateModified" if stream == "vacancies" else "updated_at"] = stamp
        self._lists[stream].put(item_id, item, stamp)
        self._last = max(self._last, moment)

    def _register(self) -> str:
        seeker = self._factory.seeker(self._factory.today)
        self._store("seekers", seeker["id"], seeker, self._now())
        self._looking[seeker["id"]] = None
        return seeker["id"]

    def _post(self) -> str:
        vacancy = self._factory.vacancy(self._factory.today)
        vacancy_id = vacancy["identifier"]["value"]
        self._store("vacancies", vacancy_id, vacancy, self._now())
        self._open[vacancy_id] = None
        return vacancy_id

    def _place(self, seeker_id: str) -> str:
        seeker = {**self._lists["seekers"].get(seeker_id), "status": "placed"}
        vacancies = [self._lists["vacancies"].get(v) for v in self._open]
        fitting = [v for v in vacancies if v["industry"] == seeker["preferred_sector"]]
        vacancy = pick(fitting or vacancies, self._factory.rng)
        placement = self._factory.placement(seeker, vacancy, self._factory.today)
        self._store("seekers", seeker_id, seeker, self._now())
        self._store("placements", placement["id"], placement, self._now())
        del self._looking[seeker_id]
        return placement["id"]

    def _close(self, vacancy_id: str) -> str:
        yesterday = self._factory.today - timedelta(days=1)
        vacancy = {**self._lists["vacancies"].get(vacancy_id)}
        vacancy["validThrough"] = self._factory.end_of(yesterday)
        self._store("vacancies", vacancy_id, vacancy, self._now())
        del self._open[vacancy_id]
        return vacancy_id

    def _withdraw(self, vacancy_id: str) -> str:
        self._lists["vacancies"].remove(vacancy_id)
        self._open.pop(vacancy_id, None)
        return vacancy_id

    def _sample_looking(self, count: int) -> list[str]:
        """Looking seekers to place: none while no vacancy is open."""
        return self._sample(self._looking, count) if self._open else []

    def _vacancy_ids(self) -> list[str]:
        return [v for v, _ in self._lists["vacancies"] if v not in self._given]

    def _sample(self, population: Iterable[str], count: int) -> list[str]:
        ordered = list(population)
        return self._factory.rng.sample(ordered, min(count, len(ordered)))


def _given_id(stream: str, item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if stream == "vacancies":
        try:
            return posting_identifier(item)
        except InvalidRecord:
            return None
    item_id = item.get("id")
    return item_id if isinstance(item_id, str) and item_id else None
