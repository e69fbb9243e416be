"""The tables finance staff export, and how their rows become payloads.

A table holds budget lines or realizations; which, is told from the columns its header row names.
Headers match whatever their case, spaces and punctuation, and columns not listed here are
ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from simpul_finance.cells import CellError, read_amount, read_date, read_spent, read_text, read_year
from simpul_finance.kinds import BUDGET_LINE, REALIZATION
from simpul_finance.rows import FileRow, Problem

HEADER_SEARCH = 10


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


def read_rows(
    table: str, header: Header, rows: Iterable[tuple[int, tuple[Any, ...]]]
) -> tuple[list[FileRow], list[Problem]]:
    """The payloads of the rows under ``header``, and the problems of their cells (or of the
    columns the header lacks)."""
    layout = header.layout
    missing = layout.missing(header.positions)
    if missing:
        message = _(
            "Missing columns: %(missing)s. A table of %(kind)s needs the columns %(required)s.",
            missing=", ".join(missing),
            kind=kind_name(layout.kind),
            required=", ".join(layout.required()),
        )
        return [], [Problem(message, table, header.number)]
    texts = header.texts
    read: list[FileRow] = []
    problems: list[Problem] = []
    for number, cells in rows:
        if any(cell is not None and str(cell).strip() for cell in cells):
            row = FileRow(table, number, layout.kind, {"kind": layout.kind}, texts)
            problems += _fill(row, cells, header)
            read.append(row)
    return read, problems


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


def no_header() -> str:
    budget, realization = (", ".join(layout.required()) for layout in LAYOUTS)
    return _(
        "No header row with known columns was found in the first %(count)d rows. A table of "
        "budget lines needs the columns %(budget)s; a table of realizations needs %(realization)s.",
        count=HEADER_SEARCH,
        budget=budget,
        realization=realization,
    )
