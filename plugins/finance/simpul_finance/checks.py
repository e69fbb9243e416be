"""The finance checks of an import: rows against each other and against what a source stores.

- a budget line or an SP2D appears only once in a file, and an SP2D is not stored already (what
  a statement says is realized to date replaces what the last one said, so it may be);
- a realization is for a budget line stored in the source or in the same file, of the year of
  its date, and not dated in the future;
- a line is never realized beyond its budget: what is stored plus what the file adds, against
  the line's budget in the file if it is there, else the stored one; nor is a line's budget cut
  below what is already realized.

Checking also completes the payloads: a realization gets its line's agency code, and a line whose
stored budget changes is marked revised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.api import Record
from simpul_finance.formatting import rupiah
from simpul_finance.kinds import BUDGET_LINE, REALIZATION, REVISED
from simpul_finance.rows import FileRow, Problem

CHUNK = 500


@dataclass
class Line:
    """What is known of a budget line: its budget (None if unreadable), agency, year, and what
    is realized of it."""

    budget: Decimal | None
    agency_code: str | None
    year: int | None
    realized: Decimal = Decimal(0)


def check_rows(
    session: Session, source_id: int, rows: Sequence[FileRow], today: date
) -> list[Problem]:
    """Every finance problem of ``rows`` for an import into source ``source_id``."""
    budget_rows = [row for row in rows if row.kind == BUDGET_LINE]
    spending_rows = [row for row in rows if row.kind == REALIZATION]
    referenced = {row.payload.get("id") for row in budget_rows}
    referenced |= {row.payload.get("line_id") for row in spending_rows}
    stored = stored_lines(session, source_id, referenced - {None})
    numbers = {row.payload.get("sp2d_number") for row in spending_rows} - {None}
    already = stored_numbers(session, source_id, numbers)
    replacing = [row for row in spending_rows if row.payload.get("to_date")]
    for row in replacing:
        line = stored.get(row.payload.get("line_id"))
        if row.payload["sp2d_number"] in already and line is not None:
            line.realized -= already[row.payload["sp2d_number"]]
    return [
        *repeated(budget_rows, "id", _("Budget line %(value)s appears again: it is on %(place)s.")),
        *repeated(
            spending_rows, "sp2d_number", _("SP2D %(value)s appears again: it is on %(place)s.")
        ),
        *(
            problem(row, "sp2d_number", _("SP2D %(number)s is already stored.", number=number))
            for row in spending_rows
            if (number := row.payload.get("sp2d_number")) in already
            and not row.payload.get("to_date")
        ),
        *budget_cuts(budget_rows, stored),
        *spending(spending_rows, {**stored, **file_lines(budget_rows, stored)}, today),
    ]


def repeated(rows: Iterable[FileRow], name: str, message: str) -> Iterator[Problem]:
    """A problem for each row whose ``name`` an earlier row has already."""
    first: dict[str, FileRow] = {}
    for row in rows:
        value = row.payload.get(name)
        if value is None:
            continue
        if value in first:
            yield problem(row, name, message % {"value": value, "place": place(first[value])})
        else:
            first[value] = row


def budget_cuts(rows: Iterable[FileRow], stored: dict[str, Line]) -> Iterator[Problem]:
    """Lines whose new budget is below what is realized of them; marks changed lines revised."""
    for row in rows:
        line = stored.get(row.payload.get("id"))
        if line is None or "amount" not in row.payload:
            continue
        budget = Decimal(row.payload["amount"])
        if budget != line.budget:
            row.payload["status"] = REVISED
        if budget < line.realized:
            yield problem(
                row,
                "amount",
                _(
                    "The budget of line %(line)s would be %(budget)s, below the %(realized)s "
                    "already realized.",
                    line=row.payload["id"],
                    budget=rupiah(budget),
                    realized=rupiah(line.realized),
                ),
            )


def file_lines(rows: Iterable[FileRow], stored: dict[str, Line]) -> dict[str, Line]:
    """The lines of the file, with what is stored as realized of them."""
    lines = {}
    for row in rows:
        payload = row.payload
        if "id" in payload and payload["id"] not in lines:
            known = stored.get(payload["id"])
            lines[payload["id"]] = Line(
                Decimal(payload["amount"]) if "amount" in payload else None,
                payload.get("opd_code"),
                payload.get("year"),
                known.realized if known else Decimal(0),
            )
    return lines


def spending(rows: Iterable[FileRow], lines: dict[str, Line], today: date) -> Iterator[Problem]:
    """Realizations for unknown lines, of another year, in the future, or beyond the budget."""
    realized = {line_id: line.realized for line_id, line in lines.items()}
    for row in rows:
        payload = row.payload
        line_id = payload.get("line_id")
        line = lines.get(line_id)
        if line_id is None:
            continue
        if line is None:
            yield problem(
                row,
                "line_id",
                _(
                    "There is no budget line %(line)s, neither stored nor in this file.",
                    line=line_id,
                ),
            )
            continue
        if line.agency_code:
            payload["opd_code"] = line.agency_code
        yield from dated(row, line, today)
        if "amount" not in payload:
            continue
        realized[line_id] += Decimal(payload["amount"])
        if line.budget is not None and realized[line_id] > line.budget:
            yield problem(
                row,
                "amount",
                _(
                    "This realization overspends line %(line)s: %(realized)s realized of a budget "
                    "of %(budget)s, %(over)s over.",
                    line=line_id,
                    realized=rupiah(realized[line_id]),
                    budget=rupiah(line.budget),
                    over=rupiah(realized[line_id] - line.budget),
                ),
            )


def dated(row: FileRow, line: Line, today: date) -> Iterator[Problem]:
    if "date" not in row.payload:
        return
    day = date.fromisoformat(row.payload["date"])
    if day > today:
        yield problem(row, "date", _("The SP2D is dated in the future."))
    elif line.year is not None and day.year != line.year:
        yield problem(
            row,
            "date",
            _(
                "The SP2D is dated in %(year)d but line %(line)s is in the budget of %(budget)d.",
                year=day.year,
                line=row.payload["line_id"],
                budget=line.year,
            ),
        )


def stored_lines(session: Session, source_id: int, line_ids: set[str]) -> dict[str, Line]:
    """The live budget lines of the source among ``line_ids``, with what is realized of them."""
    lines = {}
    line_id = Record.attributes["line_id"].as_string()
    for chunk in chunks(sorted(line_ids)):
        for row in session.execute(
            select(Record.external_id, Record.amount, Record.category, Record.attributes).where(
                *_live(source_id, BUDGET_LINE), Record.external_id.in_(chunk)
            )
        ):
            lines[row.external_id] = Line(row.amount, row.category, row.attributes.get("year"))
        for realized_line, amount in session.execute(
            select(line_id, func.sum(Record.amount))
            .where(*_live(source_id, REALIZATION), line_id.in_(chunk))
            .group_by(line_id)
        ):
            if realized_line in lines:
                lines[realized_line].realized = amount
    return lines


def stored_numbers(session: Session, source_id: int, numbers: set[str]) -> dict[str, Decimal]:
    """The SP2D numbers among ``numbers`` the source already stores, with their amounts."""
    found: dict[str, Decimal] = {}
    for chunk in chunks(sorted(numbers)):
        rows = session.execute(
            select(Record.external_id, Record.amount).where(
                *_live(source_id, REALIZATION), Record.external_id.in_(chunk)
            )
        )
        found.update((row.external_id, row.amount) for row in rows)
    return found


def problem(row: FileRow, name: str, message: str) -> Problem:
    return Problem(message, row.table, row.number, row.headers.get(name))


def place(row: FileRow) -> str:
    if row.table:
        return _("row %(row)d of sheet %(sheet)s", row=row.number, sheet=row.table)
    return _("row %(row)d", row=row.number)


def chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _live(source_id: int, kind: str) -> list:
    return [Record.source_id == source_id, Record.kind == kind, Record.deleted_at.is_(None)]
