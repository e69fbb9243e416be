"""Syncing GeoReport v2 servers shaped like five real cities' (see ``open311_cities``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from open311_cities import create_app
from sqlalchemy import select

from features.complaints.models import ComplaintCase
from features.open311.closing import DEFAULT_PHRASES, closed_status
from features.open311.extensions import details, extensions
from features.open311.georeport import code_text
from features.open311.settings import Open311Settings
from hub.models import Record, RecordError, Source
from hub.simulators import RunningServer
from hub.sources import ConfigError, SourceSettings
from hub.state import current_hub
from hub.testing import run_sync


@pytest.fixture(scope="module")
def city_servers() -> Iterator[Flask]:
    """The five cities' servers, on loopback; ``server_url`` is where."""
    app = create_app()
    with RunningServer(app) as server:
        app.config["server_url"] = server.url
        yield app


def city_source(servers: Flask, city: str, **overrides) -> SourceSettings:
    settings = {
        "url": f"{servers.config['server_url']}/{city}/open311/v2",
        "city": "71.71",
        "start_date": (date.today() - timedelta(days=10)).isoformat(),
        "window_days": 30,
        **overrides,
    }
    if city == "toronto":
        settings.setdefault("jurisdiction_id", "toronto.ca")
    return SourceSettings(city, "open311", 300, True, settings)


def synced(app: Flask, city: str) -> dict[str, tuple[Record, ComplaintCase]]:
    run = run_sync(app, city)
    assert (run.status, run.errored) == ("succeeded", 0), run.error
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(Record, ComplaintCase)
            .join(ComplaintCase, ComplaintCase.record_id == Record.id)
            .join(Source, Source.id == Record.source_id)
            .where(Source.name == city)
        ).all()
    return {record.external_id: (record, case) for record, case in rows}


def test_uReports_integer_codes_are_read_as_text(make_app, database_url, city_servers):
    app = make_app(database_url, sources=(city_source(city_servers, "bloomington"),))

    found = synced(app, "bloomington")

    assert sorted(found) == ["179533", "179534", "179535"]
    pothole, case = found["179535"]
    assert (pothole.category, case.category) == ("Pothole", "Pothole")
    assert pothole.attributes["service_code"] == "139"
    assert found["179534"][0].category == "Trash Pickup"


def test_notes_saying_duplicate_close_without_a_fix(make_app, database_url, city_servers):
    names = ("sanfrancisco", "bloomington", "toronto")
    app = make_app(database_url, sources=[city_source(city_servers, city) for city in names])

    statuses = {
        city: {key: (r.status, c.status) for key, (r, c) in synced(app, city).items()}
        for city in names
    }

    assert statuses == {
        "sanfrancisco": {
            "101003041523": ("closed", "closed"),
            "101003041519": ("resolved", "resolved"),
        },
        "bloomington": {
            "179533": ("closed", "closed"),
            "179534": ("resolved", "resolved"),
            "179535": ("open", "open"),
        },
        "toronto": {"101002216734": ("closed", "closed")},
    }


def test_the_phrases_are_configured(make_app, sqlite_url, city_servers):
    app = make_app(
        sqlite_url,
        sources=(city_source(city_servers, "bloomington"),),
        sections={"open311": {"closed_not_fixed_notes": ["bogus"]}},
    )

    found = synced(app, "bloomington")

    assert (found["179533"][0].status, found["179534"][0].status) == ("resolved", "closed")


def test_toronto_is_asked_with_its_jurisdiction_and_its_wrapped_list_read(
    make_app, database_url, city_servers
):
    source = city_source(city_servers, "toronto", jurisdiction_id="toronto.ca")
    app = make_app(database_url, sources=(source,))

    found = synced(app, "toronto")

    record, case = found["101002216734"]
    assert (record.title, record.category) == ("Road - Pot hole", "Road - Pot hole")
    assert case.status == "closed"


