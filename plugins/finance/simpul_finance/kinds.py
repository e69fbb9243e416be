"""The record kinds of the finance plugin: budget lines (APBD) and their realizations (SP2D)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.api import RecordKind, Status

BUDGET_LINE = "budget_line"
REALIZATION = "realization"
ORIGINAL, REVISED = "original", "revised"
ISSUED = "issued"

BUDGET_LINE_KIND = RecordKind(
    BUDGET_LINE,
    _l("Budget line"),
    (
        Status(ORIGINAL, _l("Original budget"), "grey"),
        Status(REVISED, _l("Revised budget"), "grey"),
    ),
)
"""A line of the budget: one account of one activity of an agency, with the amount budgeted."""

REALIZATION_KIND = RecordKind(
    REALIZATION, _l("Realization"), (Status(ISSUED, _l("SP2D issued"), "green"),)
)
"""Money spent on a budget line: one SP2D (the order that disburses it)."""
