"""Submissions as GeoReport v2 clients send them: without a description, as a JSON body."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from features.complaints.models import ComplaintCase
from features.open311.keys import create_key
from hub.models import Record
from hub.state import current_hub

API = "/open311/v2"
WENANG_UTARA = "71.71.04.1005"
ADDRESS = "Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang, Kota Manado"


@pytest.fixture
def app(make_app, database_url: str) -> Flask:
    return make_app(database_url, language="en")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api_key(app: Flask) -> str:
    with current_hub(app).db.session() as session:
        return create_key(session, "lapor-manado")


def stored(app: Flask, record_id: int) -> tuple[Record, ComplaintCase]:
    with current_hub(app).db.read_session() as session:
        return session.get(Record, record_id), session.get(ComplaintCase, record_id)


def complaint_count(app: Flask) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Record))


def request_id(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()[0]["service_request_id"])


def test_a_form_without_a_description_is_taken(app, client, api_key) -> None:
    fields = {"api_key": api_key, "service_code": "sampah", "address_string": ADDRESS}

    record, case = stored(app, request_id(client.post(f"{API}/requests.json", data=fields)))

    assert (record.title, record.category, record.area_code) == ("Sampah", "Sampah", WENANG_UTARA)
    assert record.attributes["description"] is None
    assert case.agency_code == "dlh"
    shown = client.get(f"{API}/requests/{record.id}.json").get_json()[0]
    assert (shown["description"], shown["service_code"]) == (None, "sampah")


def test_a_json_body_with_numbers_and_the_key_inside_is_taken(app, client, api_key) -> None:
    body = {
        "api_key": api_key,
        "service_code": "sampah",
        "lat": 1.4871,
        "long": 124.8389,
        "description": "Sampah menumpuk.",
        "email": None,
        "attribute": {"WHISHETN": "123"},
    }

    record, case = stored(app, request_id(client.post(f"{API}/requests.json", json=body)))

    assert (record.latitude, record.longitude) == (1.4871, 124.8389)
    assert (record.title, case.status) == ("Sampah menumpuk.", "open")
    assert "api_key" not in record.payload


def test_a_json_body_may_have_its_key_in_the_query_string(app, client, api_key) -> None:
    body = {"service_code": "banjir", "address_string": ADDRESS}

    in_query = client.post(f"{API}/requests.xml?api_key={api_key}", json=body)
    without = client.post(f"{API}/requests.json", json=body)
    wrong = client.post(f"{API}/requests.json?api_key={api_key}", json={**body, "api_key": "x"})

    assert in_query.status_code == 200 and b"<service_request_id>" in in_query.data
    assert (without.status_code, wrong.status_code) == (403, 403)
    assert without.get_json() == [
        {"code": 403, "description": "api_key is missing, unknown or revoked."}
    ]
    assert complaint_count(app) == 1


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ("{not json", ["The body must be a JSON object of the request's fields."]),
        ("[1, 2]", ["The body must be a JSON object of the request's fields."]),
        (
            json.dumps({"service_code": ["sampah"], "lat": True, "long": {"x": 1}}),
            [
                "service_code must be text or a number.",
                "lat must be text or a number.",
                "long must be text or a number.",
            ],
        ),
    ],
)
def test_a_json_body_that_cannot_be_read_is_explained(app, client, api_key, body, messages):
    response = client.post(
        f"{API}/requests.json?api_key={api_key}", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.get_json() == [{"code": 400, "description": text} for text in messages]
    assert complaint_count(app) == 0


def test_a_json_body_is_checked_like_a_form(app, client, api_key) -> None:
    response = client.post(
        f"{API}/requests.json", json={"api_key": api_key, "service_code": 7, "lat": 1.5}
    )

    assert response.status_code == 400
    assert [error["description"] for error in response.get_json()] == [
        "service_code “7” is not a service here: see services.json.",
        "lat and long go together: send both.",
    ]
    assert complaint_count(app) == 0


def test_a_json_body_error_in_the_portals_language(app, client, api_key) -> None:
    response = client.post(f"{API}/requests.json?lang=id&api_key={api_key}", json=[1])

    assert response.get_json()[0]["description"] == (
        "Isi permintaan harus berupa objek JSON berisi kolom-kolom laporan."
    )
