"""The ``[complaints]`` table: agencies and the routing of categories, read when the hub starts."""

from __future__ import annotations

import pytest

from features.complaints.settings import reminders_of, routing_of
from hub.config import load_settings
from hub.sources import ConfigError
from hub.state import current_hub

ROUTING = """
[complaints.agencies]
dinas-bina-marga = "Dinas Bina Marga"
dinas-lh = "Dinas Lingkungan Hidup"

[complaints.categories."Jalan rusak"]
agency = "dinas-bina-marga"
response_hours = 12

[complaints.categories.Sampah]
agency = "dinas-lh"
"""


def configured(tmp_path, text: str, database_url: str):
    path = tmp_path / "simpul.toml"
    path.write_text(text)
    return load_settings(path, environ={}).replace(database_url=database_url)


def test_the_complaints_table_routes_categories_to_its_agencies(make_app, tmp_path, sqlite_url):
    settings = configured(tmp_path, ROUTING, sqlite_url)

    routing = routing_of(current_hub(make_app(sqlite_url, sections=settings.sections)))

    assert [agency.code for agency in routing.agencies] == ["dinas-bina-marga", "dinas-lh"]
    assert routing.rule("Jalan rusak").agency == "dinas-bina-marga"
    assert routing.rule("Jalan rusak").response_hours == 12
    assert routing.rule("Sampah").completion_hours == 72


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ROUTING.replace('agency = "dinas-lh"', 'agency = "dinas-pu"'),
            "[complaints] category 'Sampah' is routed to agency 'dinas-pu', which is not in",
        ),
        ("[complaints]\nagency = 'x'\n", "[complaints] unknown setting 'agency'"),
        (
            ROUTING.replace("response_hours = 12", "response_hours = 0"),
            "[complaints] category 'Jalan rusak': response_hours must be a whole number of hours"
            " from 1 to 8784 (got 0)",
        ),
        (
            ROUTING.replace("response_hours = 12", "completion_hours = 100000000000"),
            "[complaints] category 'Jalan rusak': completion_hours must be a whole number of hours"
            " from 1 to 8784 (got 100000000000)",
        ),
    ],
)
def test_a_bad_complaints_table_stops_the_hub_with_a_message(
    make_app, tmp_path, sqlite_url, text, message
):
    settings = configured(tmp_path, text, sqlite_url)

    with pytest.raises(ConfigError) as refused:
        make_app(sqlite_url, sections=settings.sections)

    assert message in str(refused.value)


def test_the_reminders_table_sets_the_share_the_steps_and_the_events(
    make_app, tmp_path, sqlite_url
):
    text = """
[complaints.reminders]
approaching_share = 0.5
escalate = ["regency", "province"]
events = ["new", "overdue"]
"""
    settings = configured(tmp_path, text, sqlite_url)

    reminders = reminders_of(current_hub(make_app(sqlite_url, sections=settings.sections)))

    assert reminders.approaching_share == 0.5
    assert reminders.escalate == ("regency", "province")
    assert reminders.events == {"new", "overdue"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[complaints.reminders]\nevents = ["new", "tweet"]\n',
            "[complaints] reminders.events.1: Value error, unknown event 'tweet' (known: new,",
        ),
        (
            '[complaints.reminders]\nescalate = ["district", "regency", "province", "country"]\n',
            "[complaints] reminders.escalate: Value error, 'country' is not a level of the area"
            " hierarchy above a kelurahan",
        ),
        (
            '[complaints.reminders]\nescalate = ["regency", "district"]\n',
            "[complaints] reminders.escalate: Value error, each step must be a level above",
        ),
        (
            "[complaints.reminders]\napproaching_share = 1.0\n",
            "[complaints] reminders.approaching_share: must be greater than 0 and less than 1"
            " (got 1.0)",
        ),
        (
            "[complaints.reminders]\napproaching_share = -0.5\n",
            "[complaints] reminders.approaching_share: must be greater than 0 and less than 1"
            " (got -0.5)",
        ),
    ],
)
def test_a_bad_reminders_table_stops_the_hub_naming_the_key(
    make_app, tmp_path, sqlite_url, text, message
):
    settings = configured(tmp_path, text, sqlite_url)

    with pytest.raises(ConfigError) as refused:
        make_app(sqlite_url, sections=settings.sections)

    assert message in str(refused.value)
