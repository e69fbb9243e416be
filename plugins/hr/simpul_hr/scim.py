"""SCIM 2.0 vocabulary (RFC 7643/7644) shared by the connector, the normalizer and the simulator:
schema URNs, attribute paths and timestamps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CIVIL_SERVICE = "urn:simpul:scim:schemas:extension:asn:1.0:User"
"""Indonesian civil-service fields of a user: ``position`` (jabatan), ``rank`` (golongan) and
``postingAreaCode`` (the Kemendagri code of the kelurahan, kecamatan or city of the posting)."""
FORMATION = "urn:simpul:scim:schemas:extension:formation:1.0:Group"
"""A unit's ``organization`` (its OPD), ``areaCode`` and ``formation``: the positions it has, as
``[{"position": "Lurah", "count": 1}, ...]``."""
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
DEPARTMENT = f"{ENTERPRISE}:department"


def attribute(resource: Mapping[str, Any], path: str) -> Any:
    """The value at a SCIM attribute ``path`` of ``resource``, None where there is none.

    A path is ``name.sub`` for core attributes, or prefixed with its schema URN for extension
    ones: ``urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department``.
    """
    value: Any = resource
    if path.startswith("urn:"):
        schema, _, path = path.rpartition(":")
        value = resource.get(schema)
    for name in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def format_time(moment: datetime) -> str:
    """A SCIM dateTime in UTC with microseconds: ``2026-11-23T01:02:03.000004Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime:
    """A SCIM dateTime (xsd:dateTime with a zone); ValueError if ``value`` is not one."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a dateTime")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment.astimezone(UTC)
