"""Reading an upload: finding each table's header row by its cells, telling its layout, and
turning its rows into payloads.

A table is the hub's own (budget lines or realizations), a realization statement (an LRA or a
SIPD export), or one whose header an officer mapped before for the source. Its header is the
row, among the first ten, that names the most known columns (title rows above it are read for
the statement's period and agency); a statement's header may span two rows with merged cells.
A table whose header is none of these is offered for mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from typing import Any

from flask_babel import gettext as _

from simpul_finance import statements
from simpul_finance.cells import read_text
from simpul_finance.layouts import (
    HEADER_SEARCH,
    LAYOUTS,
    Header,
    kind_name,
    no_header,
    read_rows,
)
from simpul_finance.mappings import ColumnMap, signature
from simpul_finance.money import AmountError, parse_signed
from simpul_finance.rows import FileRow, Problem
from simpul_finance.tables import Row, read_tables

LAYOUT_NAMES = {layout.kind: layout for layout in LAYOUTS}
MAPPABLE_HEADERS = 4
"""The fewest named columns a row needs to be offered for mapping: no layout needs fewer."""


@dataclass(frozen=True)
class Found:
    """A header: its first and last row, the layout it names and where each column is."""

    number: int
    end: int
    layout: str
    positions: dict[str, tuple[int, str]]
    mapped: bool = False


@dataclass(frozen=True)
class Unmapped:
    """A table whose header no layout knows: its header's cells, for an officer to map."""

    table: str
    number: int
    headers: tuple[str, ...]
    signature: str
    suggested: str


@dataclass
class FileContents:
    """What an upload holds: its rows, the problems met reading them, the sheets skipped, the
    layout of each table read, and a table to map, if any."""

    rows: list[FileRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)
    unmapped: Unmapped | None = None


def read_file(
    data: bytes, saved: Mapping[str, ColumnMap] | None = None, today: date | None = None
) -> FileContents:
    """Every row of every table in ``data``; raises FileRefused for a file that is not a table.

    ``saved`` holds the source's mappings by header signature. A sheet without a header row is
    skipped (a workbook may have a cover sheet); a CSV file without one is a problem, as is an
    upload with no rows at all. When no table is known, the first that could be is to map.
    """
    contents = FileContents()
    candidates: list[Unmapped] = []
    for table in read_tables(data):
        head = list(islice(table.rows, HEADER_SEARCH + 1))
        found = find_header(head, saved or {})
        if found is None:
            candidate = mappable(table.name, head)
            if candidate is not None:
                candidates.append(candidate)
            elif table.name:
                contents.skipped.append(table.name)
            else:
                contents.problems.append(Problem(no_header()))
            continue
        contents.tables.append(table.name)
        rest = chain((row for row in head if row[0] > found.end), table.rows)
        titles = [cells for number, cells in head if number < found.number]
        rows, problems = read_table(table.name, found, titles, rest, today or date.today())
        contents.layouts[table.name] = layout_label(found)
        contents.rows += rows
        contents.problems += problems
    if not contents.tables and candidates:
        contents.unmapped = candidates[0]
        contents.skipped += [c.table for c in candidates[1:] if c.table]
        contents.problems.append(Problem(unknown_columns(), candidates[0].table))
    else:
        contents.skipped += [c.table for c in candidates if c.table]
    if not contents.rows and not contents.problems:
        contents.problems.append(
            Problem(no_header() if not contents.tables else _("No rows to import."))
        )
    return contents


def find_header(head: list[Row], saved: Mapping[str, ColumnMap]) -> Found | None:
    """The header among the ``head`` rows: a row with a saved mapping, else the row (or two
    rows, merged) naming the most columns of one layout, at least two. A title row (a single
    cell) is never merged with the row below."""
    for index, (number, cells) in enumerate(head):
        mapping = saved.get(signature(cells))
        if mapping is not None:
            return mapped(number, cells, mapping)
        options = [(number, cells)]
        if index + 1 < len(head) and filled(cells) >= 2:
            options.append((head[index + 1][0], merged(cells, head[index + 1][1])))
        best: Found | None = None
        for end, texts in options:
            for found in named(number, end, texts):
                if best is None or len(found.positions) > len(best.positions):
                    best = found
        if best is not None and len(best.positions) >= 2:
            return best
    return None


