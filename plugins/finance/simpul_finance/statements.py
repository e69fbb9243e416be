"""Realization statements: budget and realized to date per kode rekening, as a Laporan Realisasi
Anggaran (Permendagri 77/2020) or a SIPD realisasi export lays them out.

A statement has title rows (the government, the agency, the period), a header row (or two, with
merged cells) naming Kode Rekening, Uraian, Anggaran, Realisasi, Lebih/(Kurang) and %, then one
row per account of the hierarchy: 5 (Belanja), 5.1, 5.1.02, ... down to the detail accounts,
each parent the subtotal of its children, and total rows without a code.

Which rows are records: the leaves under 5 (Belanja), the accounts with no sub-account in the
table. A parent is the sum of its children, so storing it too would count its money twice;
revenue (4) and financing (6) are no spending against a budget, which is what budget lines
measure. Every parent is still checked against the sum of its children. A leaf becomes a budget
line (its Anggaran) and, when something is realized, one realization of everything realized to
the end of the period, which the next statement of the same line replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from simpul_finance.cells import CellError, read_code, read_percent, read_signed, read_text
from simpul_finance.formatting import rupiah
from simpul_finance.kinds import BUDGET_LINE, REALIZATION
from simpul_finance.money import canonical
from simpul_finance.rows import FileRow, Problem

STATEMENT = "statement"
SPENDING = "5"
WHOLE_GOVERNMENT = "pemda"
MONTHS = [
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
]
PERIOD_END = re.compile(r"(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(20\d\d)", re.IGNORECASE)
YEAR = re.compile(r"\b(20\d\d)\b")
AGENCY = re.compile(
    r"^(?:skpd|opd|organisasi|unit organisasi|perangkat daerah)\s*:?\s*([\d.]+)?\s*(.*)$",
    re.IGNORECASE,
)


def key(text: Any) -> str:
    """``"Lebih/(Kurang)"`` becomes ``"lebihkurang"``."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


@dataclass(frozen=True)
class StatementColumn:
    """A column of a statement: its field, its usual header, and the words a header holds."""

    field: str
    header: str
    words: tuple[str, ...]
    required: bool = False

    def matches(self, text: str) -> bool:
        if self.field == "share":
            return "%" in text or "persen" in key(text)
        return any(word in key(text) for word in self.words)


COLUMNS = (
    StatementColumn("share", "%", ()),
    StatementColumn("opd_code", "Kode SKPD", ("kodeskpd", "kodeopd", "kodeunit", "kodeorganisasi")),
    StatementColumn("activity_code", "Kode Sub Kegiatan", ("kodesubkegiatan", "kodekegiatan")),
    StatementColumn("code", "Kode Rekening", ("koderekening", "kodeakun", "kdrek"), True),
    StatementColumn("opd_name", "Nama SKPD", ("skpd", "opd", "organisasi", "perangkatdaerah")),
    StatementColumn("activity", "Sub Kegiatan", ("kegiatan",)),
    StatementColumn("program", "Program", ("program",)),
    StatementColumn("name", "Uraian", ("uraian", "namarekening", "namaakun"), True),
    StatementColumn("difference", "Lebih/(Kurang)", ("lebih", "bertambah", "selisih", "sisa")),
    StatementColumn("realized", "Realisasi", ("realisasi",), True),
    StatementColumn("budget", "Anggaran", ("anggaran", "pagu"), True),
)
"""In the order headers are tried: "Realisasi (%)" is the share, "Sisa Anggaran" the difference."""
AMOUNTS = ("budget", "realized", "difference")
TEXTS = ("opd_code", "opd_name", "program", "activity", "activity_code")


def positions(cells: Iterable[Any]) -> dict[str, tuple[int, str]]:
    """For each statement column a header row names: its cell's index and text."""
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(cells):
        text = " ".join(str(cell or "").split())
        column = next((c for c in COLUMNS if c.field not in found and c.matches(text)), None)
        if text and column is not None:
            found[column.field] = (index, text)
    return found


def required() -> list[str]:
    return [c.header for c in COLUMNS if c.required]


def missing(found: Mapping[str, Any]) -> list[str]:
    return [c.header for c in COLUMNS if c.required and c.field not in found]


def layout_name(found: Mapping[str, Any]) -> str:
    """Which layout a statement's header is: an export with a column per agency is SIPD's."""
    if "opd_code" in found or "activity" in found:
        return _("SIPD realization export")
    return _("Budget Realization Report (LRA, Permendagri 77/2020)")


