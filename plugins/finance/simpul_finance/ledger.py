"""The simulator's books: a city's budget lines for one year and the SP2Ds spent on them so far.

Everything is made from a random generator, so the same seed and date give the same books.
Amounts are whole Rupiah (ints) and a line is never spent beyond its budget. Agencies spend at
paces of their own, slow in the first months as Indonesian budgets are, so some lag behind.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hub.api import AreaDirectory
from simpul_finance.catalog import ACCOUNTS, AGENCIES, Account, Agency, Program, district_agency
from simpul_finance.fiscal import WIB
from simpul_finance.listing import Key, Listing, format_stamp

THOUSAND = 1000
MILLION = 1_000_000
MOST_SPENT_PERCENT = 98
SP2D_PER_LINE = 6
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass
class Line:
    """A budget line; ``spent`` is what its SP2Ds add up to."""

    id: str
    year: int
    agency: Agency
    program: Program
    activity: str
    account: Account
    budget: int
    updated_at: str
    status: str = "original"
    spent: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "opd_code": self.agency.code,
            "opd_name": self.agency.name,
            "program": self.program.name,
            "activity": self.activity,
            "account_code": self.account.code,
            "account_name": self.account.name,
            "amount": rupiah_text(self.budget),
            "status": self.status,
            "area_code": self.agency.area_code,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Sp2d:
    """An SP2D: the order that disbursed ``amount`` of a line on ``day``."""

    number: str
    day: date
    line: Line
    amount: int
    recorded_at: str

    def payload(self) -> dict[str, Any]:
        return {
            "sp2d_number": self.number,
            "date": self.day.isoformat(),
            "line_id": self.line.id,
            "opd_code": self.line.agency.code,
            "amount": rupiah_text(self.amount),
            "recorded_at": self.recorded_at,
        }


def rupiah_text(amount: int) -> str:
    """Whole Rupiah as the API writes amounts: ``"1250000000.00"``."""
    return f"{amount}.00"


def city_agencies(areas: AreaDirectory, city: str) -> list[Agency]:
    """The agencies of ``city`` (a regency code): the city's own and one per kecamatan."""
    districts = sorted({village.parent_code for village in areas.villages(within=city)})
    if not districts:
        raise ValueError(f"unknown city {city!r}: the area directory has no kecamatan in it")
    return [*AGENCIES, *(district_agency(code, areas.get(code).name) for code in districts)]


