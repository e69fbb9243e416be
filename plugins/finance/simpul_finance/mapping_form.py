"""The form on which an officer tells which column of an unknown header holds which field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from simpul_finance import statements
from simpul_finance.layouts import LAYOUTS


@dataclass(frozen=True)
class Field:
    """A field to choose a column for: its name, the header a known file gives it, and whether
    it is needed."""

    name: str
    header: str
    required: bool


MAPPABLE: dict[str, tuple[Field, ...]] = {
    statements.STATEMENT: tuple(
        Field(c.field, c.header, c.required)
        for c in sorted(statements.COLUMNS, key=lambda c: not c.required)
        if c.field != "share"
    ),
    **{
        layout.kind: tuple(Field(c.field, c.header, c.required) for c in layout.columns)
        for layout in LAYOUTS
    },
}
"""The layouts a table can be mapped to, with their fields in the order the form asks them:
a statement's needed ones first."""


def guessed_columns(headers: tuple[str, ...], layout: str) -> dict[str, int]:
    """The column each field of ``layout`` likely is, from what the headers say."""
    if layout == statements.STATEMENT:
        found = statements.positions(headers)
    else:
        found = next(item for item in LAYOUTS if item.kind == layout).positions(headers)
    return {name: index for name, (index, _text) in found.items()}


def chosen_columns(form: Mapping[str, str], layout: str, width: int) -> dict[str, int] | str:
    """The column chosen for each field, or why the choice cannot be kept."""
    chosen: dict[str, int] = {}
    for field in MAPPABLE[layout]:
        value = form.get(f"column-{field.name}", "")
        if not value:
            if field.required:
                return _("Choose the column that holds %(field)s.", field=field.header)
            continue
        if not value.isdecimal() or int(value) >= width:
            return _("Choose the column of %(field)s among the file's columns.", field=field.header)
        chosen[field.name] = int(value)
    taken: dict[int, str] = {}
    for field in MAPPABLE[layout]:
        index = chosen.get(field.name)
        if index is None:
            continue
        if index in taken:
            return _(
                "One column cannot hold both %(first)s and %(second)s.",
                first=taken[index],
                second=field.header,
            )
        taken[index] = field.header
    return chosen


def layout_title(layout: str) -> str:
    """What a table of ``layout`` holds, as the form names it."""
    if layout == statements.STATEMENT:
        return _("A realization report (budget and realized per kode rekening)")
    return _("Budget lines") if layout == LAYOUTS[0].kind else _("Realizations (SP2D)")
