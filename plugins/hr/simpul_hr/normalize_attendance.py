"""Turns one day of one person from the attendance API into an ``attendance`` record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_hr.kinds import ATTENDANCE, ATTENDANCE_STATUSES, LATE, PRESENT, STAFF
from simpul_hr.normalize_scim import NAME_LIMIT, NIP


def normalize_attendance(raw: Mapping[str, Any], *, zone: tzinfo) -> RecordIn:
    """The attendance record for ``raw``; it needs the staff record of its NIP.

    Its ``created_at`` is the start of the day in the city's time zone ``zone``.
    """
    nip = raw.get("nip")
    if not isinstance(nip, str) or not NIP.fullmatch(nip):
        raise InvalidRecord(f"nip {nip!r} is not an 18-digit NIP")
    day = attendance_day(raw.get("date"))
    status = raw.get("status")
    if status not in ATTENDANCE_STATUSES:
        raise InvalidRecord(f"status {status!r} is not one of {', '.join(ATTENDANCE_STATUSES)}")
    check_in, check_out = moment(raw, "check_in"), moment(raw, "check_out")
    if status in (PRESENT, LATE) and check_in is None:
        raise InvalidRecord(f"a day with status {status!r} needs a check_in time")
    if check_in and check_out and check_out < check_in:
        raise InvalidRecord(
            f"check-out {raw['check_out']} is before check-in {raw['check_in']} ({nip}, {day})"
        )
    unit = raw.get("unit")
    if unit is not None and (not isinstance(unit, str) or len(unit) > NAME_LIMIT):
        raise InvalidRecord(f"unit {unit!r} is not a name of at most {NAME_LIMIT} characters")
    return RecordIn(
        external_id=f"{nip}-{day.isoformat()}",
        kind=ATTENDANCE,
        title=day.isoformat(),
        status=status,
        category=unit or None,
        created_at=datetime.combine(day, time(), zone),
        updated_at=moment(raw, "updated_at"),
        attributes={
            "nip": nip,
            "date": day.isoformat(),
            "check_in": check_in.isoformat() if check_in else None,
            "check_out": check_out.isoformat() if check_out else None,
            "unit": unit or None,
            "note": raw.get("note") if isinstance(raw.get("note"), str) else None,
        },
        references=((STAFF, nip),),
    )


def attendance_day(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"date {value!r} is not a date like '2026-11-23'") from None


def moment(raw: Mapping[str, Any], name: str) -> datetime | None:
    """The time ``raw[name]`` (ISO 8601 with a zone), None where it is empty."""
    value = raw.get(name)
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{name} {value!r} is not an ISO 8601 time") from None
    if found.tzinfo is None:
        raise InvalidRecord(f"{name} {value!r} has no time zone")
    return found
