"""The Pencaker connector against the simulator: one compound cursor over three listings,
incremental syncs, failures, and bad objects that cost nothing already stored."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest
from flask import Flask
from jobs_helpers import SIZE, TODAY, call, read_all, source_page, stored
from simpul_jobs.pencaker import STREAMS, PencakerConnector, Position
from simpul_jobs.simulator import DEMO_API_KEY

from hub.api import AuthError, RunningServer, SourceError, TransientError
from hub.testing import run_sync


def kinds(objects: list[dict]) -> list[str]:
    return ["vacancy" if "@type" in o else o["object"] for o in objects]


def test_one_listing_reads_every_object_once_stream_by_stream(connect, control) -> None:
    objects, cursor, pages = read_all(connect())

    totals = control.get("/_sim/stats").json()
    assert Counter(kinds(objects)) == {
        "job_seeker": totals["seekers"],
        "vacancy": totals["vacancies"],
        "placement": totals["placements"],
    }
    order = kinds(objects)
    assert order == sorted(order, key=["job_seeker", "vacancy", "placement"].index)
    ids = [o.get("id") or o["identifier"]["value"] for o in objects]
    assert len(ids) == len(set(ids))
    assert pages == sum(-(-totals[stream] // 25) for stream in STREAMS)
    position = Position.read(cursor)
    assert position.stream == "seekers" and all(position.after.values())


def test_the_cursor_is_readable_json_naming_each_streams_token(connect) -> None:
    page = connect(page_size=SIZE).fetch_page(None)

    assert page.has_more
    assert json.loads(page.next_cursor) == {
        "stream": "vacancies",
        "after": {
            "seekers": f"{page.records[-1]['updated_at']}~{page.records[-1]['id']}",
            "vacancies": None,
            "placements": None,
        },
    }


def test_a_cursor_continues_with_only_what_changed(connect, control) -> None:
    connector = connect()
    _, cursor, _ = read_all(connector)
    result = control.post(
        "/_sim/tick", json={"registrations": 2, "vacancies": 1, "placements": 1, "closures": 1}
    ).json()

    changed, next_cursor, _ = read_all(connector, cursor)

    (placement_id,) = result["placed"]
    (placement,) = [o for o in changed if o.get("id") == placement_id]
    seekers = {o["id"] for o in changed if o.get("object") == "job_seeker"}
    vacancies = {o["identifier"]["value"] for o in changed if "@type" in o}
    assert seekers == {*result["registered"], placement["seeker_id"]}
    assert vacancies == {*result["posted"], *result["closed"]}
    assert len(changed) == 2 + 1 + 1 + 1 + 1
    again, _, pages = read_all(connector, next_cursor)
    assert again == [] and pages == len(STREAMS)


@pytest.mark.parametrize(
    "cursor",
    ["page-2", "[]", '{"stream": "seekers"}', '{"stream": "jobs", "after": {"seekers": null,'],
)
def test_a_cursor_this_connector_did_not_write_is_a_source_error(connect, cursor: str) -> None:
    with pytest.raises(SourceError, match="is not a Pencaker cursor"):
        connect().fetch_page(cursor)


def test_a_cursor_naming_an_unknown_stream_is_a_source_error(connect) -> None:
    cursor = json.dumps({"stream": "jobs", "after": dict.fromkeys(STREAMS)})

    with pytest.raises(SourceError, match="unknown stream 'jobs'"):
        connect().fetch_page(cursor)


def test_wrong_api_key_is_an_auth_error(connect) -> None:
    with pytest.raises(AuthError):
        connect(api_key="stolen-key").fetch_page(None)


def test_failures_are_transient_or_source_errors(connect, control: httpx.Client) -> None:
    connector = connect()
    control.post("/_sim/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 7})

    with pytest.raises(TransientError, match="HTTP 500"):
        connector.fetch_page(None)
    with pytest.raises(TransientError) as limited:
        connector.fetch_page(None)
    control.post("/_sim/faults", json={"malformed_next": 1})
    with pytest.raises(SourceError, match="malformed JSON") as malformed:
        connector.fetch_page(None)

    assert limited.value.retry_after == 7
    assert not isinstance(malformed.value, TransientError)
    assert connector.fetch_page(None).records


def test_a_listing_of_the_wrong_shape_is_a_source_error(connect, control: httpx.Client) -> None:
    connector = connect()
    control.post("/_sim/faults", json={"garbage_next": 1})

    with pytest.raises(SourceError, match="/api/v1/seekers: 'data' must be a list") as garbage:
        connector.fetch_page(None)

    assert not isinstance(garbage.value, TransientError)
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
    app.add_url_rule("/api/v1/seekers", "seekers", lambda: app.json.response(body))
    settings = {"api_key": DEMO_API_KEY, "page_size": 10, "timeout": 5.0}
    with RunningServer(app) as server:
        connector = PencakerConnector({"url": server.url, **settings})
        with pytest.raises(SourceError, match=message):
            connector.fetch_page(None)
        connector.close()


def test_syncs_store_all_three_kinds_then_only_changes(
    database_url, make_app, serve_simulator
) -> None:
    simulator = serve_simulator("jobs", size=SIZE, today=TODAY)
    app = make_app(database_url, sources=(simulator.source("pencaker", page_size=20),))
    totals = call(simulator, "GET", "/_sim/stats")

    first = run_sync(app, "pencaker")
    result = call(
        simulator,
        "POST",
        "/_sim/tick",
        {"registrations": 2, "vacancies": 1, "placements": 1, "closures": 1},
    )
    second = run_sync(app, "pencaker")

    assert (first.status, first.full, first.errored) == ("succeeded", True, 0)
    assert first.created == totals["seekers"] + totals["vacancies"] + totals["placements"]
    assert (second.status, second.full) == ("succeeded", False)
    assert (second.created, second.updated, second.deleted) == (2 + 1 + 1, 1 + 1, 0)
    seekers = stored(app, "job_seeker")
    assert len(seekers) == totals["seekers"] + 2
    assert len(stored(app, "vacancy")) == totals["vacancies"] + 1
    (placement_id,) = result["placed"]
    placement = stored(app, "placement")[placement_id]
    assert seekers[placement.attributes["seeker"]].status == "placed"
    (closed,) = result["closed"]
    assert stored(app, "vacancy")[closed].attributes["deadline"] == "2026-11-19T16:59:59+00:00"


def test_a_full_sync_finds_what_was_removed(sqlite_url, make_app, serve_simulator) -> None:
    simulator = serve_simulator("jobs", size=24, today=TODAY)
    app = make_app(sqlite_url, sources=(simulator.source("pencaker"),))
    run_sync(app, "pencaker")
    (withdrawn,) = call(simulator, "POST", "/_sim/tick", {"withdrawals": 1})["withdrawn"]

    incremental = run_sync(app, "pencaker")
    full = run_sync(app, "pencaker", full=True)

    assert incremental.deleted == 0 and full.deleted == 1
    assert list(stored(app, "vacancy", deleted=True)) == [withdrawn]


def test_bad_objects_are_record_errors_and_nothing_stored_is_lost(
    sqlite_url, make_app, make_user, sign_in, serve_simulator
) -> None:
    simulator = serve_simulator("jobs", size=24, today=TODAY)
    app = make_app(sqlite_url, sources=(simulator.source("pencaker"),))
    run_sync(app, "pencaker", full=True)
    before = {kind: stored(app, kind) for kind in ("job_seeker", "vacancy", "placement")}
    call(simulator, "POST", "/_sim/faults", {"invalid_next": 3})

    run = run_sync(app, "pencaker", full=True)

    assert (run.status, run.errored, run.deleted, run.created) == ("succeeded", 4, 0, 0)
    for kind, records in before.items():
        assert stored(app, kind).keys() == records.keys()
    make_user(app, "admin", "admin")
    client = app.test_client()
    sign_in(client, "admin")
    page = source_page(client, "pencaker")
    assert "unknown area code '36.71.99.9999'" in page
    assert "posting INVALID-2-TITLE: title is missing" in page
    assert "posting INVALID-2-DATE: datePosted '31/11/2026' is not an ISO 8601 date" in page
    assert "has no seeker_id" in page
