"""The record kinds of the HR plugin: staff, the units they work in, and daily attendance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.api import RecordKind, Status

STAFF, UNIT, ATTENDANCE = "staff", "unit", "attendance"
ACTIVE, INACTIVE = "active", "inactive"
PRESENT, LATE, LEAVE, DUTY_TRAVEL, ABSENT = "present", "late", "leave", "duty_travel", "absent"
ATTENDANCE_STATUSES = (PRESENT, LATE, LEAVE, DUTY_TRAVEL, ABSENT)

STAFF_KIND = RecordKind(
    STAFF,
    _l("Civil servant"),
    statuses=(
        Status(ACTIVE, _l("Active"), "green"),
        Status(INACTIVE, _l("Inactive"), "grey"),
    ),
)
"""A civil servant: external id = NIP, title = position, category = unit, area = posting."""

UNIT_KIND = RecordKind(UNIT, _l("Work unit"), statuses=(Status(ACTIVE, _l("Active"), "green"),))
"""A work unit (a SCIM group): external id = its name, category = its OPD, with its formation."""

ATTENDANCE_KIND = RecordKind(
    ATTENDANCE,
    _l("Attendance"),
    statuses=(
        Status(PRESENT, _l("Present"), "green"),
        Status(LATE, _l("Late"), "yellow"),
        Status(LEAVE, _l("On leave"), "grey"),
        Status(DUTY_TRAVEL, _l("Duty travel"), "grey"),
        Status(ABSENT, _l("Absent"), "red"),
    ),
)
"""One person's day: external id = NIP and date, created at = the day, category = unit."""

KINDS = (STAFF_KIND, UNIT_KIND, ATTENDANCE_KIND)
