"""Text a source sends that the database cannot hold: NUL characters, lone surrogates and values
out of a column's range, on SQLite and PostgreSQL. The run goes on and its cursor moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sample_city
from flask import Flask, request
from sqlalchemy import select

from hub.api import ImportRejected, SourceType, commit_import, hookimpl, json_response
from hub.models import Record, RecordError, Source
from hub.simulators import RunningServer
from hub.sources import SourceSettings
from hub.state import current_hub
from hub.testing import run_sync

SOURCE = "lights-text"
START = datetime(2026, 11, 2, 8, 0, tzinfo=sample_city.WIB)


def light(number: int, **fields: Any) -> dict[str, Any]:
    """Light ``number`` as the sample app lists it, last changed ``number`` seconds after START."""
    moment = (START + timedelta(seconds=number)).isoformat()
    return {
        "id": f"PJU-{number:04d}",
        "street": f"Jl. Raya Setu No. {number}",
        "kelurahan_code": sample_city.SETU,
        "lamp": "LED",
        "status": sample_city.LIT,
        "installed_at": moment,
        "updated_at": moment,
        **fields,
    }


def listing_app(lights: list[dict[str, Any]], refusals: list[str]) -> Flask:
    """The sample streetlight app's listing, of ``lights`` as they are at each request; while
    ``refusals`` has any, it answers each request with the next of them as an HTTP 400."""
    app = Flask(__name__)

    @app.get("/api/v1/lights")
    def listing():
        if refusals:
            return refusals.pop(0), 400
        after, limit = request.args.get("after"), int(request.args.get("limit", 100))
        listed = sorted(lights, key=sample_city.position)
        if after is not None:
            listed = [each for each in listed if sample_city.position(each) > after]
        page = listed[:limit]
        meta = {
            "next_after": sample_city.position(page[-1]) if page else None,
            "has_more": len(listed) > limit,
        }
        return json_response({"data": page, "meta": meta})

    return app


def metered(payload: dict[str, Any]):
    """The sample's light, with the energy it used as the record's amount."""
    record = sample_city.normalize(payload)
    record.amount = Decimal(payload["kwh"]) if "kwh" in payload else None
    return record


class MeteredLights:
    """A source type reading the sample app into records with an amount."""

    @hookimpl
    def register_source_types(self) -> list[SourceType]:
        (lights,) = sample_city.register_source_types()
        return [SourceType("metered-lights", "Metered", lights.connect, metered, lights.config)]


@pytest.fixture
def lights() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def refusals() -> list[str]:
    return []


@pytest.fixture
def app(make_city, database_url, lights, refusals, monkeypatch):
    monkeypatch.setenv(sample_city.API_KEY_ENV, sample_city.API_KEY)
    with RunningServer(listing_app(lights, refusals)) as server:
        settings = {"url": server.url, "api_key_env": sample_city.API_KEY_ENV, "page_size": 2}
        source = SourceSettings(SOURCE, "metered-lights", 300, True, settings)
        yield make_city(database_url, plugins={"metered": MeteredLights()}, sources=(source,))


def sync(app, full: bool = False):
    return run_sync(app, SOURCE, full=full)


def stored(app) -> dict[str, Record]:
    with current_hub(app).db.session() as session:
        return {record.external_id: record for record in session.scalars(select(Record))}


def record_errors(app) -> list[RecordError]:
    with current_hub(app).db.session() as session:
        return list(session.scalars(select(RecordError)))


def cursor(app) -> str | None:
    with current_hub(app).db.session() as session:
        return session.scalars(select(Source.cursor).filter_by(name=SOURCE)).one()


def test_nul_and_lone_surrogates_are_stripped_and_the_run_goes_on(app, lights):
    lights += [
        light(1),
        light(2, street="Jl. Raya\x00 Setu No. 2", notes={"log": ["lamp\x00 replaced", 3]}),
        light(3, **{"inspector\x00": "Budi\ud83d"}),
        light(4, lamp="LED\x01\ud800"),
        light(5),
    ]

    run = sync(app)

    assert (run.status, run.created, run.errored) == ("succeeded", 5, 0)
    records = stored(app)
    assert records["PJU-0002"].title == "Jl. Raya Setu No. 2"
    assert records["PJU-0002"].payload["notes"] == {"log": ["lamp replaced", 3]}
    assert records["PJU-0003"].payload["inspector"] == "Budi"
    assert records["PJU-0004"].category == "LED"
    assert records["PJU-0005"].title == "Jl. Raya Setu No. 5"
    lights.append(light(6, street="Jl. Munjul\x00"))
    later = sync(app)
    assert (later.status, later.created) == ("succeeded", 1)
    assert stored(app)["PJU-0006"].title == "Jl. Munjul"


def test_the_same_light_with_and_without_a_nul_is_unchanged(app, lights):
    lights.append(light(1, street="Jl. Raya Setu\x00"))
    sync(app)
    lights[0] = light(1, street="Jl. Raya Setu")

    again = sync(app, full=True)

    assert (again.status, again.updated, again.unchanged) == ("succeeded", 0, 1)


def test_a_record_the_database_refuses_is_a_record_error_and_the_cursor_moves(app, lights):
    lights += [light(1, kwh="12.5"), light(2, kwh=str(10**30)), light(3, kwh="7")]

    run = sync(app)

    assert (run.status, run.created, run.errored) == ("succeeded", 2, 1)
    assert set(stored(app)) == {"PJU-0001", "PJU-0003"}
    assert stored(app)["PJU-0001"].amount == Decimal("12.50")
    (error,) = record_errors(app)
    assert (error.external_id, error.stage) == ("PJU-0002", "store")
    assert "the database refused the record" in error.message
    assert str(10**30) in error.payload
    assert cursor(app) == sample_city.position(lights[2])
    lights.append(light(4, kwh="1"))
    later = sync(app)
    assert (later.status, later.created, later.errored) == ("succeeded", 1, 0)


def test_a_record_error_and_the_cursor_keep_no_nul(app, lights):
    lights += [light(1), light(2, id="PJU-\x00\ud800X", status="rusak\x00")]

    run = sync(app)

    assert (run.status, run.created, run.errored) == ("succeeded", 1, 1)
    (error,) = record_errors(app)
    assert (error.external_id, error.message) == ("PJU-X", "unknown status 'rusak'")
    assert cursor(app) == sample_city.position({**lights[1], "id": "PJU-X"})
    lights.append(light(3))
    assert (sync(app).created, set(stored(app))) == (1, {"PJU-0001", "PJU-0003"})


def test_a_refusal_with_a_nul_fails_the_run_with_its_reason(app, lights, refusals):
    lights.append(light(1))
    refusals.append("after:\x00 is not a cursor")

    failed = sync(app)

    assert (failed.status, failed.error_kind) == ("failed", "source")
    assert "HTTP 400" in failed.error and "after: is not a cursor" in failed.error
    assert (sync(app).status, set(stored(app))) == ("succeeded", {"PJU-0001"})


def test_a_file_import_the_database_refuses_stores_nothing(app):
    rows = [light(1, kwh="1"), light(2, kwh=str(10**30))]

    with app.test_request_context(), pytest.raises(ImportRejected) as rejected:
        commit_import(SOURCE, rows)

    (problem,) = rejected.value.problems
    assert problem.message.startswith("PJU-0002: the database refused the record")
    assert stored(app) == {}
