"""Importing a file of budget lines and realizations: a preview with every problem, then all or
nothing.

The file is read row by row into payloads for the ``finance`` normalizer, checked (cells, the
finance checks against what the source stores, and the hub's own checks), and committed only
when nothing is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from hub.api import (
    ImportProblem,
    ImportRejected,
    Source,
    commit_import,
    preview_import,
    read_session,
)
from simpul_finance.checks import check_rows
from simpul_finance.mappings import saved_mappings
from simpul_finance.reading import Unmapped, read_file
from simpul_finance.rows import FileRow, Problem
from simpul_finance.tables import FileRefused

SAMPLE_ROWS = 10


@dataclass
class Preview:
    """What importing a file would do: its rows, and every problem that stops it."""

    rows: list[FileRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)
    unmapped: Unmapped | None = None

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [row.payload for row in self.rows]

    def of_kind(self, kind: str) -> list[FileRow]:
        return [row for row in self.rows if row.kind == kind]

    def total(self, kind: str) -> Decimal:
        return sum(
            (Decimal(row.payload.get("amount", 0)) for row in self.of_kind(kind)), Decimal(0)
        )

    def sample(self, kind: str) -> list[FileRow]:
        return self.of_kind(kind)[:SAMPLE_ROWS]


@dataclass(frozen=True)
class Imported:
    """What a committed import did to the source's records."""

    created: int
    updated: int
    unchanged: int


class ImportFailed(Exception):
    """The import was refused and nothing was stored; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was stored")
        self.problems = problems


def preview(data: bytes, source_name: str, today: date) -> Preview:
    """Read ``data`` and find every problem importing it into ``source_name`` would meet."""
    with read_session() as session:
        saved = saved_mappings(session, source_name)
    try:
        contents = read_file(data, saved, today)
    except FileRefused as error:
        return Preview(problems=[Problem(str(error))])
    result = Preview(
        contents.rows, contents.problems, contents.skipped, contents.layouts, contents.unmapped
    )
    with read_session() as session:
        source_id = session.scalar(select(Source.id).where(Source.name == source_name))
        if source_id is None:
            result.problems.append(
                Problem(_("The source %(name)s is not set up.", name=source_name))
            )
            return result
        result.problems += check_rows(session, source_id, result.rows, today)
    flagged = {(p.table, p.row) for p in result.problems}
    clean = [row for row in result.rows if (row.table, row.number) not in flagged]
    result.problems += hub_problems(source_name, clean)
    result.problems.sort(key=problem_order(contents.tables))
    return result


def commit(result: Preview, source_name: str) -> Imported:
    """Store every row of a preview without problems, as one run of the source; ImportFailed if
    the hub refuses any of them."""
    try:
        run = commit_import(source_name, result.payloads)
    except ImportRejected as rejected:
        raise ImportFailed([located(p, result.rows) for p in rejected.problems]) from None
    return Imported(run.created, run.updated, run.unchanged)


def hub_problems(source_name: str, rows: list[FileRow]) -> list[Problem]:
    """What the hub's own checks (the normalizer, area codes) say of ``rows``."""
    return [located(p, rows) for p in preview_import(source_name, [row.payload for row in rows])]


def located(problem: ImportProblem, rows: list[FileRow]) -> Problem:
    """A hub problem about payload number ``problem.index`` as a problem of its row in the file."""
    if not 0 <= problem.index < len(rows):
        return Problem(problem.message)
    row = rows[problem.index]
    return Problem(problem.message, row.table, row.number)


def problem_order(tables: list[str]) -> Callable[[Problem], tuple[bool, int, int]]:
    """Sort key: problems of the whole file first, then by table and row."""
    order = {name: index for index, name in enumerate(tables)}
    return lambda p: (p.row is not None, order.get(p.table, -1), p.row or 0)
