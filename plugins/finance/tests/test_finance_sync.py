"""Syncing the simulator through the hub: every record stored exactly, changes read
incrementally, and the hub's totals equal the finance system's own to the rupiah."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from simpul_finance.figures import by_agency
from sqlalchemy import func, select

from hub.api import Record, read_session
from hub.testing import run_sync

TODAY = date(2026, 6, 30)


@pytest.fixture
def simulator(serve_simulator):
    return serve_simulator("finance", size=80, today=TODAY)


@pytest.fixture
def app(make_app, database_url: str, simulator) -> Flask:
    return make_app(database_url, sources=(simulator.source("finance-kota", page_size=200),))


def stored(app: Flask) -> dict[str, tuple[int, Decimal]]:
    """Per kind: how many live records and the sum of their amounts, added up by the database."""
    with app.app_context(), read_session() as session:
        rows = session.execute(
            select(Record.kind, func.count(), func.sum(Record.amount))
            .where(Record.deleted_at.is_(None))
            .group_by(Record.kind)
        )
        return {kind: (count, total) for kind, count, total in rows}


def test_a_sync_stores_everything_and_the_totals_equal_the_finance_systems_to_the_rupiah(
    app: Flask, simulator
) -> None:
    first = run_sync(app, "finance-kota")
    simulator.control("/_sim/tick", {"realizations": 25, "revisions": 6})
    run_sync(app, "finance-kota")
    totals = simulator.control("/_sim/totals")

    with app.app_context(), read_session() as session:
        agencies = by_agency(session, 2026, TODAY)

    assert (first.status, first.errored) == ("succeeded", 0)
    assert stored(app) == {
        "budget_line": (totals["lines"], Decimal(totals["budget"])),
        "realization": (totals["realizations"], Decimal(totals["realized"])),
    }
    assert {a.code: (a.name, a.budget, a.realized) for a in agencies} == {
        code: (opd["name"], Decimal(opd["budget"]), Decimal(opd["realized"]))
        for code, opd in totals["opds"].items()
    }
    assert all(type(a.budget) is Decimal and type(a.realized) is Decimal for a in agencies)


def test_an_incremental_sync_reads_only_what_changed(app: Flask, simulator) -> None:
    run_sync(app, "finance-kota")
    simulator.control("/_sim/tick", {"realizations": 3, "revisions": 2})

    run = run_sync(app, "finance-kota")

    assert not run.full
    assert (run.created, run.updated, run.unchanged, run.errored) == (3, 2, 0, 0)
    assert stored(app)["budget_line"][1] == Decimal(simulator.control("/_sim/totals")["budget"])


def test_invalid_items_are_record_errors_and_the_rest_is_stored(
    make_app, sqlite_url: str, simulator
) -> None:
    app = make_app(sqlite_url, sources=(simulator.source("finance-kota", page_size=200),))
    simulator.control("/_sim/faults", {"invalid_next": 2, "fail_next": 1})

    run = run_sync(app, "finance-kota")

    totals = simulator.control("/_sim/totals")
    assert (run.status, run.errored) == ("succeeded", 4)
    assert run.created == totals["lines"] + totals["realizations"]
    assert stored(app)["realization"] == (totals["realizations"], Decimal(totals["realized"]))
