"""The connector against the simulator: both listings, the compound cursor, every failure."""

from __future__ import annotations

import json

import httpx
import pytest
from flask import Flask
from simpul_finance.connector import FileSourceConnector, FinanceConnector
from simpul_finance.simulator import DEMO_API_KEY

from hub.api import AuthError, RunningServer, SourceError, TransientError


def test_a_complete_listing_reads_budget_lines_then_realizations(connect, read_all) -> None:
    connector = connect()
    first = connector.fetch_page(None)

    payloads, cursor = read_all(connector)

    kinds = [payload["kind"] for payload in payloads]
    lines = kinds.count("budget_line")
    assert lines == 40 and kinds == ["budget_line"] * lines + ["realization"] * (len(kinds) - lines)
    assert first.has_more and len(first.records) == 25
    assert len({p.get("id") or p["sp2d_number"] for p in payloads}) == len(payloads)
    position = json.loads(cursor)
    assert position["reading"] == "budget_line"
    assert position["after"]["realization"].endswith("~" + payloads[-1]["sp2d_number"])


def test_a_listing_that_ends_on_a_full_page_moves_on_to_the_next(connect, read_all) -> None:
    payloads, _ = read_all(connect(page_size=40))

    assert [p["kind"] for p in payloads].count("budget_line") == 40
    assert payloads[-1]["kind"] == "realization"


def test_the_cursor_continues_with_only_what_changed(
    connect, read_all, control: httpx.Client
) -> None:
    connector = connect()
    _, cursor = read_all(connector)
    changes = control.post("/_sim/tick", json={"realizations": 4, "revisions": 2}).json()

    changed, following = read_all(connector, cursor)

    assert [p["id"] for p in changed if p["kind"] == "budget_line"] == changes["revisions"]
    assert [p["sp2d_number"] for p in changed if p["kind"] == "realization"] == changes[
        "realizations"
    ]
    assert read_all(connector, following) == ([], following)


def test_a_wrong_api_key_is_an_auth_error(connect) -> None:
    with pytest.raises(AuthError):
        connect(api_key="stolen-key").fetch_page(None)


def test_server_errors_are_transient_and_the_next_try_reads(connect, control) -> None:
    connector = connect()
    control.post("/_sim/faults", json={"fail_next": 1})

    with pytest.raises(TransientError, match="HTTP 500"):
        connector.fetch_page(None)
    assert connector.fetch_page(None).records


def test_rate_limits_are_transient_with_retry_after(connect, control) -> None:
    control.post("/_sim/faults", json={"rate_limit_next": 1, "retry_after": 7})

    with pytest.raises(TransientError) as caught:
        connect().fetch_page(None)

    assert caught.value.retry_after == 7


def test_malformed_json_is_a_source_error(connect, control) -> None:
    control.post("/_sim/faults", json={"malformed_next": 1})

    with pytest.raises(SourceError, match="malformed JSON") as caught:
        connect().fetch_page(None)

    assert not isinstance(caught.value, TransientError)


@pytest.mark.parametrize(
    "cursor",
    [
        "page-2",
        "[]",
        json.dumps({"reading": "invoice", "after": {"budget_line": None, "realization": None}}),
        json.dumps({"reading": "budget_line", "after": {"budget_line": None}}),
        json.dumps({"reading": "budget_line", "after": {"budget_line": 3, "realization": None}}),
    ],
)
def test_a_cursor_from_elsewhere_is_a_source_error(connect, cursor: str) -> None:
    with pytest.raises(SourceError, match="is not a finance cursor"):
        connect().fetch_page(cursor)


def test_a_listing_of_the_wrong_shape_is_a_source_error(connect, control) -> None:
    connector = connect()
    control.post("/_sim/faults", json={"garbage_next": 1})

    with pytest.raises(
        SourceError, match=r"finance /api/v1/budget-lines: 'data' must be a list"
    ) as caught:
        connector.fetch_page(None)

    assert not isinstance(caught.value, TransientError)
    assert connector.fetch_page(None).records


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "answered list, expected a JSON object"),
        ({"data": [1], "meta": {"next_after": None, "has_more": False}}, "'data' must be a list"),
        ({"data": []}, "'meta' must be an object"),
        ({"data": [], "meta": {"next_after": None}}, "'meta.has_more' must be true or false"),
        ({"data": [], "meta": {"next_after": 3, "has_more": False}}, "'meta.next_after' must"),
    ],
)
def test_unexpected_listing_shapes_are_source_errors(body: object, message: str) -> None:
    app = Flask(__name__)
    app.add_url_rule("/api/v1/budget-lines", "lines", lambda: app.json.response(body))
    with RunningServer(app) as server:
        connector = FinanceConnector(
            {"url": server.url, "api_key": DEMO_API_KEY, "page_size": 10, "timeout": 5.0}
        )
        with pytest.raises(SourceError, match=message):
            connector.fetch_page(None)
        connector.close()
        assert connector.client.is_closed


def test_a_file_source_has_nothing_to_sync() -> None:
    with pytest.raises(SourceError, match="fed by file imports"):
        FileSourceConnector({}).fetch_page(None)
