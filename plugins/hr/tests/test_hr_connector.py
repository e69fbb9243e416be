"""The connectors against the simulator over HTTP: SCIM paging, the lastModified watermark and
errors; attendance day by day."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from simpul_hr.attendance_connector import AttendanceConnector
from simpul_hr.normalize_scim import UNIT_KEY
from simpul_hr.scim import DEPARTMENT, ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA
from simpul_hr.scim_connector import Position, ScimConnector, watermark

from hub.api import AuthError, Page, SourceError, TransientError


def read_all(connector: Any, cursor: str | None = None) -> tuple[list[dict], str | None, int]:
    """Every record from ``cursor`` on: the records, the cursor after the last page, the pages."""
    records: list[dict] = []
    pages = 0
    while True:
        page: Page = connector.fetch_page(cursor)
        pages += 1
        records += page.records
        cursor = page.next_cursor
        if not page.has_more:
            return records, cursor, pages


@pytest.fixture
def connect(hr) -> Iterator[Callable[..., ScimConnector]]:
    """Make SCIM connectors to the simulator; ``settings`` override the defaults."""
    connectors: list[ScimConnector] = []

    def make(**settings: Any) -> ScimConnector:
        defaults = {
            "url": f"{hr.url}/scim/v2",
            "token": hr.api_key,
            "page_size": 40,
            "unit_attribute": DEPARTMENT,
            "timeout": 5.0,
        }
        connectors.append(ScimConnector(defaults | settings))
        return connectors[-1]

    yield make
    for connector in connectors:
        connector.close()


def test_a_complete_listing_reads_every_group_then_every_user(connect) -> None:
    records, cursor, pages = read_all(connect())

    groups, users = records[:110], records[110:]
    assert pages == 3 + 1
    assert all(GROUP_SCHEMA in group["schemas"] for group in groups)
    assert len(users) == 30 and all(USER_SCHEMA in user["schemas"] for user in users)
    assert all(user[UNIT_KEY] == user[ENTERPRISE]["department"] for user in users)
    newest = max(resource["meta"]["lastModified"] for resource in records)
    assert Position.read(cursor) == Position(since=newest)


def test_the_next_run_reads_only_what_changed_after_the_watermark(hr, connect) -> None:
    """The run after reads again at most what changed in the second the last run began."""
    _, cursor, _ = read_all(connect())
    moved = hr.control("/_sim/tick", {"moves": 1})["moved"]

    records, after, pages = read_all(connect(), cursor)
    again, _, _ = read_all(connect(), after)

    users = [record for record in records if USER_SCHEMA in record["schemas"]]
    assert [user["id"] for user in users] == moved and pages == 2
    assert len(records) == 1 + 2, "the user and the groups they left and joined"
    assert Position.read(after).since > Position.read(cursor).since
    assert {record["id"] for record in again} <= {record["id"] for record in records}


def test_the_unit_is_read_from_the_configured_attribute(connect) -> None:
    records, _, _ = read_all(connect(unit_attribute=f"{ENTERPRISE}:organization"))

    users = records[110:]
    assert all(user[UNIT_KEY] == user[ENTERPRISE]["organization"] for user in users)


def test_the_watermark_is_the_newest_change_but_not_later_than_the_run_began() -> None:
    seen, began = "2026-11-23T01:00:00.000002Z", "2026-11-23T01:00:00.000000Z"

    assert watermark(None, seen, None) == seen
    assert watermark(None, seen, began) == began
    assert watermark("2026-11-01T00:00:00.000000Z", None, began) == "2026-11-01T00:00:00.000000Z"
    assert watermark(None, "2026-11-22T00:00:00.000000Z", began) == "2026-11-22T00:00:00.000000Z"


@pytest.mark.parametrize(
    ("faults", "error", "message"),
    [
        ({"rate_limit_next": 1, "retry_after": 3}, TransientError, "HTTP 429"),
        ({"fail_next": 1}, TransientError, "HTTP 500"),
        ({"malformed_next": 1}, SourceError, "malformed JSON"),
    ],
    ids=["rate limited", "server error", "malformed"],
)
def test_provider_failures_are_raised_for_the_engine_to_retry_or_report(
    hr, connect, faults: dict, error: type, message: str
) -> None:
    hr.control("/_sim/faults", faults)

    with pytest.raises(error, match=message) as raised:
        connect().fetch_page(None)

    assert getattr(raised.value, "retry_after", None) == faults.get("retry_after")


def test_a_listing_of_the_wrong_shape_is_a_source_error(hr, connect) -> None:
    connector = connect()
    hr.control("/_sim/faults", {"garbage_next": 1})

    with pytest.raises(SourceError, match="SCIM /Groups: totalResults must be") as garbage:
        connector.fetch_page(None)

    assert not isinstance(garbage.value, TransientError)
    assert connector.fetch_page(None).records


def test_a_wrong_token_is_an_auth_error(connect) -> None:
    with pytest.raises(AuthError):
        connect(token="not-the-token").fetch_page(None)


def test_a_refused_request_names_the_scim_error(connect) -> None:
    cursor = Position(since="yesterday").dump()

    with pytest.raises(SourceError, match="answered HTTP 400 invalidFilter: 'yesterday' is not"):
        connect().fetch_page(cursor)
    with pytest.raises(SourceError, match="is not a SCIM position: run a full sync"):
        connect().fetch_page('{"page": 2}')


def test_attendance_is_read_day_by_day_then_from_the_last_day(hr, zone, today: date) -> None:
    settings = {"url": hr.url, "token": hr.api_key, "history_days": 3, "page_size": 20}
    connector = AttendanceConnector({**settings, "timeout": 5.0}, zone=zone)
    days = [today - timedelta(days=n) for n in (2, 1, 0)]
    totals = [len(read_all_of_day(hr, day)) for day in days]

    records, cursor, pages = read_all(connector)
    again, after, pages_again = read_all(connector, cursor)
    connector.close()

    assert len(records) == sum(totals)
    assert {record["date"] for record in records} == {
        str(d) for d, n in zip(days, totals, strict=True) if n
    }
    assert pages == sum(max(1, -(-n // 20)) for n in totals)
    assert json.loads(cursor) == json.loads(after) == {"date": str(today), "page": 1}
    assert len(again) == totals[-1] and pages_again == max(1, -(-totals[-1] // 20))


def read_all_of_day(hr, day: date) -> list[dict]:
    """The simulator's attendance of ``day``, in one request."""
    headers = {"Authorization": f"Bearer {hr.api_key}"}
    params = {"date": str(day), "per_page": 1000}
    return httpx.get(f"{hr.url}/api/v1/attendance", headers=headers, params=params).json()["data"]


