"""The record kinds of the jobs plugin: job seekers, vacancies and placements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.api import RecordKind, Status

SEEKER, VACANCY, PLACEMENT = "job_seeker", "vacancy", "placement"
LOOKING, PLACED, EXPIRED = "looking", "placed", "expired"
OPEN, CLOSED = "open", "closed"

SEEKER_KIND = RecordKind(
    name=SEEKER,
    title=_l("Job seeker"),
    statuses=(
        Status(LOOKING, _l("Looking for work"), "yellow"),
        Status(PLACED, _l("Placed"), "green"),
        Status(EXPIRED, _l("AK/1 card expired"), "grey"),
    ),
)
VACANCY_KIND = RecordKind(
    name=VACANCY,
    title=_l("Vacancy"),
    statuses=(Status(OPEN, _l("Open"), "green"), Status(CLOSED, _l("Closed"), "grey")),
)
PLACEMENT_KIND = RecordKind(name=PLACEMENT, title=_l("Placement"))
KINDS = (SEEKER_KIND, VACANCY_KIND, PLACEMENT_KIND)
