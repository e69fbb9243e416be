"""The connector against the simulator: paging, continuation and every failure it maps."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from flask import Flask
from simpul_qlue.connector import QlueConnector
from simpul_qlue.simulator import DEMO_API_KEY

from hub.api import AuthError, RunningServer, SourceError, TransientError


def test_paging_yields_every_report_exactly_once(connector: QlueConnector, read_all) -> None:
    records, cursor = read_all(connector)

    assert len(records) == 300
    assert Counter(r["id"] for r in records).most_common(1)[0][1] == 1
    assert cursor == f"{records[-1]['updated_at']}~{records[-1]['id']}"


def test_pages_have_the_configured_size(connect) -> None:
    page = connect(page_size=120).fetch_page(None)

    assert len(page.records) == 120 and page.has_more


def test_cursor_continues_with_only_what_changed(
    connector: QlueConnector, control: httpx.Client, read_all
) -> None:
    _, cursor = read_all(connector)
    result = control.post("/_sim/tick", json={"new": 2, "updates": 3, "deletes": 2}).json()

    changed, next_cursor = read_all(connector, cursor)

    expected = (set(result["created"]) | set(result["updated"])) - set(result["deleted"])
    assert {r["id"] for r in changed} == expected
    assert len(changed) == len(expected)
    assert connector.fetch_page(next_cursor).records == []
    assert connector.fetch_page(next_cursor).next_cursor == next_cursor


def test_deleted_reports_disappear_from_a_full_listing(
    connector: QlueConnector, control: httpx.Client, read_all
) -> None:
    deleted = control.post("/_sim/tick", json={"deletes": 5}).json()["deleted"]

    records, _ = read_all(connector)

    assert len(records) == 295
    assert not {r["id"] for r in records} & set(deleted)


def test_wrong_api_key_is_an_auth_error(connect) -> None:
    with pytest.raises(AuthError):
        connect(api_key="stolen-key").fetch_page(None)


def test_server_errors_are_transient(connector: QlueConnector, control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"fail_next": 1})

    with pytest.raises(TransientError, match="HTTP 500"):
        connector.fetch_page(None)
    assert connector.fetch_page(None).records


def test_rate_limits_are_transient_with_retry_after(
    connector: QlueConnector, control: httpx.Client
) -> None:
    control.post("/_sim/faults", json={"rate_limit_next": 1, "retry_after": 7})

    with pytest.raises(TransientError) as caught:
        connector.fetch_page(None)

    assert caught.value.retry_after == 7


def test_malformed_json_is_a_source_error(connector: QlueConnector, control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"malformed_next": 1})

    with pytest.raises(SourceError, match="malformed JSON") as caught:
        connector.fetch_page(None)

    assert not isinstance(caught.value, TransientError)


def test_a_listing_of_the_wrong_shape_is_a_source_error(
    connector: QlueConnector, control: httpx.Client
) -> None:
    control.post("/_sim/faults", json={"garbage_next": 1})

    with pytest.raises(SourceError, match=r"Qlue /api/v1/reports: 'data' must be a list") as caught:
        connector.fetch_page(None)

    assert not isinstance(caught.value, TransientError)
    assert connector.fetch_page(None).records


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "answered list, expected a JSON object"),
        ({"meta": {"next_after": None, "has_more": False}}, "'data' must be a list"),
        ({"data": [1], "meta": {"next_after": None, "has_more": False}}, "'data' must be a list"),
        ({"data": []}, "'meta' must be an object"),
        ({"data": [], "meta": {"next_after": None}}, "'meta.has_more' must be true or false"),
        ({"data": [], "meta": {"next_after": 3, "has_more": False}}, "'meta.next_after' must"),
    ],
)
def test_unexpected_listing_shapes_are_source_errors(body: object, message: str) -> None:
    app = Flask(__name__)
    app.add_url_rule("/api/v1/reports", "reports", lambda: app.json.response(body))
    settings = {"api_key": DEMO_API_KEY, "page_size": 10, "timeout": 5.0}
    with RunningServer(app) as server:
        connector = QlueConnector({"url": server.url, **settings})
        with pytest.raises(SourceError, match=message):
            connector.fetch_page(None)
        connector.close()


def test_an_empty_page_keeps_the_cursor(connector: QlueConnector, read_all) -> None:
    _, cursor = read_all(connector)

    page = connector.fetch_page(cursor)

    assert (page.records, page.next_cursor, page.has_more) == ([], cursor, False)


def test_close_closes_the_http_client(connector: QlueConnector) -> None:
    connector.close()

    assert connector.client.is_closed