@dataclass
class Ledger:
    """The books of ``city`` for the year of ``today``, with ``size`` budget lines enacted on
    20 December of the year before; thread-safe."""

    areas: AreaDirectory
    city: str
    rng: random.Random
    size: int
    today: date
    lines: Listing = field(default_factory=Listing)
    realizations: Listing = field(default_factory=Listing)

    def __post_init__(self) -> None:
        self.year = self.today.year
        self._lock = threading.Lock()
        self._lines: dict[str, Line] = {}
        self._sp2d_count = 0
        self._enacted = datetime(self.year - 1, 12, 20, 3, tzinfo=UTC)
        self._last = self._enacted
        agencies = city_agencies(self.areas, self.city)
        self._paces = {agency.code: self.rng.randint(55, 115) for agency in agencies}
        for number in range(1, self.size + 1):
            self._add_line(self._new_line(number, agencies))
        self._spend_history()

    def page(
        self, listing: Listing, after: Key | None, limit: int
    ) -> tuple[list, str | None, bool]:
        with self._lock:
            return listing.page(after, limit)

    def tick(self, realizations: int = 0, revisions: int = 0) -> dict[str, list[str]]:
        """Issue ``realizations`` new SP2Ds dated today, and revise ``revisions`` budget lines."""
        with self._lock:
            open_lines = [
                line for line in self._lines.values() if line.budget - line.spent >= THOUSAND
            ]
            issued = [self._issue(line) for line in self._sample(open_lines, realizations)]
            revised = [
                self._revise(line) for line in self._sample(list(self._lines.values()), revisions)
            ]
            return {"realizations": issued, "revisions": revised}

    def totals(self) -> dict[str, Any]:
        """Budget and realization per agency and in all, as the finance system reports them."""
        with self._lock:
            agencies: dict[str, dict[str, Any]] = {}
            for line in self._lines.values():
                entry = agencies.setdefault(
                    line.agency.code, {"name": line.agency.name, "budget": 0, "realized": 0}
                )
                entry["budget"] += line.budget
                entry["realized"] += line.spent
            return {
                "year": self.year,
                "lines": len(self.lines),
                "realizations": len(self.realizations),
                "budget": rupiah_text(sum(e["budget"] for e in agencies.values())),
                "realized": rupiah_text(sum(e["realized"] for e in agencies.values())),
                "opds": {
                    code: {
                        **entry,
                        "budget": rupiah_text(entry["budget"]),
                        "realized": rupiah_text(entry["realized"]),
                    }
                    for code, entry in sorted(agencies.items())
                },
            }

    def _new_line(self, number: int, agencies: list[Agency]) -> Line:
        rng = self.rng
        agency = rng.choices(agencies, weights=[a.weight for a in agencies])[0]
        program = rng.choice(agency.programs)
        account = ACCOUNTS[rng.choice(program.accounts)]
        budget = rng.randint(account.least, account.most) * MILLION + rng.randrange(1000) * THOUSAND
        return Line(
            id=f"BL-{self.year}-{number:05d}",
            year=self.year,
            agency=agency,
            program=program,
            activity=rng.choice(program.activities),
            account=account,
            budget=budget,
            updated_at=self._stamp(self._enacted + timedelta(seconds=number)),
        )

    def _add_line(self, line: Line) -> None:
        self._lines[line.id] = line
        self.lines.put(line.id, line.updated_at, line.payload())

    def _spend_history(self) -> None:
        """SP2Ds from January to today, each line spent along its agency's pace."""
        first = date(self.year, 1, 1)
        elapsed = (self.today - first).days + 1
        days = (date(self.year + 1, 1, 1) - first).days
        planned = []
        for line in self._lines.values():
            pace = self._paces[line.agency.code]
            target = line.budget * pace * elapsed * (days + elapsed) // (200 * days * days)
            target = min(target, line.budget * MOST_SPENT_PERCENT // 100) // THOUSAND * THOUSAND
            planned += [(day, line.id, amount) for day, amount in self._installments(line, target)]
        for day, line_id, amount in sorted(planned):
            moment = datetime.combine(day, time(9), WIB) + timedelta(
                minutes=self.rng.randrange(420)
            )
            self._record(self._lines[line_id], day, amount, self._stamp(moment))

    def _installments(self, line: Line, target: int) -> list[tuple[date, int]]:
        """``target`` split into a few SP2Ds on days from mid-January to today."""
        rng = self.rng
        count = min(
            rng.randint(1, max(1, min(SP2D_PER_LINE, self.today.month))), target // THOUSAND
        )
        if count == 0:
            return []
        start = min(date(self.year, 1, 15), self.today).toordinal()
        days = sorted(
            date.fromordinal(rng.randint(start, self.today.toordinal())) for _ in range(count)
        )
        weights = [rng.randint(1, 10) for _ in range(count)]
        amounts = [target * w // sum(weights) // THOUSAND * THOUSAND for w in weights[:-1]]
        return list(zip(days, [*amounts, target - sum(amounts)], strict=True))

    def _issue(self, line: Line) -> str:
        room = (line.budget - line.spent) // THOUSAND
        amount = self.rng.randint(1, max(1, min(room, line.budget // 10 // THOUSAND))) * THOUSAND
        return self._record(line, self.today, amount, self._stamp(datetime.now(UTC)))

    def _record(self, line: Line, day: date, amount: int, stamp: str) -> str:
        self._sp2d_count += 1
        number = f"{self._sp2d_count:05d}/SP2D/LS/{line.agency.code}/{self.year}"
        line.spent += amount
        self.realizations.put(number, stamp, Sp2d(number, day, line, amount, stamp).payload())
        return number

    def _revise(self, line: Line) -> str:
        """The revised budget (APBD-P) of ``line``: up to a fifth more or less, never below what
        it has spent."""
        revised = line.budget * self.rng.randint(80, 120) // 100 // THOUSAND * THOUSAND
        line.budget = max(revised, line.spent)
        line.status = "revised"
        line.updated_at = self._stamp(datetime.now(UTC))
        self.lines.put(line.id, line.updated_at, line.payload())
        return line.id

    def _sample(self, population: list, count: int) -> list:
        return self.rng.sample(population, min(count, len(population)))

    def _stamp(self, moment: datetime) -> str:
        """``moment``, or just after the latest change if it is earlier."""
        self._last = max(moment, self._last + ONE_MICROSECOND)
        return format_stamp(self._last)
