"""The complaint record kind: the hub's canonical statuses, each with its colour."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from features.complaints import cases
from features.complaints.statuses import (
    CLOSED,
    COORDINATION,
    DISPOSITION,
    IN_PROGRESS,
    OPEN,
    RESOLVED,
)
from hub.api import RecordKind, Status

KIND = cases.KIND

COMPLAINT = RecordKind(
    name=KIND,
    title=_l("Complaint"),
    statuses=(
        Status(OPEN, _l("Waiting"), "red"),
        Status(COORDINATION, _l("Coordination"), "yellow"),
        Status(DISPOSITION, _l("Handed off"), "yellow"),
        Status(IN_PROGRESS, _l("In process"), "yellow"),
        Status(RESOLVED, _l("Done"), "green"),
        Status(CLOSED, _l("Closed, not fixed"), "grey"),
    ),
)
