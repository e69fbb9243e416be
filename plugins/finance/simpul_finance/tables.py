"""Reading an uploaded file as tables of cells, row by row: a CSV file, or each sheet of an XLSX
workbook. The format is told from the content, never from the file's name."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 50_000
XLSX_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", ";", "\t")
SNIFFED_LINES = 10
"""The delimiter is the one used most in the first lines, title rows above the header included."""

Row = tuple[int, tuple[Any, ...]]
"""A row's number in the file (counting from 1, as a spreadsheet does) and its cells."""


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Table:
    """One table of a file: a CSV file (``name`` is empty) or one sheet of a workbook."""

    name: str
    rows: Iterator[Row]


def read_tables(data: bytes) -> Iterator[Table]:
    """The tables in ``data``; FileRefused if it is neither a CSV file nor an XLSX workbook."""
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(XLSX_SIGNATURE):
        yield from _workbook(data)
    elif data.startswith(OLD_EXCEL_SIGNATURE):
        raise FileRefused(_("This is an old Excel workbook (.xls): save it as .xlsx or CSV."))
    elif b"\x00" in data:
        raise FileRefused(_("This is neither a CSV file nor an XLSX workbook."))
    else:
        yield Table("", _limited(_csv_rows(data)))


def _csv_rows(data: bytes) -> Iterator[Row]:
    head = b"\n".join(data.split(b"\n", SNIFFED_LINES)[:SNIFFED_LINES])
    delimiter = max(DELIMITERS, key=lambda candidate: head.count(candidate.encode()))
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            yield number, tuple(cells)
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” or as an XLSX workbook.")
        ) from None
    except csv.Error as error:
        raise FileRefused(_("The CSV file cannot be read: %(error)s", error=error)) from None


def _workbook(data: bytes) -> Iterator[Table]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileRefused(_("This is neither a CSV file nor an XLSX workbook.")) from None
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            yield Table(sheet.title, _limited(_damage_refused(rows)))
    finally:
        book.close()


def _damage_refused(rows: Iterator[Row]) -> Iterator[Row]:
    """``rows``, with a damaged workbook (whatever openpyxl raises then) refused clearly."""
    try:
        yield from rows
    except Exception as error:
        raise FileRefused(
            _("The workbook is damaged and cannot be read (%(error)s).", error=type(error).__name__)
        ) from None


def _limited(rows: Iterator[Row]) -> Iterator[Row]:
    for number, cells in rows:
        if number > MAX_ROWS + 1:
            raise FileRefused(_("The file has more than %(count)d rows: split it.", count=MAX_ROWS))
        yield number, cells
