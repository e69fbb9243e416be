"""Downloads: any filtered complaint list as CSV or XLSX, and the writers of every table download.

A download never holds the whole list in memory: the rows come from the database in batches
through a server-side cursor (``yield_per``); the CSV is streamed to the browser as it is
written, and the XLSX is written row by row (openpyxl's write-only mode) to a temporary file
that is then sent. Text that a spreadsheet would run as a formula is kept as text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, send_file, stream_with_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import ColumnElement, Select, case
from sqlalchemy.orm import Session

from hub.complaints.rankings import overdue
from hub.complaints.routing import Routing
from hub.kinds import RecordKind
from hub.models import ComplaintCase, Record, Source
from hub.portal.complaint_queries import ParentArea, RecordArea, complaint_rows, newest_first

BATCH = 1000
CSV_BATCH = 200
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COMPLAINT_HEADER = (
    _l("ID"),
    _l("Source"),
    _l("External ID"),
    _l("Title"),
    _l("Category"),
    _l("Status"),
    _l("Kelurahan"),
    _l("Kecamatan"),
    _l("Agency"),
    _l("Received"),
    _l("First response"),
    _l("Resolved"),
    _l("Overdue"),
)


def complaint_export_query(where: Sequence[ColumnElement[bool]], now: datetime) -> Select:
    """The complaint list's own query (joins, ``where``, newest first) with the export's
    columns; ``overdue`` as at ``now``."""
    return newest_first(complaint_rows().where(*where)).with_only_columns(
        Record.id,
        Source.name.label("source_name"),
        Record.external_id,
        Record.title,
        Record.category,
        ComplaintCase.status,
        ComplaintCase.agency_code,
        RecordArea.level.label("area_level"),
        RecordArea.name.label("area_name"),
        ParentArea.name.label("parent_name"),
        ComplaintCase.received_at,
        ComplaintCase.first_response_at,
        ComplaintCase.resolved_at,
        case((overdue(now), 1), else_=0).label("overdue"),
        maintain_column_froms=True,
    )


def complaint_table(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    kind: RecordKind,
    routing: Routing,
    zone: ZoneInfo,
) -> Iterator[list[Any]]:
    """A header, then one row per complaint matching ``where``, read in batches; statuses and
    yes/no in the page's language, times in the city's ``zone``."""
    yield [str(title) for title in COMPLAINT_HEADER]
    answers = {True: gettext("Yes"), False: gettext("No")}
    query = complaint_export_query(where, now)
    for row in session.execute(query, execution_options={"yield_per": BATCH}):
        status = kind.status(row.status)
        agency = routing.agency(row.agency_code)
        village = row.area_level == "village"
        yield [
            row.id,
            row.source_name,
            row.external_id,
            row.title,
            row.category or "",
            str(status.label) if status else row.status,
            row.area_name if village else "",
            row.parent_name if village else row.area_name or "",
            agency.name if agency else row.agency_code or "",
            _local(row.received_at, zone),
            _local(row.first_response_at, zone),
            _local(row.resolved_at, zone),
            answers[bool(row.overdue)],
        ]


def csv_download(rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """Stream ``rows`` as a CSV attachment (UTF-8 with a byte-order mark, for Excel)."""
    response = Response(stream_with_context(_csv_chunks(rows)), mimetype=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(rows: Iterable[Sequence[Any]], filename: str, title: str) -> Response:
    """Write ``rows`` (the first is the header) to a one-sheet workbook and send it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for number, row in enumerate(rows):
        sheet.append([_xlsx_cell(sheet, value, header=number == 0) for value in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    workbook.save(file)
    file.seek(0)
    return send_file(file, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)


def _csv_chunks(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if number % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, header: bool) -> WriteOnlyCell:
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if header:
        cell.font = Font(bold=True)
    return cell


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None
