"""The states of a report, with the labels and traffic-light colours the pages show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from features.reports.models import ACCEPTED, RETURNED, SUBMITTED
from hub.api import Status

STATES = {
    SUBMITTED: Status(SUBMITTED, _l("Waiting for review"), "yellow"),
    ACCEPTED: Status(ACCEPTED, _l("Accepted"), "green"),
    RETURNED: Status(RETURNED, _l("Returned for changes"), "red"),
}