@dataclass(frozen=True)
class Titles:
    """What the title rows above the header say: the budget year, the end of the period, the
    agency (none for the whole government's report) and the government."""

    year: int | None = None
    period_end: date | None = None
    agency_code: str | None = None
    agency_name: str | None = None
    government: str | None = None


def read_titles(rows: Iterable[tuple[Any, ...]]) -> Titles:
    """The year, period, agency and government named in ``rows`` (the title rows)."""
    year = period_end = agency_code = agency_name = government = None
    for cells in rows:
        text = " ".join(" ".join(str(cell) for cell in cells if cell is not None).split())
        if not text:
            continue
        if government is None and text.upper().startswith("PEMERINTAH"):
            government = text
        if agency := AGENCY.match(text):
            agency_code, agency_name = agency.group(1), agency.group(2) or None
        if ends := PERIOD_END.findall(text):
            day, month, found_year = ends[-1]
            period_end = date(int(found_year), MONTHS.index(month.lower()) + 1, int(day))
        if years := YEAR.findall(text):
            year = int(years[-1])
    if period_end is not None:
        year = period_end.year
    return Titles(year, period_end, agency_code, agency_name, government)


@dataclass
class Entry:
    """A row with a kode rekening."""

    number: int
    code: str
    name: str
    amounts: dict[str, Decimal | None]
    """Each amount read; None for a cell that cannot be."""
    texts: dict[str, str]
    children: list[Entry] = field(default_factory=list)

    @property
    def group(self) -> tuple[str, str]:
        """The accounts of one agency's sub-activity form one hierarchy."""
        return (self.texts.get("opd_code", ""), self.texts.get("activity_code", ""))

    @property
    def level(self) -> int:
        return self.code.count(".") + 1


