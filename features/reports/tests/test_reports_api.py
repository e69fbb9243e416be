"""The reports' JSON API: idempotent create, checked fields, review flow, access, audit, OpenAPI."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import jsonschema_rs
import pytest
from flask import Flask
from flask.testing import FlaskClient
from schemathesis.specs.openapi.definitions import OPENAPI_31
from sqlalchemy import func, select

from features.reports.models import ActivityReport
from features.reports.schemas import Error, NewReport, ReportChanges, Review
from features.reports.settings import report_settings
from hub.models import AuditEntry, User
from hub.state import current_hub
from hub.testing import csrf_token

SETU, MUNJUL, PISANGAN_BARU = "31.75.10.1005", "31.75.10.1004", "31.75.01.1001"
CIPAYUNG, MATRAMAN = "31.75.10", "31.75.01"
USERS = [
    ("setu", "ward_staff", SETU),
    ("setu2", "ward_staff", SETU),
    ("munjul", "ward_staff", MUNJUL),
    ("pisangan", "ward_staff", PISANGAN_BARU),
    ("camat", "officer", CIPAYUNG),
    ("camat_matraman", "ward_staff", MATRAMAN),
    ("operator", "operator", None),
]


def report_body(**changes) -> dict:
    body = {
        "client_id": uuid.uuid4().hex,
        "activity_type": "Posyandu",
        "date": "2024-05-01",
        "title": "Posyandu Melati",
        "description": "Penimbangan balita dan imunisasi.",
        "participants": 25,
        "latitude": -6.3201,
        "longitude": 106.9104,
    }
    return body | changes


def api_client(app: Flask, username: str) -> FlaskClient:
    """A client signed in as ``username`` (through Flask-Login's session, without hashing the
    password again) that sends the CSRF token with every request."""
    with current_hub(app).db.read_session() as session:
        session_id = session.scalar(select(User).where(User.username == username)).get_id()
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = session_id
        browser_session["_fresh"] = True
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/reports")
    return client


def report_count(app: Flask) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(ActivityReport))


def audit_actions(app: Flask) -> list[tuple[str, str, str]]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(AuditEntry.username, AuditEntry.action, AuditEntry.target_id).order_by(
                AuditEntry.id
            )
        )
        return [tuple(row) for row in rows]


def tomorrow_in_jakarta() -> str:
    return (dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def make_reports_app(make_app, make_user, tmp_path):
    def make(url: str, **settings) -> Flask:
        app = make_app(url, storage_path=str(tmp_path / "files"), **settings)
        for username, role, area in USERS:
            make_user(app, username, role, area)
        return app

    return make


@pytest.fixture
def app(make_reports_app, database_url) -> Flask:
    return make_reports_app(database_url)


@pytest.fixture
def web_app(make_reports_app, sqlite_url) -> Flask:
    return make_reports_app(sqlite_url)


def test_the_same_client_id_again_returns_the_report_it_made(app):
    setu, colleague = api_client(app, "setu"), api_client(app, "setu2")
    body = report_body()

    first = setu.post("/api/v1/reports", json=body)
    again = setu.post("/api/v1/reports", json=body | {"title": "Sent twice"})
    by_colleague = colleague.post("/api/v1/reports", json=body)

    assert first.status_code == 201
    assert first.headers["Location"] == f"/api/v1/reports/{first.json['id']}"
    assert again.status_code == 200 and again.json == first.json
    assert by_colleague.status_code == 201 and by_colleague.json["id"] != first.json["id"]
    assert report_count(app) == 2
    assert first.json | {"id": 0, "created_at": "", "updated_at": "", "client_id": ""} == {
        "id": 0,
        "client_id": "",
        "area_code": SETU,
        "activity_type": "Posyandu",
        "date": "2024-05-01",
        "title": "Posyandu Melati",
        "description": "Penimbangan balita dan imunisasi.",
        "participants": 25,
        "latitude": -6.3201,
        "longitude": 106.9104,
        "location_source": "manual",
        "status": "submitted",
        "review_comment": "",
        "reviewed_at": None,
        "created_at": "",
        "updated_at": "",
        "attachments": [],
    }
    assert [action for _user, action, _id in audit_actions(app)] == ["report.create"] * 2


BAD_FIELDS = [
    ({"date": "TOMORROW"}, 422, "future_date", "date", "is in the future"),
    ({"date": "1 Mei 2024"}, 422, "invalid", "date", "YYYY-MM-DD"),
    ({"latitude": -6.2, "longitude": 106.6}, 422, "outside_city", "latitude", "outside"),
    ({"latitude": 1.49, "longitude": 124.84}, 422, "outside_city", "latitude", "Jakarta Timur"),
    ({"longitude": None}, 422, "invalid", "latitude", "both the latitude and the longitude"),
    ({"area_code": MUNJUL}, 403, "forbidden_area", "area_code", "your own kelurahan, Setu"),
    ({"activity_type": "Arisan"}, 422, "invalid", "activity_type", "activity type"),
    ({"participants": -3}, 422, "invalid", "participants", "from 0 to"),
    ({"participants": "banyak"}, 422, "invalid", "participants", "whole number"),
    ({"title": "   "}, 422, "required", "title", "Fill in"),
    ({"title": "x" * 201}, 422, "too_long", "title", "At most 200"),
    ({"client_id": "../1"}, 422, "invalid_client_id", "client_id", "8 to 64"),
]


def test_bad_fields_are_refused_with_a_clear_message(web_app):
    setu = api_client(web_app, "setu")

    for changes, status, code, field, message in BAD_FIELDS:
        if changes.get("date") == "TOMORROW":
            changes = {"date": tomorrow_in_jakarta()}
        body = {key: value for key, value in report_body(**changes).items() if value is not None}

        response = setu.post("/api/v1/reports?lang=en", json=body)

        error = response.json["error"]
        assert (response.status_code, error["code"], error["field"]) == (status, code, field)
        assert message in error["message"]
    assert report_count(web_app) == 0


def test_a_body_that_is_not_a_json_object_is_refused(web_app):
    setu = api_client(web_app, "setu")

    for body in ({"data": "title=x", "content_type": "text/plain"}, {"json": ["a", "b"]}):
        response = setu.post("/api/v1/reports?lang=en", **body)
        assert response.status_code == 400
        assert response.json["error"]["code"] == "invalid_json"


def test_a_request_without_the_csrf_token_is_refused_and_changes_nothing(web_app):
    setu = api_client(web_app, "setu")
    report = setu.post("/api/v1/reports", json=report_body()).json
    del setu.environ_base["HTTP_X_CSRFTOKEN"]

    created = setu.post("/api/v1/reports?lang=en", json=report_body())
    patched = setu.patch(f"/api/v1/reports/{report['id']}", json={"title": "Changed"})

    assert created.status_code == patched.status_code == 400
    assert created.json["error"]["code"] == "csrf"
    assert "Reload the page" in created.json["error"]["message"]
    assert report_count(web_app) == 1
    assert setu.get(f"/api/v1/reports/{report['id']}").json["title"] == "Posyandu Melati"


def test_the_api_needs_a_signed_in_user(web_app):
    response = web_app.test_client().get("/api/v1/reports?lang=en")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_an_update_changes_the_fields_sent_and_a_bad_one_changes_nothing(app):
    setu = api_client(app, "setu")
    report = setu.post("/api/v1/reports", json=report_body()).json
    url = f"/api/v1/reports/{report['id']}"

    refused = setu.patch(url, json={"title": "Posyandu Mawar", "date": tomorrow_in_jakarta()})
    changed = setu.patch(url, json={"title": "Posyandu Mawar", "latitude": None, "longitude": None})

    assert refused.status_code == 422 and refused.json["error"]["field"] == "date"
    assert changed.status_code == 200
    assert (changed.json["title"], changed.json["date"]) == ("Posyandu Mawar", "2024-05-01")
    assert (changed.json["latitude"], changed.json["location_source"]) == (None, "")
    assert setu.get(url).json["title"] == "Posyandu Mawar"


def test_review_flow_return_fix_accept(app):
    setu, camat = api_client(app, "setu"), api_client(app, "camat")
    report = setu.post("/api/v1/reports", json=report_body()).json
    url = f"/api/v1/reports/{report['id']}"

    no_comment = camat.post(f"{url}/review?lang=en", json={"decision": "return"})
    returned = camat.post(f"{url}/review", json={"decision": "return", "comment": "Foto kurang"})
    seen_by_author = setu.get(url).json
    twice = camat.post(f"{url}/review", json={"decision": "accept"})
    resubmitted = setu.patch(url, json={"participants": 30})
    accepted = camat.post(f"{url}/review", json={"decision": "accept", "comment": "Terima kasih"})
    frozen = setu.patch(f"{url}?lang=en", json={"participants": 31})

    assert no_comment.status_code == 422 and no_comment.json["error"]["field"] == "comment"
    assert returned.status_code == 200
    assert (seen_by_author["status"], seen_by_author["review_comment"]) == (
        "returned",
        "Foto kurang",
    )
    assert seen_by_author["reviewed_at"] is not None
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_reviewed"
    assert resubmitted.json["status"] == "submitted"
    assert accepted.json["status"] == "accepted"
    assert frozen.status_code == 409
    assert frozen.json["error"]["message"] == "An accepted report can no longer be changed."
    assert setu.get(url).json["participants"] == 30
    report_id = str(report["id"])
    assert audit_actions(app) == [
        ("setu", "report.create", report_id),
        ("camat", "report.return", report_id),
        ("setu", "report.update", report_id),
        ("camat", "report.accept", report_id),
    ]


def test_who_reads_writes_and_reviews_what(app):
    in_setu = api_client(app, "setu").post("/api/v1/reports", json=report_body()).json["id"]
    munjul_body = report_body(latitude=-6.33, longitude=106.9)
    in_munjul = api_client(app, "munjul").post("/api/v1/reports", json=munjul_body).json["id"]
    pisangan_body = report_body(latitude=None, longitude=None)
    in_pisangan = api_client(app, "pisangan").post("/api/v1/reports", json=pisangan_body).json["id"]

    def listed(username: str) -> set[int]:
        reports = api_client(app, username).get("/api/v1/reports").json["reports"]
        return {report["id"] for report in reports}

    assert listed("setu") == listed("setu2") == {in_setu}
    assert listed("camat") == {in_setu, in_munjul}
    assert listed("camat_matraman") == {in_pisangan}
    assert listed("operator") == {in_setu, in_munjul, in_pisangan}

    setu, camat, operator = (api_client(app, name) for name in ("setu", "camat", "operator"))
    assert setu.get(f"/api/v1/reports/{in_munjul}").status_code == 404
    assert setu.patch(f"/api/v1/reports/{in_munjul}", json={"title": "x"}).status_code == 404
    assert camat.patch(f"/api/v1/reports/{in_setu}", json={"title": "x"}).status_code == 403
    accept = {"decision": "accept"}
    assert setu.post(f"/api/v1/reports/{in_setu}/review", json=accept).status_code == 403
    assert operator.post(f"/api/v1/reports/{in_setu}/review", json=accept).status_code == 403
    assert operator.post("/api/v1/reports", json=report_body()).status_code == 403
    matraman = api_client(app, "camat_matraman")
    assert matraman.post(f"/api/v1/reports/{in_setu}/review", json=accept).status_code == 404
    assert camat.post(f"/api/v1/reports/{in_setu}/review", json=accept).status_code == 200


def test_the_list_filters_and_refuses_a_bad_filter(web_app):
    setu = api_client(web_app, "setu")
    setu.post("/api/v1/reports", json=report_body(date="2024-04-10", activity_type="Patroli"))
    setu.post("/api/v1/reports", json=report_body(date="2024-05-10"))

    may = setu.get("/api/v1/reports?from=2024-05-01&to=2024-05-31").json
    patrols = setu.get("/api/v1/reports?activity_type=Patroli").json
    bad = setu.get("/api/v1/reports?from=kemarin&lang=en")

    assert [report["date"] for report in may["reports"]] == ["2024-05-10"]
    assert (may["total"], may["page"], may["pages"]) == (1, 1, 1)
    assert [report["activity_type"] for report in patrols["reports"]] == ["Patroli"]
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json["error"]["message"]


def test_errors_speak_indonesian_by_default(web_app):
    setu = api_client(web_app, "setu")

    response = setu.post("/api/v1/reports", json=report_body(date=tomorrow_in_jakarta()))

    assert "masa depan" in response.json["error"]["message"]


def test_the_openapi_document_is_valid_and_describes_every_route(web_app):
    document = web_app.test_client().get("/api/v1/openapi.json").json

    jsonschema_rs.validator_for(OPENAPI_31).validate(document)
    documented = {
        (f"/api/v1{path}".replace("{report_id}", "<report_id>"), method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    routes = {
        (rule.rule.replace("<int(max=2147483647):report_id>", "<report_id>"), method)
        for rule in web_app.url_map.iter_rules()
        if rule.endpoint.startswith("reports_api.") and rule.endpoint != "reports_api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routes
    activity_types = document["components"]["schemas"]["NewReport"]["properties"]["activity_type"]
    assert activity_types["enum"] == list(report_settings(current_hub(web_app)).activity_types)


def test_the_documented_request_bodies_are_the_models_schemas(make_reports_app, sqlite_url):
    configured = {"activity_types": ["Posyandu", "Ronda malam"]}
    app = make_reports_app(sqlite_url, sections={"reports": configured})
    document = app.test_client().get("/api/v1/openapi.json").json

    for path, method, model in [
        ("/reports", "post", NewReport),
        ("/reports/{report_id}", "patch", ReportChanges),
        ("/reports/{report_id}/review", "post", Review),
    ]:
        body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{model.__name__}"}
        expected = model.model_json_schema(ref_template="#/components/schemas/{model}")
        if model is not Review:
            expected["properties"]["activity_type"]["enum"] = ["Posyandu", "Ronda malam"]
        assert document["components"]["schemas"][model.__name__] == expected


WRONG_TYPES = [
    ("post", "", {"title": 12}, "title"),
    ("post", "", {"participants": [25]}, "participants"),
    ("post", "", {"participants": True}, "participants"),
    ("post", "", {"latitude": {"degrees": -6.32}}, "latitude"),
    ("post", "", {"date": 20240501}, "date"),
    ("post", "", {"location_source": 1}, "location_source"),
    ("patch", "/{id}", {"activity_type": None}, "activity_type"),
    ("patch", "/{id}", {"description": ["Penimbangan"]}, "description"),
    ("post", "/{id}/review", {"decision": ["accept"]}, "decision"),
    ("post", "/{id}/review", {"decision": "return", "comment": 5}, "comment"),
]


def test_a_field_of_the_wrong_type_gets_the_error_shape_not_a_server_error(web_app):
    setu, camat = api_client(web_app, "setu"), api_client(web_app, "camat")
    report = setu.post("/api/v1/reports", json=report_body()).json

    for method, path, fields, field in WRONG_TYPES:
        client = camat if path.endswith("review") else setu
        body = fields if method == "patch" or "review" in path else report_body(**fields)
        url = "/api/v1/reports" + path.format(id=report["id"]) + "?lang=en"

        response = client.open(url, method=method.upper(), json=body)

        assert response.status_code == 422, (fields, response.json)
        assert Error.model_validate(response.json).error.field == field
        assert response.json["error"]["code"] == "invalid"
    assert report_count(web_app) == 1
    assert setu.get(f"/api/v1/reports/{report['id']}").json == report


def test_fields_sent_as_the_form_holds_them_are_read_as_numbers(web_app):
    """The form's script sends every field as text, and an empty one as an empty string."""
    setu = api_client(web_app, "setu")
    typed = {"participants": "", "latitude": "", "longitude": "", "location_source": ""}

    created = setu.post("/api/v1/reports", json=report_body(description="", **typed))
    located = {"participants": " 12 ", "latitude": "-6.320100", "longitude": "106.910400"}
    changed = setu.patch(f"/api/v1/reports/{created.json['id']}", json=located)

    assert created.status_code == 201
    assert [created.json[name] for name in ("participants", "latitude", "location_source")] == [
        0,
        None,
        "",
    ]
    assert [changed.json[name] for name in ("participants", "latitude", "location_source")] == [
        12,
        -6.3201,
        "manual",
    ]
