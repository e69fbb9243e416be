"""JobPostings as real boards and the public documents write them: schema.org's and Google's
examples, in JSON and in HTML pages (ItemList, @graph, arrays), served on loopback; their pay,
their deadlines and an identity for the postings that name none."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from jobs_examples import (
    GOOGLE_EXAMPLE,
    GOOGLE_REMOTE,
    GOOGLE_SALARY_RANGE,
    SCHEMA_ORG_EXAMPLE_1,
    SCHEMA_ORG_EXAMPLE_2,
    board_page,
    script,
)
from jobs_helpers import posting, source_page, stored
from simpul_jobs.feed import JobPostingFeedConnector
from simpul_jobs.posting import DIGEST_PREFIX, normalize_posting

from hub.api import InvalidRecord, RunningServer, SourceError, SourceSettings
from hub.testing import run_sync

NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
JOB = posting("LOKER-1", "Operator Produksi", "2026-11-01")
OTHER = posting("LOKER-2", "Kasir", "2026-11-02")


def bare(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "@context"}


def changed(job: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A copy of ``job`` with ``values`` set (``...`` removes the key)."""
    result = copy.deepcopy(job)
    for key, value in values.items():
        if value is ...:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def test_schema_org_example_1_is_a_vacancy_with_its_pay() -> None:
    record = normalize_posting(SCHEMA_ORG_EXAMPLE_1, now=NOW)

    assert record.external_id.startswith(DIGEST_PREFIX)
    assert (record.title, record.status) == ("Software Engineer", "open")
    assert record.created_at == datetime(2011, 10, 30, 17, 0, tzinfo=UTC)
    assert record.attributes["salary"] == {
        "currency": "USD",
        "min": "100000",
        "max": "100000",
        "unit": None,
    }


def test_schema_org_example_2_keeps_its_hourly_wage() -> None:
    record = normalize_posting(SCHEMA_ORG_EXAMPLE_2, now=NOW)

    assert record.attributes["company"] == "ABC Company Inc."
    assert record.attributes["salary"] == {
        "currency": "USD",
        "min": "40",
        "max": "40",
        "unit": "HOUR",
    }


def test_googles_example_keeps_its_identifier_and_runs_through_its_last_day() -> None:
    record = normalize_posting(GOOGLE_EXAMPLE, now=NOW)

    assert record.external_id == "1234567"
    assert record.attributes["deadline"] == "2017-03-18T16:59:59+00:00"
    assert record.status == "closed"


def test_googles_salary_range_keeps_both_ends() -> None:
    job = changed(GOOGLE_EXAMPLE, baseSalary=GOOGLE_SALARY_RANGE)

    salary = normalize_posting(job, now=NOW).attributes["salary"]

    assert salary == {"currency": "USD", "min": "40", "max": "50", "unit": "HOUR"}


def test_googles_remote_job_says_where_applicants_may_live() -> None:
    attributes = normalize_posting(GOOGLE_REMOTE, now=NOW).attributes

    assert (attributes["location"], attributes["location_type"]) == (None, "TELECOMMUTE")
    assert attributes["applicant_locations"] == ["USA"]


@pytest.mark.parametrize(
    ("values", "deadline"),
    [
        ({"validThrough": "2026-11-20"}, "2026-11-20T16:59:59+00:00"),
        ({"validThrough": "2026-11-20T00:00"}, "2026-11-20T16:59:59+00:00"),
        ({"validThrough": "2026-11-20T00:00:00"}, "2026-11-20T16:59:59+00:00"),
        ({"validThrough": "2026-11-20T17:00:00"}, "2026-11-20T10:00:00+00:00"),
        ({"validThrough": "2026-11-20T00:00:00Z"}, "2026-11-20T00:00:00+00:00"),
        ({"validThrough": "2026-11-20T00:00:00+07:00"}, "2026-11-19T17:00:00+00:00"),
    ],
)
def test_deadlines_without_a_zone_are_read_in_jakarta(values: dict, deadline: str) -> None:
    record = normalize_posting(changed(JOB, **values), now=NOW)

    assert record.attributes["deadline"] == deadline


def test_a_zone_less_posting_time_is_jakarta_time() -> None:
    record = normalize_posting(changed(JOB, datePosted="2026-11-01T08:00:00"), now=NOW)

    assert record.created_at == datetime(2026, 11, 1, 1, 0, tzinfo=UTC)


def test_a_posting_without_identifier_or_url_keeps_one_identity_while_edited() -> None:
    first = normalize_posting(SCHEMA_ORG_EXAMPLE_2, now=NOW).external_id
    edited = changed(
        SCHEMA_ORG_EXAMPLE_2,
        description="<p>Updated text.</p>",
        validThrough="2019-04-30",
        baseSalary=GOOGLE_SALARY_RANGE,
        title="  software   ENGINEER ",
    )
    reordered = json.loads(json.dumps(SCHEMA_ORG_EXAMPLE_2, sort_keys=True))
    written_otherwise = changed(SCHEMA_ORG_EXAMPLE_2, datePosted="2019-01-18T00:00:00+07:00")

    assert first.startswith(DIGEST_PREFIX) and len(first) <= 128
    assert {
        normalize_posting(job, now=NOW).external_id
        for job in (edited, reordered, written_otherwise)
    } == {first}


