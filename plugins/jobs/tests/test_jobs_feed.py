"""The JobPosting feed source: any schema.org JSON-LD document of postings, read whole every
time, so removed postings are found deleted; a document that is not JSON-LD stores nothing.
HTML pages are in test_jobs_boards.py."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from jobs_helpers import TODAY, call, posting, source_page, stored
from simpul_jobs.feed import JobPostingFeedConnector
from simpul_jobs.jsonld import has_schema_context, postings_in
from simpul_jobs.simulator import FEED_PATH

from hub.api import RunningServer, SourceError, TransientError
from hub.testing import run_sync

JOB = posting("LOKER-1", "Operator Produksi", "2026-11-01")
OTHER = posting("LOKER-2", "Kasir", "2026-11-02")
PUBLISHER = {"@type": "Organization", "name": "Bursa Kerja Kota Tangerang"}
CONTEXT = {"@context": "https://schema.org"}


def bare(job: dict[str, Any]) -> dict[str, Any]:
    """A posting as it sits inside a larger document, without its own @context."""
    return {k: v for k, v in job.items() if k != "@context"}


@pytest.mark.parametrize(
    "document",
    [
        [JOB, OTHER],
        {
            **CONTEXT,
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "item": bare(JOB)},
                {"@type": "ListItem", "position": 2, "item": bare(OTHER)},
            ],
        },
        {**CONTEXT, "@type": "ItemList", "itemListElement": [bare(JOB), bare(OTHER)]},
        {**CONTEXT, "@graph": [PUBLISHER, bare(JOB), bare(OTHER)]},
        {
            "@context": {"@vocab": "http://schema.org/"},
            "@graph": [{"@type": "ItemList", "itemListElement": [bare(JOB), bare(OTHER)]}],
        },
    ],
    ids=["list", "item-list", "item-list-unwrapped", "graph", "graph-of-item-list"],
)
def test_postings_are_found_in_every_usual_shape(document: Any) -> None:
    found = postings_in(document)

    assert has_schema_context(document)
    assert [p["identifier"]["value"] for p in found] == ["LOKER-1", "LOKER-2"]


def test_a_single_posting_is_a_feed_of_one() -> None:
    assert postings_in(JOB) == [JOB]


@pytest.mark.parametrize(
    "document",
    [
        {"jobs": [bare(JOB)]},
        [bare(JOB)],
        [],
        {"@context": "https://example.org/vocab"},
        "JobPosting",
    ],
)
def test_json_without_a_schema_org_context_is_not_json_ld(document: Any) -> None:
    assert not has_schema_context(document)


def serve_document(document: Any, mimetype: str = "application/ld+json") -> RunningServer:
    """A job board whose /feed answers ``document`` (text as it is, anything else as JSON)."""
    app = Flask(__name__)
    body = document if isinstance(document, str) else app.json.dumps(document)
    app.add_url_rule("/feed", "feed", lambda: app.response_class(body, mimetype=mimetype))
    return RunningServer(app)


@pytest.mark.parametrize(
    ("document", "mimetype", "message"),
    [
        ("Lowongan: Operator Produksi", "text/plain", "is not JSON-LD: malformed JSON"),
        ("<!doctype html><title>Lowongan</title>", "text/html", "holds no JobPostings"),
        ({"jobs": [bare(JOB)]}, "application/json", "is not JSON-LD: expected an object"),
        ([], "application/json", "is not JSON-LD"),
        ({**CONTEXT, "@type": "WebPage"}, "application/ld+json", "holds no JobPostings"),
    ],
)
def test_documents_that_are_not_job_posting_feeds_are_source_errors(
    document: Any, mimetype: str, message: str
) -> None:
    with serve_document(document, mimetype) as server:
        connector = JobPostingFeedConnector({"url": server.url + "/feed", "timeout": 5.0})
        with pytest.raises(SourceError, match=message):
            connector.fetch_page(None)
        connector.close()


def test_the_whole_feed_is_one_complete_page() -> None:
    with serve_document({**CONTEXT, "@graph": [PUBLISHER, bare(JOB)]}) as board:
        connector = JobPostingFeedConnector({"url": board.url + "/feed", "timeout": 5.0})
        page = connector.fetch_page("ignored")
        connector.close()

    assert (page.records, page.next_cursor, page.has_more) == ([bare(JOB)], None, False)


def test_a_feed_of_the_wrong_shape_is_a_source_error(server: RunningServer, control) -> None:
    connector = JobPostingFeedConnector({"url": server.url + FEED_PATH, "timeout": 5.0})
    control.post("/_sim/faults", json={"garbage_next": 1})

    with pytest.raises(SourceError, match="is not JSON-LD: expected an object") as garbage:
        connector.fetch_page(None)
    recovered = connector.fetch_page(None)
    connector.close()

    assert not isinstance(garbage.value, TransientError)
    assert recovered.records


def test_a_feed_source_stores_postings_and_finds_removed_ones_deleted(
    database_url, make_app, serve_simulator
) -> None:
    board = serve_simulator("jobboard", size=80, today=TODAY)
    app = make_app(database_url, sources=(board.source("board"),))
    feed = call(board, "GET", "/feed/jobpostings.jsonld")["itemListElement"]

    first = run_sync(app, "board")
    changes = call(board, "POST", "/_sim/tick", {"vacancies": 1, "closures": 1, "withdrawals": 1})
    second = run_sync(app, "board")

    assert (first.status, first.full, first.created) == ("succeeded", True, len(feed))
    assert all(i.startswith("BURSA-3671-") for i in stored(app, "vacancy"))
    (closed,) = changes["closed"]
    gone = {closed, *changes["withdrawn"]} & {e["item"]["identifier"]["value"] for e in feed}
    assert (second.status, second.full, second.created) == ("succeeded", True, 1)
    assert second.deleted == len(gone) >= 1
    assert stored(app, "vacancy", deleted=True).keys() == gone
    assert set(changes["posted"]) <= stored(app, "vacancy").keys()


def test_a_feed_that_is_not_json_ld_fails_the_run_and_loses_nothing(
    sqlite_url, make_app, serve_simulator
) -> None:
    board = serve_simulator("jobboard", size=40, today=TODAY)
    app = make_app(sqlite_url, sources=(board.source("board"),))
    run_sync(app, "board")
    before = stored(app, "vacancy")
    call(board, "POST", "/_sim/faults", {"not_jsonld_next": 1})

    failed = run_sync(app, "board")
    recovered = run_sync(app, "board")

    assert (failed.status, failed.error_kind) == ("failed", "source")
    assert "/feed/jobpostings.jsonld is not JSON-LD" in failed.error
    assert (failed.created, failed.deleted) == (0, 0)
    assert stored(app, "vacancy").keys() == before.keys()
    assert not stored(app, "vacancy", deleted=True)
    assert (recovered.status, recovered.unchanged, recovered.deleted) == (
        "succeeded",
        len(before),
        0,
    )


def test_postings_without_a_title_or_with_a_bad_date_are_record_errors(
    sqlite_url, make_app, make_user, sign_in, serve_simulator
) -> None:
    board = serve_simulator("jobboard", size=40, today=TODAY)
    app = make_app(sqlite_url, sources=(board.source("board"),))
    first = run_sync(app, "board")
    call(board, "POST", "/_sim/faults", {"invalid_next": 1})

    run = run_sync(app, "board")

    assert (run.status, run.errored, run.unchanged, run.deleted) == (
        "succeeded",
        2,
        first.created,
        0,
    )
    assert len(stored(app, "vacancy")) == first.created
    make_user(app, "admin", "admin")
    client = app.test_client()
    sign_in(client, "admin")
    page = source_page(client, "board")
    assert "posting INVALID-1-TITLE: title is missing" in page
    assert "posting INVALID-1-DATE: datePosted '31/11/2026' is not an ISO 8601 date" in page
