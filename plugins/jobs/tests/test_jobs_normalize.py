"""The normalizers: seekers, JobPostings and placements become records, or InvalidRecord says
which field makes them unusable."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from jobs_helpers import posting, seeker
from simpul_jobs.education import lowest_level_in, meets
from simpul_jobs.normalize import normalize, years_after
from simpul_jobs.posting import normalize_posting

from hub.api import InvalidRecord

NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
SEEKER = seeker("3671-2611-0042", "36.71.05.1001", "SMA/SMK", "2026-11-16", valid_until=None)
POSTING = posting(
    "LOKER-3671-000123",
    "Operator Produksi",
    "2026-11-01",
    valid_through="2026-12-01T23:59:59+07:00",
    openings=5,
    education={"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"},
    skills=("Operator mesin", "K3"),
)


def changed(raw: dict[str, Any], **values: Any) -> dict[str, Any]:
    """``raw`` with ``values`` set (or removed where the value is ``...``)."""
    result = copy.deepcopy(raw)
    for name, value in values.items():
        if value is ...:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def test_a_seeker_becomes_a_job_seeker_record() -> None:
    record = normalize(SEEKER)

    assert (record.external_id, record.kind, record.title) == (
        "3671-2611-0042",
        "job_seeker",
        "3671-****-0042",
    )
    assert (record.status, record.category, record.area_code) == (
        "looking",
        "SMA/SMK",
        "36.71.05.1001",
    )
    assert record.created_at == datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
    assert record.updated_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert record.attributes == {
        "skills": ["Operator mesin"],
        "sector": "Manufaktur",
        "ak1_valid_until": "2028-11-16",
        "personal": {
            "name": "Siti Rahmawati",
            "nik": "3671014506980003",
            "phone": "0812-8765-4321",
        },
    }
    assert record.amount is None


def test_registration_dates_start_in_the_citys_zone() -> None:
    record = normalize(SEEKER, zone=ZoneInfo("Asia/Makassar"))

    assert record.created_at == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)


def test_the_ak1_card_is_valid_for_two_years_unless_the_source_says_otherwise() -> None:
    given = normalize(changed(SEEKER, valid_until="2027-05-16"))

    assert given.attributes["ak1_valid_until"] == "2027-05-16"
    assert years_after(date(2024, 2, 29)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"id": ...}, "seeker has no AK/1 registration number (id)"),
        ({"id": "  "}, "seeker has no AK/1 registration number (id)"),
        ({"status": "working"}, "status 'working' is not one of looking, placed, expired"),
        ({"education": "SMA"}, "education 'SMA' is not one of SD, SMP, SMA/SMK, D3, S1, S2"),
        ({"kelurahan_code": "3671051001"}, "kelurahan_code '3671051001' is not a kelurahan code"),
        ({"kelurahan_code": ...}, "kelurahan_code None is not a kelurahan code"),
        ({"registered_on": "16/11/2026"}, "registered_on '16/11/2026' is not an ISO 8601 date"),
        ({"registered_on": ...}, "registered_on None is not an ISO 8601 date"),
        ({"valid_until": "2028-02-30"}, "valid_until '2028-02-30' is not an ISO 8601 date"),
        ({"skills": "K3"}, "skills must be a list of texts"),
        ({"nik": "12345"}, "nik is not 16 digits"),
        ({"updated_at": "yesterday"}, "updated_at 'yesterday' is not an ISO 8601 date or time"),
        ({"object": "company"}, "unknown object 'company' (expected job_seeker, placement or"),
    ],
)
def test_unusable_seekers_are_invalid_records(values: dict, message: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        normalize(changed(SEEKER, **values))

    assert message in str(caught.value)


def test_the_invalid_nik_is_not_repeated_in_the_message() -> None:
    with pytest.raises(InvalidRecord) as caught:
        normalize(changed(SEEKER, nik="36710145069800"))

    assert "36710145069800" not in str(caught.value)


def test_a_job_posting_becomes_a_vacancy() -> None:
    record = normalize_posting(POSTING, now=NOW)

    assert (record.external_id, record.kind, record.title) == (
        "LOKER-3671-000123",
        "vacancy",
        "Operator Produksi",
    )
    assert (record.status, record.category, record.area_code) == (
        "open",
        "Manufaktur",
        "36.71.01.1001",
    )
    assert record.amount == Decimal(5)
    assert record.created_at == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert record.attributes == {
        "company": "PT Sinar Cibodas Plastindo",
        "required_education": "SMA/SMK",
        "education_requirements": "high school",
        "skills": ["Operator mesin", "K3"],
        "deadline": "2026-12-01T16:59:59+00:00",
        "employment_type": ["FULL_TIME"],
        "location": POSTING["jobLocation"],
        "location_type": None,
        "applicant_locations": [],
        "salary": None,
        "url": None,
    }


def test_the_pencaker_normalizer_takes_job_postings_too() -> None:
    assert normalize(POSTING).external_id == "LOKER-3671-000123"


def test_a_posting_past_its_deadline_is_closed() -> None:
    after = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)

    assert normalize_posting(POSTING, now=after).status == "closed"
    assert normalize_posting(changed(POSTING, validThrough=...), now=after).status == "open"


def test_a_date_alone_runs_to_the_end_of_that_day_in_the_citys_zone() -> None:
    record = normalize_posting(changed(POSTING, validThrough="2026-11-20"), now=NOW)
    naive = normalize_posting(changed(POSTING, datePosted="2026-11-01T08:00:00"), now=NOW)

    assert record.attributes["deadline"] == "2026-11-20T16:59:59+00:00"
    assert record.status == "open"
    assert naive.created_at == datetime(2026, 11, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"identifier": "LOKER-9"}, "LOKER-9"),
        ({"identifier": 1234}, "1234"),
        ({"identifier": ..., "@id": "https://loker.example/1"}, "https://loker.example/1"),
        ({"identifier": ..., "url": "https://loker.example/2"}, "https://loker.example/2"),
    ],
)
def test_the_posting_identifier_can_be_given_in_several_ways(values: dict, expected: str) -> None:
    assert normalize_posting(changed(POSTING, **values), now=NOW).external_id == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"@type": ["JobPosting"]}, {}),
        ({"@type": "schema:JobPosting"}, {}),
        (
            {"skills": "Operator mesin, K3; Forklift"},
            {"skills": ["Operator mesin", "K3", "Forklift"]},
        ),
        (
            {"skills": [{"@type": "DefinedTerm", "name": "K3"}, "K3"]},
            {"skills": ["K3"]},
        ),
        ({"educationRequirements": "Minimal SMA/SMK atau D3"}, {"required_education": "SMA/SMK"}),
        ({"educationRequirements": "no requirements"}, {"required_education": None}),
        ({"educationRequirements": ...}, {"required_education": None}),
        ({"jobLocation": ...}, {"location": None}),
        ({"hiringOrganization": "CV Benda Jaya"}, {"company": "CV Benda Jaya"}),
        (
            {"employmentType": ["FULL_TIME", "CONTRACTOR"]},
            {"employment_type": ["FULL_TIME", "CONTRACTOR"]},
        ),
    ],
)
def test_postings_as_job_boards_write_them(values: dict, expected: dict) -> None:
    attributes = normalize_posting(changed(POSTING, **values), now=NOW).attributes

    assert expected.items() <= attributes.items()


def test_missing_facts_are_left_empty() -> None:
    record = normalize_posting(
        changed(POSTING, jobLocation=..., industry=..., totalJobOpenings=...), now=NOW
    )

    assert (record.area_code, record.category, record.amount) == (None, None, Decimal(1))


def test_a_place_without_a_kemendagri_code_has_no_area() -> None:
    place = {"@type": "Place", "identifier": "ChIJ-place-id", "address": "Jl. Daan Mogot"}

    assert normalize_posting(changed(POSTING, jobLocation=[place]), now=NOW).area_code is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": ...}, "posting LOKER-3671-000123: title is missing"),
        ({"title": "  "}, "posting LOKER-3671-000123: title is missing"),
        ({"datePosted": ...}, "posting LOKER-3671-000123: datePosted is missing"),
        (
            {"datePosted": "31/11/2026"},
            "posting LOKER-3671-000123: datePosted '31/11/2026' is not an ISO 8601 date or time",
        ),
        (
            {"validThrough": "2026-02-30"},
            "posting LOKER-3671-000123: validThrough '2026-02-30' is not an ISO 8601 date or time",
        ),
        (
            {"totalJobOpenings": 0},
            "posting LOKER-3671-000123: totalJobOpenings 0 is not a whole number of 1 or more",
        ),
        ({"totalJobOpenings": "lima"}, "totalJobOpenings 'lima' is not a whole number"),
        ({"totalJobOpenings": 2.5}, "totalJobOpenings 2.5 is not a whole number"),
        ({"identifier": "X" * 129}, "posting identifier is longer than 128 characters"),
        ({"@type": "Organization"}, "expected a schema.org JobPosting, got @type 'Organization'"),
    ],
)
def test_unusable_postings_are_invalid_records(values: dict, message: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        normalize_posting(changed(POSTING, **values), now=NOW)

    assert message in str(caught.value)


PLACEMENT = {
    "object": "placement",
    "id": "PNM-3671-000007",
    "seeker_id": "3671-2611-0042",
    "vacancy_id": "LOKER-3671-000123",
    "position": "Operator Produksi",
    "company": "PT Sinar Cibodas Plastindo",
    "placed_on": "2026-11-18",
    "kelurahan_code": "36.71.05.1001",
}


def test_a_placement_links_a_seeker_and_a_vacancy() -> None:
    record = normalize(PLACEMENT)

    assert (record.external_id, record.kind, record.title, record.area_code) == (
        "PNM-3671-000007",
        "placement",
        "Operator Produksi",
        "36.71.05.1001",
    )
    assert record.created_at == datetime(2026, 11, 17, 17, 0, tzinfo=UTC)
    assert record.attributes == {
        "seeker": "3671-2611-0042",
        "vacancy": "LOKER-3671-000123",
        "company": "PT Sinar Cibodas Plastindo",
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"seeker_id": ...}, "placement PNM-3671-000007 has no seeker_id"),
        ({"vacancy_id": ""}, "placement PNM-3671-000007 has no vacancy_id"),
        ({"placed_on": "kemarin"}, "placed_on 'kemarin' is not an ISO 8601 date"),
        ({"id": ...}, "placement has no id"),
    ],
)
def test_unusable_placements_are_invalid_records(values: dict, message: str) -> None:
    with pytest.raises(InvalidRecord, match=message):
        normalize(changed(PLACEMENT, **values))


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("SMA/SMK", "SMA/SMK"),
        ("high school", "SMA/SMK"),
        ("Minimal SMA/SMK atau D3", "SMA/SMK"),
        ("D-III Akuntansi", "D3"),
        ("associate degree", "D3"),
        ("bachelor degree", "S1"),
        ("Sarjana Teknik", "S1"),
        ("postgraduate degree", "S2"),
        ("Minimal SMP", "SMP"),
        ("SD", "SD"),
        ("no requirements", None),
        ("professional certificate", None),
    ],
)
def test_education_levels_are_read_from_what_boards_write(text: str, level: str | None) -> None:
    assert lowest_level_in(text) == level


def test_education_meets_a_requirement_at_or_below_it() -> None:
    assert meets("S1", "SMA/SMK") and meets("SMA/SMK", "SMA/SMK") and meets("SD", None)
    assert not meets("SMP", "SMA/SMK") and not meets(None, "SD")


def test_every_simulated_object_normalizes(control: httpx.Client) -> None:
    objects = [
        item
        for stream in ("seekers", "vacancies", "placements")
        for item in control.get(f"/api/v1/{stream}", params={"limit": 1000}).json()["data"]
    ]

    records = [normalize(item) for item in objects]

    kinds = {record.kind for record in records}
    assert kinds == {"job_seeker", "vacancy", "placement"}
    assert {r.status for r in records if r.kind == "job_seeker"} == {"looking", "placed", "expired"}
    assert all(r.area_code for r in records)
