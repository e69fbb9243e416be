"""Downloads of any filtered complaint list, as a :class:`~hub.exports.Table` for CSV or XLSX.

The rows come from the database in batches through a server-side cursor (``yield_per``), so a
download never holds the whole list in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, case
from sqlalchemy.orm import Session

from features.complaints.models import ComplaintCase
from features.complaints.queries import ParentArea, RecordArea, complaint_rows, newest_first
from features.complaints.rankings import overdue
from features.complaints.routing import Routing
from hub.api import Record, RecordKind, Source, Table

BATCH = 1000
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


def complaint_table(rows: Iterable[Sequence[Any]]) -> Table:
    """The download of ``rows`` (from :func:`complaint_export_rows`), headed in the page's
    language."""
    return Table([str(title) for title in COMPLAINT_HEADER], rows, gettext("Complaints"))


def complaint_export_rows(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    kind: RecordKind,
    routing: Routing,
    zone: ZoneInfo,
) -> Iterator[list[Any]]:
    """One row per complaint matching ``where``, read in batches; statuses and yes/no in the
    page's language, times in the city's ``zone``."""
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


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None