def named(number: int, end: int, cells: tuple[Any, ...]) -> Iterator[Found]:
    """What each layout finds in a header row; a statement only when it names at least three of
    its required columns (an LRA's Kode Rekening and Anggaran are names of budget lines too)."""
    for layout in LAYOUTS:
        if end == number and (positions := layout.positions(cells)):
            yield Found(number, end, layout.kind, positions)
    positions = statements.positions(cells)
    if len(statements.required()) - len(statements.missing(positions)) >= 3:
        yield Found(number, end, statements.STATEMENT, positions)


def filled(cells: tuple[Any, ...]) -> int:
    return sum(1 for cell in cells if cell is not None and str(cell).strip())


def merged(upper: tuple[Any, ...], lower: tuple[Any, ...]) -> tuple[str, ...]:
    """Two header rows as one, each column's texts joined. A cell merged across columns holds
    its text in the first of them only, so an empty upper cell above a named lower one takes
    the text on its left ("JUMLAH (Rp)" above both "ANGGARAN" and "REALISASI")."""
    width = max(len(upper), len(lower))
    tops = [
        read_text(upper[i]) if i < len(upper) and upper[i] is not None else "" for i in range(width)
    ]
    bottoms = [
        read_text(lower[i]) if i < len(lower) and lower[i] is not None else "" for i in range(width)
    ]
    for i in range(1, width):
        if not tops[i] and bottoms[i] and bottoms[i - 1]:
            tops[i] = tops[i - 1]
    return tuple(
        " ".join(text for text in pair if text) for pair in zip(tops, bottoms, strict=True)
    )


def mapped(number: int, cells: tuple[Any, ...], mapping: ColumnMap) -> Found:
    positions = {
        name: (index, read_text(cells[index]))
        for name, index in mapping.columns.items()
        if 0 <= index < len(cells)
    }
    return Found(number, number, mapping.layout, positions, mapped=True)


def read_table(
    table: str, found: Found, titles: list[tuple[Any, ...]], rows: Iterator[Row], today: date
) -> tuple[list[FileRow], list[Problem]]:
    if found.layout == statements.STATEMENT:
        missing = statements.missing(found.positions)
        if missing:
            message = _(
                "Missing columns: %(missing)s. A realization report needs the columns "
                "%(required)s.",
                missing=", ".join(missing),
                required=", ".join(statements.required()),
            )
            return [], [Problem(message, table, found.number)]
        statement = statements.Statement(
            table, found.positions, statements.read_titles(titles), today
        )
        for number, cells in rows:
            statement.add(number, cells)
        return statement.finish()
    header = Header(found.number, LAYOUT_NAMES[found.layout], found.positions)
    return read_rows(table, header, rows)


def layout_label(found: Found) -> str:
    """The layout a table is read as, for the preview."""
    if found.mapped:
        return _("the columns chosen for this source")
    if found.layout == statements.STATEMENT:
        return statements.layout_name(found.positions)
    return _("Simpul table of %(kind)s", kind=kind_name(found.layout))


def mappable(table: str, head: list[Row]) -> Unmapped | None:
    """The first row of ``head`` that could be a header: at least four cells of text, none a
    number."""
    for number, cells in head:
        texts = tuple(read_text(cell) if cell is not None else "" for cell in cells)
        named = [text for text in texts if text]
        if len(named) >= MAPPABLE_HEADERS and not any(is_number(text) for text in named):
            return Unmapped(table, number, texts, signature(cells), suggest(texts))
    return None


def suggest(texts: tuple[str, ...]) -> str:
    """The layout whose columns the header names most; a statement when none names any."""
    counts = {layout.kind: len(layout.positions(texts)) for layout in LAYOUTS}
    counts[statements.STATEMENT] = len(statements.positions(texts))
    return max(counts, key=lambda name: (counts[name], name == statements.STATEMENT))


def is_number(text: str) -> bool:
    try:
        parse_signed(text)
    except AmountError:
        return False
    return True


def unknown_columns() -> str:
    return _(
        "The columns of this file are not known. Choose below which column holds what: the "
        "choice is saved, and the next file with the same columns is read without asking."
    )
