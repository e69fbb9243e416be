"""A sync that finds nothing new, on SQLite and PostgreSQL: it writes only its run."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from hub.state import current_hub
from hub.testing import run_sync

SOURCE = "lights-quiet"


@pytest.fixture
def app(make_city, database_url, serve_streetlights):
    sim = serve_streetlights(size=30, seed=3)
    return make_city(database_url, sources=(sim.source(SOURCE, page_size=25),))


def test_a_sync_that_finds_nothing_new_writes_only_its_run(app):
    run_sync(app, SOURCE)
    ran: list[str] = []

    def note(connection, cursor, statement, parameters, context, executemany):
        ran.append(" ".join(statement.split()).upper())

    event.listen(current_hub(app).db.engine, "before_cursor_execute", note)
    try:
        again = run_sync(app, SOURCE)
    finally:
        event.remove(current_hub(app).db.engine, "before_cursor_execute", note)

    assert (again.status, again.pages, again.created, again.unchanged) == ("succeeded", 1, 0, 0)
    assert not [s for s in ran if s.startswith(("INSERT INTO RECORDS", "UPDATE RECORDS"))]
    assert not [s for s in ran if s.startswith("UPDATE SOURCES SET CURSOR")]
    assert len([s for s in ran if s.startswith("UPDATE SYNC_RUNS")]) == 1
