"""The simulated attendance system: one record per person and working day.

Past days are made up from the seed, the person and the day, so they never change. Today people
have checked in; their check-outs come with ticks. Records given by a test replace made-up ones.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from simpul_hr.simulator.roster import Roster, Worker

HISTORY_DAYS = 60
"""How far back the system keeps attendance."""
OFFICE_OPENS, OFFICE_CLOSES = time(8, 0), time(16, 0)
STATUS_SHARES = (("present", 0.80), ("late", 0.09), ("leave", 0.04), ("duty_travel", 0.04))
"""The share of each status on a day; the rest are absent."""
NOTES = {"leave": "Cuti tahunan", "duty_travel": "Perjalanan dinas"}


class AttendanceBook:
    """Attendance of the roster's people by day; thread-safe."""

    def __init__(self, roster: Roster, seed: int, zone: tzinfo, today: date | None = None) -> None:
        self.roster = roster
        self.seed = seed
        self.zone = zone
        self._today = today
        self._rng = random.Random(seed + 3)
        self._given: dict[tuple[str, str], dict[str, Any]] = {}
        self._checked_out: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def today(self) -> date:
        """The day people are at work: a fixed one, or the city's real today."""
        return self._today or datetime.now(self.zone).date()

    def day(self, day: date) -> list[dict[str, Any]]:
        """Every record of ``day``, by NIP."""
        with self._lock:
            records = {r["nip"]: r for r in self._made_up(day)}
            records |= {nip: r for (when, nip), r in self._given.items() if when == day.isoformat()}
        return [records[nip] for nip in sorted(records, key=str)]

    def give(self, records: list[Mapping[str, Any]]) -> None:
        """Serve ``records`` as they are, each for its ``date`` and ``nip``."""
        with self._lock:
            for record in records:
                self._given[(str(record["date"]), str(record["nip"]))] = dict(record)

    def tick(self, checkouts: int) -> list[str]:
        """Check out up to ``checkouts`` people who are still at work today; their NIPs."""
        today = self.today()
        with self._lock:
            at_work = sorted(
                r["nip"] for r in self._made_up(today) if r["check_in"] and not r["check_out"]
            )
            leaving = self._rng.sample(at_work, min(checkouts, len(at_work)))
            self._checked_out |= {(today.isoformat(), nip) for nip in leaving}
        return leaving

    def _made_up(self, day: date) -> list[dict[str, Any]]:
        today = self.today()
        if day.weekday() >= 5 or not today - timedelta(days=HISTORY_DAYS) <= day <= today:
            return []
        closed = {nip for when, nip in self._checked_out if when == day.isoformat()}
        return [
            seeded_record(self.seed, worker, day, self.zone, day < today or worker.nip in closed)
            for worker in self.roster.workers(self.zone)
            if worker.active and worker.hired_on <= day
        ]


def seeded_record(
    seed: int, worker: Worker, day: date, zone: tzinfo, closed: bool
) -> dict[str, Any]:
    """The record of ``worker`` on ``day``, always the same; with a check-out if ``closed``."""
    rng = random.Random(f"{seed}:{worker.nip}:{day.isoformat()}")
    roll, status = rng.random(), "absent"
    for name, share in STATUS_SHARES:
        if roll < share:
            status = name
            break
        roll -= share
    check_in = check_out = None
    if status in ("present", "late"):
        opens = datetime.combine(day, OFFICE_OPENS, zone)
        early = timedelta(minutes=rng.randint(1, 60))
        check_in = opens - early if status == "present" else opens + early * 1.5
        if closed:
            closes = datetime.combine(day, OFFICE_CLOSES, zone)
            check_out = closes + timedelta(minutes=rng.randint(0, 90))
    updated = check_out or check_in or datetime.combine(day, OFFICE_OPENS, zone)
    return {
        "id": f"ABS-{day:%Y%m%d}-{worker.nip}",
        "nip": worker.nip,
        "unit": worker.unit,
        "date": day.isoformat(),
        "status": status,
        "check_in": check_in.isoformat() if check_in else None,
        "check_out": check_out.isoformat() if check_out else None,
        "note": NOTES.get(status),
        "updated_at": updated.isoformat(),
    }
