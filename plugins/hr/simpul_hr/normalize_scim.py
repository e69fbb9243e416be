"""Turns SCIM resources into records: a Group into a ``unit``, a User into a ``staff`` member.

The connector adds to each User the unit it names under :data:`UNIT_KEY`, read with the source's
``unit_attribute``; a staff record refers to that unit, so a user of a unit the source does not
list is a record error ("unknown unit ..."). A user who names no unit, has no NIP or no position
is still stored: any identity provider's users are staff.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.api import InvalidRecord, RecordIn
from simpul_hr.kinds import ACTIVE, INACTIVE, STAFF, UNIT
from simpul_hr.scim import (
    CIVIL_SERVICE,
    DEPARTMENT,
    ENTERPRISE,
    FORMATION,
    GROUP_SCHEMA,
    USER_SCHEMA,
    attribute,
    parse_time,
)

UNIT_KEY = "simpul:unit"
SCIM_ID_PREFIX = "scim:"
"""Starts the external id of a user who has no NIP, before their SCIM id."""
NIP = re.compile(r"\d{18}")
AREA_CODE = re.compile(r"\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?")
NAME_LIMIT = 100
"""The longest unit or OPD name the records table holds (as a category)."""


def normalize_scim(raw: Mapping[str, Any]) -> RecordIn:
    """The record for one SCIM resource; InvalidRecord says what makes it unusable."""
    schemas = raw.get("schemas")
    if not isinstance(schemas, list):
        raise InvalidRecord("SCIM resource has no schemas list")
    if GROUP_SCHEMA in schemas:
        return unit_record(raw)
    if USER_SCHEMA in schemas:
        return staff_record(raw)
    raise InvalidRecord(f"SCIM resource is neither a User nor a Group (schemas {schemas!r})")


def staff_record(raw: Mapping[str, Any]) -> RecordIn:
    """A ``staff`` record for a SCIM User.

    Its external id is the NIP when the enterprise ``employeeNumber`` is one (18 digits), else
    ``scim:<id>``: the SCIM id, which a provider never changes, unlike the ``userName``.
    """
    scim_id = resource_id(raw, "user")
    nip = valid_nip(attribute(raw, f"{ENTERPRISE}:employeeNumber"))
    unit = bounded(UNIT_KEY, stripped(raw.get(UNIT_KEY)))
    position = stripped(attribute(raw, f"{CIVIL_SERVICE}:position")) or stripped(raw.get("title"))
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise InvalidRecord(f"SCIM user {scim_id!r}: active {active!r} is not true or false")
    return RecordIn(
        external_id=nip or bounded("SCIM id", f"{SCIM_ID_PREFIX}{scim_id}"),
        kind=STAFF,
        title=position or "",
        status=ACTIVE if active else INACTIVE,
        category=unit,
        area_code=area_code(attribute(raw, f"{CIVIL_SERVICE}:postingAreaCode")),
        created_at=meta_time(raw, "created"),
        updated_at=meta_time(raw, "lastModified"),
        attributes={
            "nip": nip,
            "name": display_name(raw),
            "user_name": stripped(raw.get("userName")),
            "rank": stripped(attribute(raw, f"{CIVIL_SERVICE}:rank")),
            "position": position,
            "unit": unit,
            "department": bounded("department", stripped(attribute(raw, DEPARTMENT))),
            "opd": bounded("organization", stripped(attribute(raw, f"{ENTERPRISE}:organization")))
            or unit,
            "manager": manager(raw),
            "scim_id": scim_id,
        },
        references=((UNIT, unit),) if unit else (),
    )


def valid_nip(value: Any) -> str | None:
    """``value`` if it is an 18-digit NIP; None for any other employee number, or none."""
    return value if isinstance(value, str) and NIP.fullmatch(value) else None


def manager(raw: Mapping[str, Any]) -> dict[str, str] | None:
    """The enterprise ``manager`` as ``{"id": <their SCIM id>, "name": <displayName>}``."""
    given = attribute(raw, f"{ENTERPRISE}:manager")
    if not isinstance(given, Mapping):
        return None
    found = {"id": stripped(given.get("value")), "name": stripped(given.get("displayName"))}
    kept = {key: value for key, value in found.items() if value}
    return kept or None


def unit_record(raw: Mapping[str, Any]) -> RecordIn:
    """A ``unit`` record for a SCIM Group; its external id is the group's displayName."""
    scim_id = resource_id(raw, "group")
    name = required_name(raw, "displayName", f"SCIM group {scim_id!r} has no displayName")
    details = raw.get(FORMATION) or {}
    if not isinstance(details, Mapping):
        raise InvalidRecord(f"SCIM group {scim_id!r}: {FORMATION} is not an object")
    organization = bounded("organization", stripped(details.get("organization"))) or name
    return RecordIn(
        external_id=name,
        kind=UNIT,
        title=name,
        status=ACTIVE,
        category=organization,
        area_code=area_code(details.get("areaCode")),
        created_at=meta_time(raw, "created"),
        updated_at=meta_time(raw, "lastModified"),
        attributes={
            "scim_id": scim_id,
            "organization": organization,
            "formation": formation(scim_id, details.get("formation", [])),
        },
    )


