"""What reading an upload gives: its rows as payloads, and the problems that stop them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
