"""Normalizing SCIM users and groups and attendance days: the records, and clear errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from simpul_hr.normalize_attendance import normalize_attendance
from simpul_hr.normalize_scim import UNIT_KEY, normalize_scim
from simpul_hr.scim import CIVIL_SERVICE, ENTERPRISE, FORMATION, GROUP_SCHEMA, USER_SCHEMA

from hub.api import InvalidRecord, RecordIn

WITA = ZoneInfo("Asia/Makassar")
NIP = "197805122005011003"


def user(**changes: Any) -> dict[str, Any]:
    """A SCIM user as a provider serves one, with the unit the connector adds."""
    resource = {
        "schemas": [USER_SCHEMA, ENTERPRISE, CIVIL_SERVICE],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": NIP,
        "name": {"givenName": "Jeane", "familyName": "Rumengan"},
        "displayName": "Jeane Rumengan, S.STP",
        "active": True,
        ENTERPRISE: {
            "employeeNumber": NIP,
            "organization": "Kecamatan Wenang",
            "department": "Kelurahan Wenang Utara",
        },
        CIVIL_SERVICE: {"position": "Lurah", "rank": "III/d", "postingAreaCode": "71.71.04.1005"},
        "meta": {
            "resourceType": "User",
            "created": "2024-03-01T00:00:00Z",
            "lastModified": "2026-11-20T02:30:00.000001Z",
        },
        UNIT_KEY: "Kelurahan Wenang Utara",
    }
    return {**resource, **changes}


def group(**changes: Any) -> dict[str, Any]:
    resource = {
        "schemas": [GROUP_SCHEMA, FORMATION],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Kelurahan Wenang Utara",
        FORMATION: {
            "organization": "Kecamatan Wenang",
            "areaCode": "71.71.04.1005",
            "formation": [{"position": "Lurah", "count": 1}, {"position": "Staf", "count": 3}],
        },
        "meta": {"created": "2020-01-01T00:00:00Z", "lastModified": "2026-11-01T00:00:00Z"},
    }
    return {**resource, **changes}


def day(**changes: Any) -> dict[str, Any]:
    record = {
        "id": f"ABS-20261120-{NIP}",
        "nip": NIP,
        "unit": "Kelurahan Wenang Utara",
        "date": "2026-11-20",
        "status": "late",
        "check_in": "2026-11-20T08:37:00+08:00",
        "check_out": "2026-11-20T16:30:00+08:00",
        "updated_at": "2026-11-20T16:30:00+08:00",
    }
    return {**record, **changes}


def test_a_user_is_a_staff_record_named_by_nip_that_needs_its_unit() -> None:
    record = normalize_scim(user())

    assert record == RecordIn(
        external_id=NIP,
        kind="staff",
        title="Lurah",
        status="active",
        category="Kelurahan Wenang Utara",
        area_code="71.71.04.1005",
        created_at=datetime(2024, 3, 1, tzinfo=UTC),
        updated_at=datetime(2026, 11, 20, 2, 30, 0, 1, tzinfo=UTC),
        attributes={
            "nip": NIP,
            "name": "Jeane Rumengan, S.STP",
            "user_name": NIP,
            "rank": "III/d",
            "position": "Lurah",
            "unit": "Kelurahan Wenang Utara",
            "department": "Kelurahan Wenang Utara",
            "opd": "Kecamatan Wenang",
            "manager": None,
            "scim_id": "2819c223-7f76-453a-919d-413861904646",
        },
        references=(("unit", "Kelurahan Wenang Utara"),),
    )
    assert normalize_scim(user(active=False)).status == "inactive"
    assert normalize_scim(user(**{CIVIL_SERVICE: {}}, title="Camat")).title == "Camat"


@pytest.mark.parametrize("employee_number", [None, "", "E-1042", "1978", 197805122005011003])
def test_a_user_without_a_nip_is_kept_under_their_scim_id(employee_number: Any) -> None:
    enterprise = {"employeeNumber": employee_number, "department": "Kelurahan Wenang Utara"}

    record = normalize_scim(user(**{ENTERPRISE: enterprise}))

    assert record.external_id == "scim:2819c223-7f76-453a-919d-413861904646"
    assert record.attributes["nip"] is None
    assert record.attributes["user_name"] == NIP
    assert record.title == "Lurah"


def test_a_user_of_any_provider_is_kept_without_the_enterprise_extension() -> None:
    plain = {
        "schemas": [USER_SCHEMA],
        "id": "u-17",
        "userName": "budi@manadokota.go.id",
        "title": "Analis Kepegawaian",
        UNIT_KEY: None,
    }

    record = normalize_scim(plain)

    assert (record.external_id, record.title, record.category) == (
        "scim:u-17",
        "Analis Kepegawaian",
        None,
    )
    assert record.references == ()
    assert record.attributes["name"] == "budi@manadokota.go.id"
    assert record.attributes["opd"] is None and record.attributes["manager"] is None
    assert normalize_scim({**plain, "title": None}).title == ""


def test_the_manager_department_and_organization_come_from_the_enterprise_extension() -> None:
    enterprise = {
        "employeeNumber": NIP,
        "department": "Bagian Umum",
        "organization": "Sekretariat Daerah",
        "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "Ir. Lolong"},
    }

    record = normalize_scim(user(**{ENTERPRISE: enterprise, UNIT_KEY: "Bagian Umum"}))

    assert record.attributes["manager"] == {
        "id": "26118915-6090-4610-87e4-49d8ca9f808d",
        "name": "Ir. Lolong",
    }
    assert (record.attributes["department"], record.attributes["opd"]) == (
        "Bagian Umum",
        "Sekretariat Daerah",
    )
    only_id = {**enterprise, "manager": {"value": "m-1"}}
    assert normalize_scim(user(**{ENTERPRISE: only_id})).attributes["manager"] == {"id": "m-1"}
    assert (
        normalize_scim(user(**{ENTERPRISE: {**enterprise, "manager": "m-1"}})).attributes["manager"]
        is None
    )


def test_a_group_is_a_unit_with_its_formation() -> None:
    record = normalize_scim(group())

    assert (record.external_id, record.kind, record.category) == (
        "Kelurahan Wenang Utara",
        "unit",
        "Kecamatan Wenang",
    )
    assert record.area_code == "71.71.04.1005"
    assert record.attributes["formation"] == {"Lurah": 1, "Staf": 3}


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ({k: v for k, v in user().items() if k != "id"}, f"SCIM user '{NIP}' has no id"),
        (group(id=" "), "SCIM group 'Kelurahan Wenang Utara' has no id"),
        (user(active="yes"), "active 'yes' is not true or false"),
        (
            user(**{CIVIL_SERVICE: {"position": "Lurah", "postingAreaCode": "Wenang"}}),
            "area code 'Wenang' is not a Kemendagri code",
        ),
        (user(meta={"lastModified": "kemarin"}), "meta.lastModified 'kemarin' is not a dateTime"),
        (
            group(**{FORMATION: {"formation": [{"position": "Lurah"}]}}),
            "needs a position and a count",
        ),
        ({"schemas": ["urn:example:Thing"], "id": "1"}, "neither a User nor a Group"),
        ({"id": "1"}, "has no schemas list"),
    ],
    ids=[
        "user without id",
        "group without id",
        "active not a boolean",
        "bad area code",
        "bad time",
        "bad formation",
        "other resource",
        "no schemas",
    ],
)
def test_unusable_scim_resources_say_why(resource: dict, message: str) -> None:
    with pytest.raises(InvalidRecord, match=re.escape(message)):
        normalize_scim(resource)


def test_an_attendance_day_is_a_record_of_the_day_that_needs_its_person() -> None:
    record = normalize_attendance(day(), zone=WITA)

    assert (record.external_id, record.kind, record.status) == (
        f"{NIP}-2026-11-20",
        "attendance",
        "late",
    )
    assert record.created_at == datetime(2026, 11, 20, tzinfo=WITA)
    assert record.category == "Kelurahan Wenang Utara"
    assert record.references == (("staff", NIP),)
    assert record.attributes["check_in"] == "2026-11-20T08:37:00+08:00"
    leave = normalize_attendance(day(status="leave", check_in=None, check_out=None), zone=WITA)
    assert leave.attributes["check_in"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"check_in": "2026-11-20T16:05:00+08:00", "check_out": "2026-11-20T07:30:00+08:00"},
            "check-out 2026-11-20T07:30:00+08:00 is before check-in 2026-11-20T16:05:00+08:00",
        ),
        ({"nip": "12345"}, "nip '12345' is not an 18-digit NIP"),
        ({"date": "20/11/2026"}, "date '20/11/2026' is not a date"),
        ({"status": "sick"}, "status 'sick' is not one of present, late, leave"),
        ({"status": "present", "check_in": None}, "status 'present' needs a check_in time"),
        ({"check_out": "2026-11-20T16:30:00"}, "has no time zone"),
    ],
    ids=[
        "check-out before check-in",
        "bad NIP",
        "bad date",
        "bad status",
        "no check-in",
        "no zone",
    ],
)
def test_unusable_attendance_says_why(changes: dict, message: str) -> None:
    with pytest.raises(InvalidRecord, match=re.escape(message)):
        normalize_attendance(day(**changes), zone=WITA)