def resource_id(raw: Mapping[str, Any], noun: str) -> str:
    """The SCIM ``id`` of a resource; a resource without one cannot be followed."""
    scim_id = raw.get("id")
    if not isinstance(scim_id, str) or not scim_id.strip():
        known_as = raw.get("userName") or raw.get("displayName")
        named = f" {known_as!r}" if isinstance(known_as, str) else ""
        raise InvalidRecord(f"SCIM {noun}{named} has no id")
    return scim_id


def formation(scim_id: str, value: Any) -> dict[str, int]:
    """A unit's formation as ``{position: how many}``."""
    if not isinstance(value, list):
        raise InvalidRecord(f"SCIM group {scim_id!r}: formation is not a list")
    counts: dict[str, int] = {}
    for item in value:
        position = stripped(item.get("position")) if isinstance(item, Mapping) else None
        count = item.get("count") if isinstance(item, Mapping) else None
        if not position or type(count) is not int or count < 0:
            raise InvalidRecord(
                f"SCIM group {scim_id!r}: formation entry {item!r} needs a position and a count"
            )
        counts[position] = counts.get(position, 0) + count
    return counts


def display_name(raw: Mapping[str, Any]) -> str:
    """The person's name as the provider spells it."""
    given, family = attribute(raw, "name.givenName"), attribute(raw, "name.familyName")
    parts = " ".join(part for part in (stripped(given), stripped(family)) if part)
    return (
        stripped(raw.get("displayName"))
        or stripped(attribute(raw, "name.formatted"))
        or parts
        or stripped(raw.get("userName"))
        or ""
    )


def area_code(value: Any) -> str | None:
    """A Kemendagri code of a city, kecamatan or kelurahan, or None where there is none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not AREA_CODE.fullmatch(value):
        raise InvalidRecord(f"area code {value!r} is not a Kemendagri code like '71.71.04.1005'")
    return value


def meta_time(raw: Mapping[str, Any], name: str) -> datetime | None:
    value = attribute(raw, f"meta.{name}")
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise InvalidRecord(f"meta.{name} {value!r} is not a dateTime with a zone") from None


def required_name(raw: Mapping[str, Any], key: str, missing: str) -> str:
    """The name under ``key``, within the column's limit; InvalidRecord ``missing`` if none."""
    value = bounded(key, stripped(raw.get(key)))
    if not value:
        raise InvalidRecord(missing)
    return value


def bounded(label: str, value: str | None) -> str | None:
    """``value`` if it fits in a category; InvalidRecord naming ``label`` if it is too long."""
    if value is not None and len(value) > NAME_LIMIT:
        raise InvalidRecord(f"{label} {value[:40]!r}... is longer than {NAME_LIMIT} characters")
    return value


def stripped(value: Any) -> str | None:
    """The text ``value`` without surrounding blanks, None if it is empty or not text."""
    return value.strip() or None if isinstance(value, str) else None