def test_extension_fields_are_kept_and_shown(
    make_app, database_url, city_servers, make_user, sign_in
):
    names = ("chicago", "helsinki")
    sources = [city_source(city_servers, city, extensions=True) for city in names]
    app = make_app(database_url, sources=sources, language="en")

    (chicago,) = synced(app, "chicago").values()
    (helsinki,) = synced(app, "helsinki").values()

    kept, shown = chicago[0].attributes["extensions"], chicago[0].attributes["details"]
    assert kept["extended_attributes"]["ward"] == 33
    assert [note["summary"] for note in kept["notes"]] == ["Request opened", "Pothole Patched"]
    assert ["channel", "Internet"] in shown and ["duplicate", "false"] in shown
    assert ["2019-06-05T13:33:36-05:00", "Pothole Patched: Crew filled 2 potholes"] in shown
    photos = ["media_urls", "https://asiointi.hel.fi/palautews/media/1.jpg"]
    assert photos in helsinki[0].attributes["details"]
    make_user(app, "operator", "operator")
    client = app.test_client()
    sign_in(client, "operator")
    page = client.get(f"/complaints/{chicago[0].id}").text
    assert "<dt>channel</dt><dd>Internet</dd>" in page
    assert "Pothole Patched: Crew filled 2 potholes" in page
    assert "PUBLIC_WORKS_NEW" in client.get(f"/complaints/{helsinki[0].id}").text


def test_without_extensions_the_source_does_not_ask_for_them(make_app, sqlite_url, city_servers):
    app = make_app(sqlite_url, sources=(city_source(city_servers, "chicago"),))

    ((record, _),) = synced(app, "chicago").values()

    assert "extensions" not in city_servers.config["asked"][-1][1]
    assert (record.attributes["extensions"], record.attributes["details"]) == ({}, [])


def test_a_city_without_its_jurisdiction_is_a_clear_error(make_app, sqlite_url, city_servers):
    source = city_source(city_servers, "toronto", jurisdiction_id="")
    app = make_app(sqlite_url, sources=(source,))

    run = run_sync(app, "toronto")

    assert (run.status, run.error_kind) == ("failed", "source")
    assert "jurisdiction_id is required" in run.error
    with current_hub(app).db.read_session() as session:
        assert session.scalars(select(RecordError)).all() == []


@pytest.mark.parametrize(
    ("notes", "status"),
    [
        ("Case is a Duplicate", "closed"),
        ("DUPLIKAT dengan laporan 12", "closed"),
        ("Laporan tidak   valid", "closed"),
        ("Not a City issue: private property", "closed"),
        ("Invalid address", "closed"),
        ("Duplicated effort avoided; fixed", "resolved"),
        ("validated and fixed", "resolved"),
        ("", "resolved"),
        (None, "resolved"),
    ],
)
def test_phrases_match_whole_words_in_any_case(notes, status):
    assert closed_status(notes, DEFAULT_PHRASES) == status


def test_a_blank_phrase_is_refused(make_app, sqlite_url):
    with pytest.raises(ConfigError, match=r"\[open311\] closed_not_fixed_notes: .*blank"):
        make_app(sqlite_url, sections={"open311": {"closed_not_fixed_notes": ["duplicate", " "]}})
    assert Open311Settings(closed_not_fixed_notes=[]).closed_not_fixed_notes == ()


def test_answers_to_a_services_questions_are_read_in_either_shape():
    as_list = {"attributes": [{"code": "WHISHETN", "description": "Depth", "value": 12}]}
    as_object = {"attributes": {"WHISHETN": "12"}, "notes": [{"type": "closed"}]}
    too_long = {"extended_attributes": {"remark": "x" * 600, "nested": {"a": 1}}}

    assert details(as_list) == [["Depth", "12"]]
    assert details(as_object) == [["WHISHETN", "12"]]
    assert [len(text) for _, text in details(too_long)] == [500]
    assert extensions({"attributes": [], "notes": None, "extended_attributes": {"a": 1}}) == {
        "extended_attributes": {"a": 1}
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (139, "139"),
        (139.0, "139"),
        (2.5, "2.5"),
        (" CSROWR-12 ", "CSROWR-12"),
        ("", None),
        (True, None),
        (float("nan"), None),
        ([139], None),
        (None, None),
    ],
)
def test_codes_of_any_json_type_read_as_text(value, text):
    assert code_text(value) == text
