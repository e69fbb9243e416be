"""Syncing the simulator through the hub, with complaint handling: every report stored as a
complaint, broken reports kept out as record errors, and repeated or stale copies stored once."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select, text

from hub.api import Record, read_session
from hub.testing import run_sync

SOURCE = "qlue-test"


@pytest.fixture
def simulator(serve_simulator):
    return serve_simulator("qlue", size=120, seed=7)


@pytest.fixture
def app(make_app, database_url: str, simulator) -> Flask:
    return make_app(
        database_url,
        only=("complaints", "qlue"),
        sources=(simulator.source(SOURCE, page_size=25),),
    )


def stored(app: Flask) -> dict[str, Record]:
    with app.app_context(), read_session() as session:
        return {record.external_id: record for record in session.scalars(select(Record))}


def test_a_sync_stores_every_report_as_a_complaint(app: Flask, simulator) -> None:
    run = run_sync(app, SOURCE)

    assert (run.status, run.created, run.errored, run.pages) == ("succeeded", 120, 0, 5)
    records = stored(app)
    assert len(records) == 120
    for record in list(records.values())[::10]:
        report = simulator.control(f"/_sim/reports/{record.external_id}")
        assert record.kind == "complaint"
        assert record.area_code == report["location"]["kelurahan_code"]
        assert record.category == report["category"]
        assert record.payload["id"] == report["id"]
        assert record.created_at == datetime.fromisoformat(report["created_at"])


def test_broken_reports_are_record_errors_and_the_rest_is_stored(app: Flask, simulator) -> None:
    simulator.control("/_sim/faults", {"invalid_next": 1})

    run = run_sync(app, SOURCE)

    assert (run.status, run.created, run.errored) == ("succeeded", 120, 2)
    with app.app_context(), read_session() as session:
        messages = session.scalars(text("SELECT message FROM record_errors ORDER BY message"))
        assert list(messages) == ["report has no id", "unknown area code '99.99.99.9999'"]


def test_repeated_and_stale_copies_are_stored_once_at_their_latest(app: Flask, simulator) -> None:
    run_sync(app, SOURCE)
    changed = simulator.control("/_sim/tick", {"updates": 10})["updated"]
    simulator.control("/_sim/faults", {"duplicates": True, "out_of_order": True})

    run = run_sync(app, SOURCE, full=True)

    assert (run.status, run.created, run.updated) == ("succeeded", 0, 10)
    records = stored(app)
    assert len(records) == 120
    for report_id in changed:
        report = simulator.control(f"/_sim/reports/{report_id}")
        assert records[report_id].payload["updated_at"] == report["updated_at"]
        assert records[report_id].payload["status"] == report["status"]
