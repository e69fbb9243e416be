"""Creating many users at once from a CSV file, all or nothing.

The file is UTF-8, with or without a byte order mark (as spreadsheets save it), its values
separated by ``;`` or ``,`` (whichever its first line uses more). The first line names the
columns :data:`COLUMNS`, in any order; other columns are ignored. Every row is checked as one
user made on the administrators' page would be, and against the other rows: if anything is
wrong, nothing is created and each line with a problem is named with all of its problems.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.auth.manage import (
    UserValues,
    check_values,
    create_account,
    existing_areas,
    existing_usernames,
)
from hub.auth.users import offered_agencies
from hub.models import User

COLUMNS = ("username", "full_name", "role", "area_code", "agency_code")
MAX_ROWS = 5000


@dataclass(frozen=True)
class LineProblem:
    """What is wrong on one line of the file (line 1 is the header)."""

    line: int
    messages: tuple[str, ...]


class ImportRefused(Exception):
    """The file cannot be imported; nothing was created."""

    def __init__(self, problems: list[LineProblem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {' '.join(p.messages)}" for p in problems))
        self.problems = sorted(problems, key=lambda problem: problem.line)


@dataclass(frozen=True)
class Row:
    line: int
    values: UserValues


@dataclass(frozen=True)
class Created:
    """A user the import created, and the token of their set-password link."""

    username: str
    full_name: str
    token: str


def read_rows(data: bytes) -> list[Row]:
    """The users in a CSV file; raises :class:`ImportRefused` if the file cannot be read."""
    text = _decode(data)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ImportRefused([LineProblem(1, (str(_l("The file is empty.")),))])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        columns = _columns(header)
        rows: list[Row] = []
        problems: list[LineProblem] = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) > len(header):
                    message = _l(
                        "This line has %(found)d values but the first line names %(count)d "
                        "columns.",
                        found=len(cells),
                        count=len(header),
                    )
                    problems.append(LineProblem(line, (str(message),)))
                else:
                    values = {name: _cell(cells, index) for name, index in columns.items()}
                    rows.append(Row(line, UserValues.read(values)))
            line = reader.line_num + 1
    except csv.Error as error:
        message = _l("This line cannot be read as CSV: %(error)s.", error=str(error))
        raise ImportRefused([LineProblem(reader.line_num or 1, (str(message),))]) from None
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused(
            [
                LineProblem(
                    2,
                    (
                        str(
                            _l("The file names no users."),
                        ),
                    ),
                )
            ]
        )
    if len(rows) > MAX_ROWS:
        message = _l("A file has at most %(count)d users; split it.", count=MAX_ROWS)
        raise ImportRefused([LineProblem(rows[MAX_ROWS].line, (str(message),))])
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _l("The file is not in UTF-8: save it again as “CSV UTF-8”.")
        raise ImportRefused([LineProblem(line, (str(message),))]) from None


def _columns(header: list[str]) -> dict[str, int]:
    messages = []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        messages.append(
            _l(
                "The first line must name the columns %(columns)s; %(missing)s is missing.",
                columns=", ".join(COLUMNS),
                missing=", ".join(missing),
            )
        )
    repeated = sorted({name for name in COLUMNS if header.count(name) > 1})
    if repeated:
        messages.append(
            _l("The column %(name)s is named more than once.", name=", ".join(repeated))
        )
    if messages:
        raise ImportRefused([LineProblem(1, tuple(str(message) for message in messages))])
    return {name: header.index(name) for name in COLUMNS}


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def check_rows(session: Session, rows: list[Row]) -> list[LineProblem]:
    """Every line with a problem: against the rules, the database and the other lines."""
    areas = existing_areas(session, (row.values.area_code for row in rows))
    taken = existing_usernames(session, (row.values.username for row in rows))
    agencies = offered_agencies()
    lines_of: dict[str, list[int]] = {}
    for row in rows:
        if row.values.username:
            lines_of.setdefault(row.values.username, []).append(row.line)
    problems = []
    for row in rows:
        messages = [
            str(problem.message)
            for problem in check_values(row.values, areas=areas, agencies=agencies, taken=taken)
        ]
        others = [line for line in lines_of.get(row.values.username, ()) if line != row.line]
        if others:
            message = _l(
                "The username %(name)s is also on line %(lines)s.",
                name=row.values.username,
                lines=", ".join(str(line) for line in others),
            )
            messages.append(str(message))
        if messages:
            problems.append(LineProblem(row.line, tuple(messages)))
    return problems


def import_users(session: Session, actor: User | None, data: bytes, *, via: str) -> list[Created]:
    """Create every user of the CSV file ``data``, each with a set-password link, or none:
    raises :class:`ImportRefused` naming every line with a problem."""
    rows = read_rows(data)
    problems = check_rows(session, rows)
    if problems:
        raise ImportRefused(problems)
    created = []
    for row in rows:
        user, token = create_account(session, actor, row.values, via=via)
        created.append(Created(user.username, user.full_name, token))
    return created
