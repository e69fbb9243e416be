"""Fuzzing the reports' JSON API from its OpenAPI document: no input makes it fail (5xx), and
every response is the one the document describes."""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlalchemy import select

from features.reports.openapi import openapi_document
from features.reports.settings import ReportSettings
from hub.models import User
from hub.state import current_hub
from hub.testing import csrf_token

SETU = "31.75.10.1005"


@pytest.fixture
def fuzzed_app(make_app, make_user, sqlite_url, tmp_path) -> Flask:
    app = make_app(sqlite_url, storage_path=str(tmp_path / "files"))
    make_user(app, "setu", "ward_staff", SETU)
    return app


@pytest.fixture
def signed_in(fuzzed_app) -> dict[str, dict[str, str]]:
    """The session cookie and CSRF header of ward staff who already made one report."""
    with current_hub(fuzzed_app).db.read_session() as session:
        session_id = session.scalar(select(User).where(User.username == "setu")).get_id()
    client = fuzzed_app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = session_id
    headers = {"X-CSRFToken": csrf_token(client, "/reports")}
    body = {
        "client_id": uuid.uuid4().hex,
        "activity_type": "Posyandu",
        "date": "2024-05-01",
        "title": "Posyandu Melati",
    }
    assert client.post("/api/v1/reports", json=body, headers=headers).status_code == 201
    return {"headers": headers, "cookies": {"session": client.get_cookie("session").value}}


DOCUMENT = openapi_document(ReportSettings().activity_types)
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_fuzzed_document_is_the_one_the_hub_serves(fuzzed_app):
    assert fuzzed_app.test_client().get("/api/v1/openapi.json").json == DOCUMENT


@schema.parametrize()
@settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, fuzzed_app, signed_in):
    response = case.call(app=fuzzed_app, **signed_in)

    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
