"""Submissions to the GeoReport v2 API are limited per client address; reading is not."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse
from sqlalchemy import func, select

from features.open311.keys import create_key
from features.open311.settings import open311_settings
from hub.models import Record
from hub.state import current_hub

API = "/open311/v2"
REPORTER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"
GOOD_REQUEST = {
    "service_code": "sampah",
    "description": "Sampah menumpuk di depan pasar sejak Senin.",
    "address_string": "Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang, Kota Manado",
    "lat": "1.4871",
    "long": "124.8389",
}
REFUSAL = "Too many requests from your address. Try again in"


@pytest.fixture
def app(make_app, sqlite_url: str, redis_url: str) -> Flask:
    return make_app(sqlite_url, redis_url=redis_url, language="en")


@pytest.fixture
def api_key(app: Flask) -> str:
    with current_hub(app).db.session() as session:
        return create_key(session, "lapor-manado")


def allowed_submissions(app: Flask) -> int:
    return parse(open311_settings(current_hub(app)).submit_rate_limit).amount


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def submit(client: FlaskClient, api_key: str, fmt: str = "json"):
    return client.post(f"{API}/requests.{fmt}", data={**GOOD_REQUEST, "api_key": api_key})


def complaint_count(app: Flask) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Record))


def test_one_address_past_the_limit_gets_the_standards_error(app: Flask, api_key: str) -> None:
    reporter = client_at(app, REPORTER)
    allowed = allowed_submissions(app)

    answers = [submit(reporter, api_key).status_code for _ in range(allowed)]
    refused = submit(reporter, api_key)

    assert answers == [200] * allowed
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    [error] = refused.get_json()
    assert error["code"] == 429
    assert error["description"].startswith(REFUSAL)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert complaint_count(app) == allowed


def test_the_refusal_in_xml_and_the_others_still_get_through(app: Flask, api_key: str) -> None:
    reporter = client_at(app, REPORTER)
    for _ in range(allowed_submissions(app)):
        submit(reporter, api_key)

    refused = submit(reporter, api_key, "xml")
    bad_key = submit(reporter, "not-a-key")

    assert refused.status_code == 429
    root = ElementTree.fromstring(refused.data)
    assert [(e.findtext("code"), e.findtext("description")[: len(REFUSAL)]) for e in root] == [
        ("429", REFUSAL)
    ]
    assert "Retry-After" in refused.headers
    assert bad_key.status_code == 429
    assert reporter.get(f"{API}/services.json").status_code == 200
    assert submit(client_at(app, NEIGHBOUR), api_key).status_code == 200


def test_refusals_are_in_the_portals_language(make_app, sqlite_url: str, redis_url: str) -> None:
    app = make_app(sqlite_url, redis_url=redis_url)
    with current_hub(app).db.session() as session:
        key = create_key(session, "lapor-manado")
    reporter = client_at(app, REPORTER)
    for _ in range(allowed_submissions(app)):
        submit(reporter, "not-a-key")

    refused = submit(reporter, key)

    assert refused.status_code == 429
    assert refused.get_json()[0]["description"].startswith(
        "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam"
    )
    assert complaint_count(app) == 0


def test_json_submissions_count_against_the_same_limit(app: Flask, api_key: str) -> None:
    reporter = client_at(app, REPORTER)
    allowed = allowed_submissions(app)
    for _ in range(allowed - 1):
        submit(reporter, api_key)
    body = {**GOOD_REQUEST, "api_key": api_key}

    last = reporter.post(f"{API}/requests.json", json=body)
    refused = reporter.post(f"{API}/requests.json", json=body)

    assert (last.status_code, refused.status_code) == (200, 429)
    assert refused.get_json()[0]["description"].startswith(REFUSAL)
    assert complaint_count(app) == allowed
