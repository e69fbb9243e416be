"""File imports through the plugin API: previewed, then stored all or nothing as one run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hub.api import (
    ImportRejected,
    InvalidRecord,
    RecordIn,
    RecordKind,
    SourceType,
    commit_import,
    hookimpl,
    preview_import,
)
from hub.models import AuditEntry, Record, SyncRun
from hub.sources import SourceSettings
from hub.state import current_hub

SETU = "31.75.10.1005"


def normalize(row):
    if not row.get("id"):
        raise InvalidRecord("row has no id")
    return RecordIn(external_id=row["id"], kind="gauge", area_code=row.get("area"))


class GaugeFiles:
    @hookimpl
    def register_source_types(self):
        return [SourceType("gauge-file", "Gauge file", lambda settings: None, normalize)]

    @hookimpl
    def register_record_kinds(self):
        return [RecordKind("gauge", "Gauge")]


@pytest.fixture
def app(make_app, database_url):
    return make_app(
        database_url,
        plugins={"gauge-files": GaugeFiles()},
        sources=(SourceSettings("gauges", "gauge-file"),),
    )


def count(app, model) -> int:
    with current_hub(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_good_file_is_stored_as_one_run(app):
    rows = [{"id": "a", "area": SETU}, {"id": "b"}]

    with app.test_request_context():
        assert preview_import("gauges", rows) == []
        run = commit_import("gauges", rows)

    assert (run.status, run.created, run.worker) == ("succeeded", 2, "import")
    assert count(app, Record) == 2
    with current_hub(app).db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.detail["created"]) == ("source.import", 2)


def test_one_bad_row_stores_nothing_and_says_which_and_why(app):
    with app.test_request_context():
        commit_import("gauges", [{"id": "kept", "area": SETU}])
        rows = [{"id": "a"}, {"area": SETU}, {"id": "c", "area": "99.99"}]

        with pytest.raises(ImportRejected) as rejected:
            commit_import("gauges", rows)

    assert [(p.index, p.message) for p in rejected.value.problems] == [
        (1, "row has no id"),
        (2, "unknown area code '99.99'"),
    ]
    assert count(app, Record) == 1
    assert count(app, SyncRun) == 1


def test_an_import_waits_for_a_running_sync_of_its_source(app):
    with current_hub(app).db.session() as session:
        session.add(SyncRun(source_id=1, status="running"))

    with app.test_request_context(), pytest.raises(ImportRejected, match="cannot be imported"):
        commit_import("gauges", [{"id": "a"}])
    assert count(app, Record) == 0