@dataclass
class Statement:
    """A statement's table being read: where its columns are, its titles and its rows."""

    table: str
    found: dict[str, tuple[int, str]]
    titles: Titles
    today: date
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    known: dict[tuple[tuple[str, str], str], Entry] = field(default_factory=dict)
    """Each entry by its group and code, once the tree is made."""

    def add(self, number: int, cells: tuple[Any, ...]) -> None:
        """Read one row after the header; a row without a code (a total) is left out."""
        code_cell = self.cell(cells, "code")
        if code_cell is None or not str(code_cell).strip() or column_numbers(cells):
            return
        problems: list[Problem] = []
        code = self.read(number, "code", code_cell, read_code, problems)
        amounts = {
            name: self.read(number, name, self.cell(cells, name), read_signed, problems)
            for name in AMOUNTS
            if name in self.found
        }
        if "share" in self.found:
            self.read(number, "share", self.cell(cells, "share"), read_percent, problems)
        texts = {
            name: read_text(value)
            for name in (*TEXTS, "name")
            if (value := self.cell(cells, name)) is not None and str(value).strip()
        }
        self.problems += problems
        if code is not None:
            self.entries.append(Entry(number, code, texts.pop("name", ""), amounts, texts))

    def cell(self, cells: tuple[Any, ...], name: str) -> Any:
        if name not in self.found:
            return None
        index = self.found[name][0]
        return cells[index] if index < len(cells) else None

    def read(self, number: int, name: str, value: Any, reader, problems: list[Problem]) -> Any:
        try:
            return reader(value)
        except CellError as error:
            problems.append(Problem(str(error), self.table, number, self.found[name][1]))
            return None

    def finish(self) -> tuple[list[FileRow], list[Problem]]:
        """The records of the statement's leaves under Belanja, and every problem met."""
        self.problems += self.titles_problems()
        details = [entry for entry in self.tree() if not entry.children]
        self.problems += [p for entry in self.entries for p in self.subtotal_problems(entry)]
        if self.problems:
            return [], self.problems
        spending = [e for e in details if e.code.split(".")[0] == SPENDING]
        rows = [row for entry in spending for row in self.records(entry)]
        return ([], self.problems) if self.problems else (rows, [])

    def tree(self) -> list[Entry]:
        """Link each entry to its parent, the nearest shorter code it starts with in its group."""
        known = self.known
        for entry in self.entries:
            if (entry.group, entry.code) in known:
                first = known[(entry.group, entry.code)]
                self.problems.append(
                    Problem(
                        _(
                            "Kode rekening %(code)s appears again: it is on row %(row)d.",
                            code=entry.code,
                            row=first.number,
                        ),
                        self.table,
                        entry.number,
                        self.found["code"][1],
                    )
                )
                continue
            known[(entry.group, entry.code)] = entry
            parts = entry.code.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                parent = known.get((entry.group, ".".join(parts[:cut])))
                if parent is not None:
                    parent.children.append(entry)
                    break
        return list(known.values())

    def subtotal_problems(self, entry: Entry) -> list[Problem]:
        """A parent whose amounts are not the sums of its detail accounts' (those that could be
        read), so that a wrong subtotal is named and not the parents above it."""
        if not entry.children:
            return []
        problems = []
        details = list(leaves(entry))
        for name in ("budget", "realized"):
            amounts = [detail.amounts[name] for detail in details]
            if entry.amounts[name] is None or None in amounts:
                continue
            total = sum(amounts, Decimal(0))
            if total != entry.amounts[name]:
                problems.append(
                    Problem(
                        _(
                            "The subtotal of %(code)s is %(amount)s but its accounts add up to "
                            "%(total)s.",
                            code=entry.code,
                            amount=rupiah(entry.amounts[name]),
                            total=rupiah(total),
                        ),
                        self.table,
                        entry.number,
                        self.found[name][1],
                    )
                )
        return problems

    def titles_problems(self) -> list[Problem]:
        end = self.period_end()
        if end is not None and end > self.today:
            return [
                Problem(
                    _("The period ends on %(day)s, after today.", day=end.isoformat()), self.table
                )
            ]
        return []

    def period_end(self) -> date | None:
        """The end of the period: as the titles say; else, for a year's statement, the year's
        end or today, whichever comes first."""
        if self.titles.period_end is not None:
            return self.titles.period_end
        year = self.titles.year or self.today.year
        return min(date(year, 12, 31), self.today) if year <= self.today.year else None

    def records(self, entry: Entry) -> list[FileRow]:
        """The budget line of a leaf and what is realized of it."""
        problems = [
            Problem(
                _("A spending account cannot have a negative amount."),
                self.table,
                entry.number,
                self.found[name][1],
            )
            for name in ("budget", "realized")
            if entry.amounts[name] < 0
        ]
        if problems:
            self.problems += problems
            return []
        texts = entry.texts
        agency_code = texts.get("opd_code") or self.titles.agency_code or WHOLE_GOVERNMENT
        agency_name = (
            texts.get("opd_name")
            or self.titles.agency_name
            or self.titles.government
            or _("Regional government")
        )
        line_id = "/".join(
            part for part in (agency_code, texts.get("activity_code"), entry.code) if part
        )
        headers = {
            "id": self.found["code"][1],
            "account_code": self.found["code"][1],
            "amount": self.found["budget"][1],
            "line_id": self.found["code"][1],
        }
        year = self.titles.year or self.today.year
        line = {
            "kind": BUDGET_LINE,
            "id": line_id,
            "year": year,
            "opd_code": agency_code,
            "opd_name": agency_name,
            "program": texts.get("program") or self.ancestor_name(entry),
            "activity": texts.get("activity") or entry.name,
            "account_code": entry.code,
            "account_level": entry.level,
            "account_name": entry.name,
            "amount": canonical(entry.amounts["budget"]),
        }
        rows = [FileRow(self.table, entry.number, BUDGET_LINE, line, headers)]
        end = self.period_end()
        if entry.amounts["realized"] and end is not None:
            spent = {
                "kind": REALIZATION,
                "sp2d_number": f"{line_id}/s.d.",
                "date": end.isoformat(),
                "line_id": line_id,
                "amount": canonical(entry.amounts["realized"]),
                "to_date": True,
            }
            headers = {**headers, "amount": self.found["realized"][1]}
            rows.append(FileRow(self.table, entry.number, REALIZATION, spent, headers))
        return rows

    def ancestor_name(self, entry: Entry) -> str:
        """The name of the entry's account of the second level (such as Belanja Operasi)."""
        ancestor = self.known.get((entry.group, ".".join(entry.code.split(".")[:2])))
        return ancestor.name if ancestor is not None and ancestor.name else entry.name


def leaves(entry: Entry) -> Iterator[Entry]:
    """The detail accounts under ``entry``."""
    for child in entry.children:
        if child.children:
            yield from leaves(child)
        else:
            yield child


def column_numbers(cells: tuple[Any, ...]) -> bool:
    """Whether a row only numbers the columns (1, 2, 3, ...), as reports do under the header."""
    filled = [read_text(cell) for cell in cells if cell is not None and str(cell).strip()]
    return len(filled) > 2 and all(text.split("=")[0].strip().isdecimal() for text in filled)
