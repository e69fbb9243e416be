"""The simulator's gauges: seeded water-level posts on the city's rivers and their readings."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from simpul_floods.cities import Places

WIB = timezone(timedelta(hours=7), "WIB")
ONE_SECOND = timedelta(seconds=1)
ALERT_WORDS = ("Siaga 4", "Siaga 3", "Siaga 2", "Siaga 1")
"""The app's words for a gauge's state, from normal to danger."""
PREFIXES = ("PA", "Pos")
"""Pintu air (a floodgate) and pos pantau (a watch post), as the gauges are named."""


def alert_word(level: float, thresholds: dict[str, int]) -> str:
    """``Siaga 4`` below every threshold, one step up for each threshold ``level`` reached."""
    return ALERT_WORDS[sum(level >= limit for limit in thresholds.values())]


class GaugeStore:
    """The city's gauges by id. A change replaces the gauge and moves its ``updated_at`` on by at
    least a second, so the listing's order is the order of changes; thread-safe."""

    def __init__(self, places: Places, rng: random.Random, size: int) -> None:
        self.places, self.rng = places, rng
        self.gauges: dict[str, dict[str, Any]] = {}
        self.installed = 0
        self.clock = datetime.now(WIB).replace(microsecond=0)
        self.lock = threading.Lock()
        self.tick(new=size)

    def page(self, after: list[str] | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Up to ``limit`` gauges after the position ``after``, and whether more follow."""
        with self.lock:
            ordered = sorted(self.gauges.values(), key=position)
        if after is not None:
            ordered = [gauge for gauge in ordered if position(gauge) > after]
        return ordered[:limit], len(ordered) > limit

    def tick(
        self, readings: int = 0, rain: int = 0, new: int = 0, removals: int = 0
    ) -> dict[str, list[str]]:
        """Install ``new`` gauges, take new ``readings`` at some of the others, let ``rain`` push
        gauges below Siaga 1 over their next threshold, and decommission ``removals`` gauges;
        each gauge takes part in one of these at most."""
        with self.lock:
            installed = [self._install() for _ in range(new)]
            read = self._sample(self._others(installed), readings)
            for gauge_id in read:
                self._reading(gauge_id, self.rng.randint(-40, 25))
            below = [key for key in self._others(installed, read) if not self._in_danger(key)]
            rained = self._sample(below, rain)
            for gauge_id in rained:
                self._rain(gauge_id)
            removed = self._sample(self._others(installed, read, rained), removals)
            for gauge_id in removed:
                del self.gauges[gauge_id]
        return {"installed": installed, "read": read, "rained": rained, "removed": removed}

    def stats(self) -> dict[str, Any]:
        with self.lock:
            counts = Counter(gauge["status"] for gauge in self.gauges.values())
            return {"total": len(self.gauges), "statuses": {w: counts[w] for w in ALERT_WORDS}}

    def _others(self, *taken: list[str]) -> list[str]:
        busy = {gauge_id for ids in taken for gauge_id in ids}
        return [gauge_id for gauge_id in self.gauges if gauge_id not in busy]

    def _sample(self, population: list[str], count: int) -> list[str]:
        return self.rng.sample(population, min(count, len(population)))

    def _in_danger(self, gauge_id: str) -> bool:
        return self.gauges[gauge_id]["status"] == ALERT_WORDS[-1]

    def _stamp(self) -> str:
        """Now, or a second after the last change if the clock is behind it."""
        self.clock = max(datetime.now(WIB).replace(microsecond=0), self.clock + ONE_SECOND)
        return self.clock.isoformat()

    def _install(self) -> str:
        self.installed += 1
        gauge_id = f"TMA-{self.places.code.replace('.', '')}-{self.installed:04d}"
        hosting = {gauge["kelurahan_code"] for gauge in self.gauges.values()}
        village = self.rng.choice(
            [row for row in self.places.villages if row.code not in hosting] or self.places.villages
        )
        name = f"{self.rng.choice(PREFIXES)} {village.name}"
        if name in {gauge["name"] for gauge in self.gauges.values()}:
            name = f"{name} {self.installed}"
        latitude, longitude = self.places.point(village)
        siaga_3 = self.rng.randrange(100, 700, 10)
        siaga_2 = siaga_3 + self.rng.randrange(50, 160, 10)
        thresholds = {
            "siaga_3": siaga_3,
            "siaga_2": siaga_2,
            "siaga_1": siaga_2 + self.rng.randrange(50, 160, 10),
        }
        level = round(siaga_3 * self.rng.uniform(0.3, 1.1))
        moment = self._stamp()
        self.gauges[gauge_id] = {
            "id": gauge_id,
            "name": name,
            "river": self.places.river(village),
            "kelurahan_code": village.code,
            "latitude": latitude,
            "longitude": longitude,
            "thresholds_cm": thresholds,
            "level_cm": level,
            "status": alert_word(level, thresholds),
            "observed_at": moment,
            "installed_at": moment,
            "updated_at": moment,
        }
        return gauge_id

    def _reading(self, gauge_id: str, change: int) -> None:
        self._set_level(gauge_id, max(0, self.gauges[gauge_id]["level_cm"] + change))

    def _rain(self, gauge_id: str) -> None:
        gauge = self.gauges[gauge_id]
        above = [limit for limit in gauge["thresholds_cm"].values() if limit > gauge["level_cm"]]
        self._set_level(gauge_id, min(above) + self.rng.randint(5, 60))

    def _set_level(self, gauge_id: str, level: int) -> None:
        gauge, moment = self.gauges[gauge_id], self._stamp()
        self.gauges[gauge_id] = {
            **gauge,
            "level_cm": level,
            "status": alert_word(level, gauge["thresholds_cm"]),
            "observed_at": moment,
            "updated_at": moment,
        }


def position(gauge: dict[str, Any]) -> list[str]:
    """Where a gauge stands in the listing: ``[updated_at, id]``."""
    return [gauge["updated_at"], gauge["id"]]