def test_attendance_failures_are_raised_for_the_engine(hr, zone) -> None:
    settings = {"url": hr.url, "token": hr.api_key, "history_days": 1, "page_size": 50}
    connector = AttendanceConnector({**settings, "timeout": 5.0}, zone=zone)
    hr.control("/_sim/faults", {"rate_limit_next": 1, "retry_after": 2, "malformed_next": 1})

    with pytest.raises(TransientError) as limited:
        connector.fetch_page(None)
    with pytest.raises(SourceError, match="malformed JSON"):
        connector.fetch_page(None)
    with pytest.raises(SourceError, match="is not a day and page: run a full sync"):
        connector.fetch_page("yesterday")
    connector.close()

    assert limited.value.retry_after == 2


def test_an_attendance_listing_of_the_wrong_shape_is_a_source_error(hr, zone) -> None:
    settings = {"url": hr.url, "token": hr.api_key, "history_days": 1, "page_size": 50}
    connector = AttendanceConnector({**settings, "timeout": 5.0}, zone=zone)
    hr.control("/_sim/faults", {"garbage_next": 1})

    with pytest.raises(SourceError, match="'data' must be a list of attendance") as garbage:
        connector.fetch_page(None)
    recovered = connector.fetch_page(None)
    connector.close()

    assert not isinstance(garbage.value, TransientError)
    assert recovered.next_cursor
