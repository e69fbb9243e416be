"""Listing requests with dates at the ends of the calendar, and with values too long to use."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from features.open311.keys import create_key
from hub.state import current_hub

API = "/open311/v2"
EARLIEST = "0001-01-01"
LATEST = "9999-12-31T23:59:59-14:00"
GOOD_REQUEST = {
    "service_code": "sampah",
    "description": "Sampah menumpuk di depan pasar sejak Senin.",
    "address_string": "Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang, Kota Manado",
    "lat": "1.4871",
    "long": "124.8389",
}


@pytest.fixture
def app(make_app, database_url: str) -> Flask:
    return make_app(database_url, language="en")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def request_id(app: Flask, client: FlaskClient) -> str:
    with current_hub(app).db.session() as session:
        key = create_key(session, "lapor-manado")
    response = client.post(f"{API}/requests.json", data={**GOOD_REQUEST, "api_key": key})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def listed(client: FlaskClient, **query: str) -> list[str]:
    response = client.get(f"{API}/requests.json", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["service_request_id"] for item in response.get_json()]


@pytest.mark.parametrize(
    ("query", "finds_it"),
    [
        ({"end_date": EARLIEST}, False),
        ({"start_date": EARLIEST}, True),
        ({"start_date": EARLIEST, "end_date": LATEST}, True),
        ({"end_date": "9999-12-31T23:59:59+14:00"}, False),
        ({"start_date": EARLIEST, "end_date": "9999-12-31T23:59:59+14:00"}, True),
        ({"updated_after": EARLIEST}, True),
        ({"updated_before": EARLIEST}, False),
        ({"updated_after": EARLIEST, "updated_before": LATEST}, True),
        ({"updated_after": "9999-12-31"}, False),
        ({"start_date": "0001-01-01T00:00:00+23:59", "end_date": "9999-12-31T23:59-23:59"}, True),
    ],
)
def test_the_first_and_last_days_of_the_calendar_are_dates_like_any_other(
    client: FlaskClient, request_id: str, query: dict[str, str], finds_it: bool
) -> None:
    assert listed(client, **query) == ([request_id] if finds_it else [])


@pytest.mark.parametrize(
    ("query", "description"),
    [
        (
            {"start_date": "-0001-01-01"},
            "start_date must be a date and time such as 2026-11-23T08:00:00+07:00, "
            "not “-0001-01-01”.",
        ),
        (
            {"updated_before": "2026-11-23" * 1000},
            "updated_before must be a date and time such as 2026-11-23T08:00:00+07:00, "
            "not “2026-11-232026-11-232026-11-232026-11-2…”.",
        ),
        ({"start_date": LATEST}, "start_date is after end_date."),
        ({"page": "9" * 16}, "page must be at most 1000000."),
        ({"page": "9" * 5000}, "page must be at most 1000000."),
        ({"page": "000"}, "page must be a whole number from 1."),
        (
            {"service_code": "x" * 5000},
            f"service_code “{'x' * 39}…” is not a service here.",
        ),
    ],
)
def test_unusable_values_are_refused_naming_the_parameter(
    make_app, sqlite_url: str, query: dict[str, str], description: str
) -> None:
    client = make_app(sqlite_url, language="en").test_client()

    response = client.get(f"{API}/requests.json", query_string=query)

    assert (response.status_code, response.get_json()) == (
        400,
        [{"code": 400, "description": description}],
    )


def test_a_page_size_too_long_to_read_is_the_largest_page(
    client: FlaskClient, request_id: str
) -> None:
    assert listed(client, page_size="9" * 5000) == [request_id]
    assert listed(client, service_request_id="9" * 5000) == []