@pytest.mark.parametrize(
    "values",
    [
        {"datePosted": "2019-02-01"},
        {"title": "Senior Software Engineer"},
        {"hiringOrganization": {"@type": "Organization", "name": "XYZ Inc."}},
        {"jobLocation": {"@type": "Place", "address": "Lansing, MI"}},
    ],
)
def test_another_job_or_a_job_advertised_again_is_another_posting(values: dict) -> None:
    first = normalize_posting(SCHEMA_ORG_EXAMPLE_2, now=NOW).external_id

    assert normalize_posting(changed(SCHEMA_ORG_EXAMPLE_2, **values), now=NOW).external_id != first


@pytest.mark.parametrize(
    ("salary", "message"),
    [
        ({"@type": "MonetaryAmount", "currency": "USD", "value": "$100,000"}, "is not a number"),
        (
            {"currency": "IDR", "value": {"minValue": 5000000, "maxValue": 4000000}},
            "minValue 5000000 is above its maxValue 4000000",
        ),
        ({"currency": "rupiah", "value": 5000000}, "currency 'rupiah' is not an ISO 4217 code"),
        (
            {"currency": "IDR", "value": {"value": 1, "unitText": "FORTNIGHT"}},
            "unitText 'FORTNIGHT'",
        ),
        ({"currency": "IDR", "value": -1}, "is not an amount of 0 or more"),
        ({"currency": "IDR", "value": {"unitText": "MONTH"}}, "has no value, minValue or maxValue"),
    ],
)
def test_unreadable_pay_is_a_record_error(salary: dict, message: str) -> None:
    with pytest.raises(InvalidRecord, match=f"posting LOKER-1: baseSalary .*{message}"):
        normalize_posting(changed(JOB, baseSalary=salary), now=NOW)


def serve(body: str, mimetype: str) -> RunningServer:
    app = Flask(__name__)
    app.add_url_rule("/loker", "page", lambda: app.response_class(body, mimetype=mimetype))
    return RunningServer(app)


def read(body: str, mimetype: str = "text/html") -> list[Any]:
    with serve(body, mimetype) as board:
        connector = JobPostingFeedConnector({"url": board.url + "/loker", "timeout": 5.0})
        try:
            return connector.fetch_page(None).records
        finally:
            connector.close()


def test_an_html_page_with_one_posting_among_its_other_markup() -> None:
    records = read(board_page(script(SCHEMA_ORG_EXAMPLE_1)))

    assert records == [SCHEMA_ORG_EXAMPLE_1]


@pytest.mark.parametrize(
    "block",
    [
        script(
            {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "item": bare(JOB)},
                    {"@type": "ListItem", "position": 2, "item": bare(OTHER)},
                ],
            }
        ),
        script(
            {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [JOB, OTHER]}
        ),
        script(
            {
                "@context": "https://schema.org",
                "@graph": [{"@type": "Organization"}, bare(JOB), bare(OTHER)],
            }
        ),
        script([JOB, OTHER]),
        script(JOB) + script(OTHER),
    ],
    ids=["item-list", "item-list-of-postings", "graph", "array", "two-blocks"],
)
def test_an_html_page_holds_postings_in_every_usual_shape(block: str) -> None:
    records = read(board_page(block))

    assert [r["identifier"]["value"] for r in records] == ["LOKER-1", "LOKER-2"]


def test_a_page_served_with_another_type_is_still_read_as_html() -> None:
    records = read(board_page(script(JOB)), mimetype="application/octet-stream")

    assert [r["title"] for r in records] == ["Operator Produksi"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<!doctype html><title>Lowongan</title>", "holds no JobPostings: .* got no JSON-LD"),
        (board_page(), "holds no JobPostings: .* got BreadcrumbList, WebSite"),
        (
            board_page('<script type="application/ld+json">{"@type": </script>'),
            "holds no JobPostings",
        ),
    ],
    ids=["no-json-ld", "other-markup-only", "only-a-broken-block"],
)
def test_a_page_without_a_readable_posting_is_a_source_error(page: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read(page)


BROKEN = '<script type="application/ld+json">{"@type": "JobPosting", "title": "Kasir",</script>'


def test_a_broken_block_spoils_only_itself_in_a_sync(
    sqlite_url: str, make_app, make_user, sign_in
) -> None:
    with serve(board_page(BROKEN, script(JOB), script(SCHEMA_ORG_EXAMPLE_1)), "text/html") as board:
        settings = {"url": board.url + "/loker"}
        app = make_app(
            sqlite_url, sources=(SourceSettings("bursa", "jobposting_feed", 300, True, settings),)
        )
        run = run_sync(app, "bursa")

    vacancies = stored(app, "vacancy")
    assert (run.status, run.created, run.errored) == ("succeeded", 2, 1)
    assert "LOKER-1" in vacancies
    (example,) = [v for k, v in vacancies.items() if k != "LOKER-1"]
    assert example.attributes["salary"]["min"] == "100000"
    make_user(app, "admin", "admin")
    client = app.test_client()
    sign_in(client, "admin")
    assert "JSON-LD block 3 of the page is not JSON" in source_page(client, "bursa")
