"""The complaint record kind: the hub's canonical statuses for citizen complaints.

Registered as a built-in plugin, through the same hooks any plugin uses.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.hookspecs import hookimpl
from hub.kinds import RecordKind, Status
from hub.menu import MenuItem

KIND = "complaint"
OPEN, IN_PROGRESS, RESOLVED, CLOSED = "open", "in_progress", "resolved", "closed"

COMPLAINT = RecordKind(
    name=KIND,
    title=_l("Complaint"),
    statuses=(
        Status(OPEN, _l("Waiting"), "red"),
        Status(IN_PROGRESS, _l("In process"), "yellow"),
        Status(RESOLVED, _l("Done"), "green"),
        Status(CLOSED, _l("Closed, not fixed"), "grey"),
    ),
)


@hookimpl
def register_record_kinds() -> list[RecordKind]:
    return [COMPLAINT]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [
        MenuItem(_l("Complaints"), "complaints.index", order=10),
        MenuItem(_l("Data sources"), "sources.index", order=90),
    ]
