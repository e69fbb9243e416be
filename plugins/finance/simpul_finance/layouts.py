"""The tables finance staff export, and how their rows become payloads.

A table holds budget lines or realizations; which, is told from the columns its header row names.
The header is the first row, among the first ten, naming at least two known columns (title rows
above it are ignored); headers match whatever their case, spaces and punctuation, and columns
not listed here are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from simpul_finance.cells import CellError, read_amount, read_date, read_spent, read_text, read_year
from simpul_finance.kinds import BUDGET_LINE, REALIZATION
from simpul_finance.tables import Table, read_tables

HEADER_SEARCH = 10


@dataclass(frozen=True)
class Problem:
    """Why something in an upload cannot be imported: the whole file, a table, a row or a cell.

    ``table`` is a sheet's name (empty for a CSV file); ``row`` counts from 1 as a spreadsheet
    does; ``column`` is the column's header in the file.
    """

    message: str
    table: str = ""
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class FileRow:
    """A row of a table as the payload it becomes, with the cells that could be read.

    ``headers`` maps each payload field to its column's header in the file.
    """

    table: str
    number: int
    kind: str
    payload: dict[str, Any]
    headers: Mapping[str, str] = field(repr=False)


@dataclass(frozen=True)
class Column:
    """A column: the payload field it fills, its header (and others accepted), and its reader."""

    field: str
    header: str
    aliases: tuple[str, ...]
    read: Callable[[Any], Any]
    required: bool = True

    def matches(self, header: Any) -> bool:
        return header_key(header) in {header_key(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class Layout:
    """The columns of a table of one kind."""

    kind: str
    columns: tuple[Column, ...]

    def positions(self, header: tuple[Any, ...]) -> dict[str, tuple[int, str]]:
        """For each field named in ``header``: the first cell naming it, and its text."""
        found: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(header):
            for column in self.columns:
                if column.field not in found and column.matches(cell):
                    found[column.field] = (index, str(cell).strip())
        return found

    def missing(self, positions: Mapping[str, Any]) -> list[str]:
        return [c.header for c in self.columns if c.required and c.field not in positions]

    def required(self) -> list[str]:
        return [c.header for c in self.columns if c.required]


def header_key(text: Any) -> str:
    """``"No. SP2D"`` and ``"no_sp2d"`` both become ``"nosp2d"``."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


LINE_ID = Column("id", "ID Rincian", ("ID Baris", "Kode Rincian"), read_text)
LAYOUTS = (
    Layout(
        BUDGET_LINE,
        (
            LINE_ID,
            Column("year", "Tahun", ("Tahun Anggaran",), read_year),
            Column("opd_code", "Kode OPD", ("Kode SKPD",), read_text),
            Column("opd_name", "Nama OPD", ("Nama SKPD", "OPD", "SKPD"), read_text),
            Column("program", "Program", ("Nama Program",), read_text),
            Column("activity", "Kegiatan", ("Nama Kegiatan", "Sub Kegiatan"), read_text),
            Column("account_code", "Kode Rekening", ("Kode Akun",), read_text),
            Column("account_name", "Uraian Rekening", ("Nama Rekening",), read_text, False),
            Column("amount", "Pagu", ("Anggaran", "Nilai Anggaran", "Pagu Anggaran"), read_amount),
            Column("area_code", "Kode Wilayah", ("Kode Kecamatan",), read_text, False),
        ),
    ),
    Layout(
        REALIZATION,
        (
            Column("sp2d_number", "Nomor SP2D", ("No SP2D", "SP2D"), read_text),
            Column("date", "Tanggal SP2D", ("Tanggal", "Tgl SP2D"), read_date),
            Column("line_id", LINE_ID.header, LINE_ID.aliases, read_text),
            Column("amount", "Nilai SP2D", ("Nilai", "Realisasi", "Jumlah"), read_spent),
        ),
    ),
)


@dataclass
class FileContents:
    """What an upload holds: its rows, the problems met reading them, and the sheets skipped."""

    rows: list[FileRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def read_file(data: bytes) -> FileContents:
    """Every row of every table in ``data``; raises FileRefused for a file that is not a table.

    A sheet without a header row is skipped (a workbook may have a cover sheet); a CSV file
    without one is a problem, as is an upload with no rows at all.
    """
    contents = FileContents()
    for table in read_tables(data):
        found = _header(table)
        if found is None:
            if table.name:
                contents.skipped.append(table.name)
            else:
                contents.problems.append(Problem(_no_header()))
            continue
        contents.tables.append(table.name)
        _read_table(table, found, contents)
    if not contents.rows and not contents.problems:
        contents.problems.append(
            Problem(_no_header() if not contents.tables else _("No rows to import."))
        )
    return contents


@dataclass(frozen=True)
class Header:
    """A table's header row: its number, the layout it names, and where each column is (the
    cell's index and its text)."""

    number: int
    layout: Layout
    positions: dict[str, tuple[int, str]]

    @property
    def texts(self) -> dict[str, str]:
        return {name: text for name, (_index, text) in self.positions.items()}


def _header(table: Table) -> Header | None:
    """The header row of ``table``, naming at least two columns, the most of one layout. The
    rows up to it are consumed."""
    for number, cells in table.rows:
        named = [
            (layout, positions) for layout in LAYOUTS if (positions := layout.positions(cells))
        ]
        best = max(named, key=lambda found: len(found[1]), default=None)
        if best is not None and len(best[1]) >= 2:
            return Header(number, *best)
        if number >= HEADER_SEARCH:
            return None
    return None


def _read_table(table: Table, header: Header, contents: FileContents) -> None:
    layout = header.layout
    missing = layout.missing(header.positions)
    if missing:
        contents.problems.append(
            Problem(
                _(
                    "Missing columns: %(missing)s. A table of %(kind)s needs the columns "
                    "%(required)s.",
                    missing=", ".join(missing),
                    kind=kind_name(layout.kind),
                    required=", ".join(layout.required()),
                ),
                table.name,
                header.number,
            )
        )
        return
    texts = header.texts
    for number, cells in table.rows:
        if any(cell is not None and str(cell).strip() for cell in cells):
            row = FileRow(table.name, number, layout.kind, {"kind": layout.kind}, texts)
            contents.problems += _fill(row, cells, header)
            contents.rows.append(row)


def _fill(row: FileRow, cells: tuple[Any, ...], header: Header) -> list[Problem]:
    """Read each cell of ``row`` into its payload; the problems of the cells that cannot be."""
    problems = []
    for column in header.layout.columns:
        if column.field not in header.positions:
            continue
        index, text = header.positions[column.field]
        value = cells[index] if index < len(cells) else None
        if value is None or not str(value).strip():
            if column.required:
                problems.append(Problem(_("This cell is empty."), row.table, row.number, text))
            continue
        try:
            row.payload[column.field] = column.read(value)
        except CellError as error:
            problems.append(Problem(str(error), row.table, row.number, text))
    return problems


def kind_name(kind: str) -> str:
    return _("budget lines") if kind == BUDGET_LINE else _("realizations")


def _no_header() -> str:
    budget, realization = (", ".join(layout.required()) for layout in LAYOUTS)
    return _(
        "No header row with known columns was found in the first %(count)d rows. A table of "
        "budget lines needs the columns %(budget)s; a table of realizations needs %(realization)s.",
        count=HEADER_SEARCH,
        budget=budget,
        realization=realization,
    )
