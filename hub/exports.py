"""Tables as CSV or XLSX downloads, safe to open in Excel or LibreOffice.

A :class:`Table` is a header and rows of values (any iterable, read once, so rows can come
from the database in batches). :func:`export_table` turns it into the file's bytes and
:func:`download` into a download response: a CSV is streamed as it is written, an XLSX is
written row by row (openpyxl's write-only mode) to a temporary file that is then sent.

Text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) never runs: in a CSV it gets a leading ``'``, in an XLSX it is stored as a
text cell. Numbers, dates and Decimals stay numbers and dates in an XLSX.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any, Literal
from urllib.parse import quote

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Format = Literal["csv", "xlsx"]

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
"""Starts every CSV, so that Excel reads it as UTF-8 and shows Indonesian text right."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 200
"""Rows written to the response at a time."""
PLAIN = (int, float, Decimal, datetime, date, time, timedelta)
"""Values a cell keeps as they are (``bool`` is an ``int``); anything else becomes text."""
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')
UNSAFE_IN_TITLE = re.compile(r"[\\/*?:\[\]]")


@dataclass(frozen=True)
class Table:
    """A header and its rows. ``title`` names the XLSX sheet; ``notes`` are rows above the
    header in the XLSX only (a period, say), so that a CSV stays one plain table."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title: str = "Sheet"
    notes: Sequence[Sequence[Any]] = ()


def export_table(table: Table, fmt: Format) -> bytes:
    """The table as a CSV (UTF-8 with a byte-order mark) or XLSX file."""
    if fmt == "csv":
        return "".join(_csv_chunks(table)).encode("utf-8")
    if fmt == "xlsx":
        output = io.BytesIO()
        _write_xlsx(table, output)
        return output.getvalue()
    raise ValueError(f"Unknown format {fmt!r}")


def download(table: Table, fmt: Format, name: str) -> Response:
    """A response that downloads the table as ``name`` with the format's extension."""
    if fmt == "csv":
        response = Response(stream_with_context(_csv_chunks(table)), content_type=CSV_TYPE)
    elif fmt == "xlsx":
        file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
        _write_xlsx(table, file)
        file.seek(0)
        response = send_file(file, mimetype=XLSX_TYPE)
    else:
        raise ValueError(f"Unknown format {fmt!r}")
    response.headers["Content-Disposition"] = _attachment(name, fmt)
    return response


def _attachment(name: str, extension: str) -> str:
    """A ``Content-Disposition`` header for ``name``, whatever it holds: no quotes, slashes or
    control characters, and an ASCII name beside the UTF-8 one (RFC 6266)."""
    name = f"{UNSAFE_IN_NAME.sub('_', name).strip(' .') or 'download'}.{extension}"
    letters = unicodedata.normalize("NFKD", name)
    ascii_name = "".join(c if c.isascii() else "_" for c in letters if not unicodedata.combining(c))
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _csv_value(value: Any) -> Any:
    """``value`` as the CSV writer should get it: formula-like text starts with ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, PLAIN):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_chunks(table: Table) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    writer.writerow([_csv_value(value) for value in table.header])
    for number, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if number % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _write_xlsx(table: Table, file: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    title = UNSAFE_IN_TITLE.sub("-", table.title)[:31].strip() or "Sheet"
    sheet = workbook.create_sheet(title)
    for note in table.notes:
        sheet.append([_xlsx_cell(sheet, value) for value in note])
    sheet.append([_xlsx_cell(sheet, value, bold=True) for value in table.header])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(file)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, bold: bool = False) -> WriteOnlyCell:
    """A cell of ``value``; text is always a text cell, never a formula. A time zone is dropped
    (Excel has none): convert moments to the city's time first."""
    if isinstance(value, datetime | time):
        value = value.replace(tzinfo=None)
    elif value is not None and not isinstance(value, PLAIN):
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell
