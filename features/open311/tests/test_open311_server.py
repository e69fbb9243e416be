"""The hub's GeoReport v2 API at /open311/v2/: services, requests, submissions, tokens, keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select

from features.complaints.models import ComplaintCase, ComplaintEvent
from features.complaints.statuses import CLOSED, RESOLVED
from features.open311.keys import create_key, key_hash, revoke_key
from features.open311.models import ApiKey
from hub.cli import cli
from hub.models import AuditEntry, Base, Record, Source
from hub.models.base import utcnow
from hub.state import current_hub

API = "/open311/v2"
WENANG_UTARA = "71.71.04.1005"
ONE_HOUR = timedelta(hours=1)
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
GOOD_REQUEST = {
    "service_code": "sampah",
    "description": "Sampah menumpuk di depan pasar sejak Senin.",
    "address_string": "Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang, Kota Manado",
    "lat": "1.4871",
    "long": "124.8389",
    "email": "warga@example.id",
}
EXPECTED = {
    "service_request_id": None,
    "status": "open",
    "status_notes": None,
    "service_name": "Sampah",
    "service_code": "sampah",
    "description": GOOD_REQUEST["description"],
    "agency_responsible": "Dinas Lingkungan Hidup",
    "address": GOOD_REQUEST["address_string"],
    "lat": 1.4871,
    "long": 124.8389,
    "media_url": None,
}


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


def submit(client: FlaskClient, api_key: str, fmt: str = "json", **changes):
    fields = {**GOOD_REQUEST, "api_key": api_key, **changes}
    return client.post(f"{API}/requests.{fmt}", data={k: v for k, v in fields.items() if v})


def submitted_id(client: FlaskClient, api_key: str, **changes) -> int:
    response = submit(client, api_key, **changes)
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()[0]["service_request_id"])


def complaint_count(app: Flask) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Record))


def xml_errors(response) -> list[tuple[str, str]]:
    root = ElementTree.fromstring(response.data)
    assert root.tag == "errors"
    return [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]


def test_services_are_the_routed_categories_in_json_and_xml(make_app, sqlite_url) -> None:
    client = make_app(sqlite_url, language="en").test_client()

    services = client.get(f"{API}/services.json?jurisdiction_id=manado").get_json()
    root = ElementTree.fromstring(client.get(f"{API}/services.xml").data)

    lamps = next(s for s in services if s["service_name"] == "Lampu jalan rusak (PJU)")
    assert lamps["service_code"] == "lampu-jalan-rusak-pju"
    assert (lamps["group"], lamps["type"], lamps["metadata"]) == (
        "Dinas Perindustrian, Perdagangan dan Energi",
        "realtime",
        False,
    )
    assert len(services) == 14
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [
        s["service_code"] for s in services
    ]
    assert root.find("service/metadata").text == "false"


def test_a_service_definition_and_an_unknown_service(make_app, sqlite_url) -> None:
    client = make_app(sqlite_url, language="en").test_client()

    definition = client.get(f"{API}/services/sampah.json").get_json()
    unknown = client.get(f"{API}/services/ufo.xml")
    wrong_format = client.get(f"{API}/services.csv")

    assert definition == {"service_code": "sampah", "attributes": []}
    assert unknown.status_code == 404
    assert xml_errors(unknown) == [("404", "No service “ufo”: see services.json.")]
    assert wrong_format.status_code == 404
    assert "use .json or .xml" in wrong_format.get_json()[0]["description"]


def test_a_submitted_request_becomes_a_routed_complaint(app, client, api_key) -> None:
    response = submit(client, api_key)

    (answer,) = response.get_json()
    request_id = int(answer["service_request_id"])
    with current_hub(app).db.read_session() as session:
        record = session.get(Record, request_id)
        source = session.get(Source, record.source_id)
        case = session.get(ComplaintCase, request_id)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "open311.request"))
        entry = entry.one()
    assert response.status_code == 200 and answer["service_notice"] and answer["token"]
    assert (source.name, source.type, source.enabled) == ("open311", "open311-inbound", False)
    assert (record.category, record.area_code, record.status) == ("Sampah", WENANG_UTARA, "open")
    assert record.payload["email"] == "warga@example.id" and "api_key" not in record.payload
    assert (case.agency_code, case.area_code, case.status) == ("dlh", WENANG_UTARA, "open")
    assert case.completion_due_at - case.received_at == timedelta(hours=72)
    assert (entry.target_id, entry.detail["api_key"]) == (str(request_id), "lapor-manado")

    listed = client.get(f"{API}/requests.json").get_json()
    single = client.get(f"{API}/requests/{request_id}.json").get_json()
    token = client.get(f"{API}/tokens/{answer['token']}.xml")
    assert [r["service_request_id"] for r in listed] == [str(request_id)]
    assert single == listed
    shown = listed[0]
    assert list(shown) == REQUEST_FIELDS
    assert {name: shown[name] for name in EXPECTED} == EXPECTED | {
        "service_request_id": str(request_id)
    }
    requested = datetime.fromisoformat(shown["requested_datetime"])
    assert requested.utcoffset() == timedelta(hours=7)
    assert datetime.fromisoformat(shown["expected_datetime"]) - requested == timedelta(hours=72)
    assert ElementTree.fromstring(token.data).findtext("request/service_request_id") == str(
        request_id
    )


def test_a_missing_unknown_or_revoked_key_is_refused(app, client) -> None:
    with current_hub(app).db.session() as session:
        revoked = create_key(session, "old-app")
    with current_hub(app).db.session() as session:
        revoke_key(session, "old-app")
    expected = "api_key is missing, unknown or revoked."

    for key in ("", "not-a-key", revoked):
        as_json, as_xml = submit(client, key, "json"), submit(client, key, "xml")

        assert (as_json.status_code, as_xml.status_code) == (403, 403)
        assert as_json.get_json() == [{"code": 403, "description": expected}]
        assert xml_errors(as_xml) == [("403", expected)]
    in_indonesian = client.post(f"{API}/requests.json?lang=id", data=GOOD_REQUEST).get_json()
    assert (
        in_indonesian[0]["description"] == "api_key tidak ada, tidak dikenal, atau sudah dicabut."
    )
    assert complaint_count(app) == 0


def test_missing_fields_are_all_listed_and_nothing_is_stored(app, client, api_key) -> None:
    response = submit(
        client, api_key, "xml", service_code="", description="", address_string="", lat="", long=""
    )

    assert response.status_code == 400
    assert [description for _, description in xml_errors(response)] == [
        "service_code is required.",
        "A location is required: lat and long, address_string or address_id.",
    ]
    assert complaint_count(app) == 0


def test_a_wrong_field_is_explained(make_app, sqlite_url) -> None:
    app = make_app(sqlite_url, language="en")
    client = app.test_client()
    with current_hub(app).db.session() as session:
        key = create_key(session, "lapor-manado")
    cases = [
        ({"service_code": "ufo"}, "service_code “ufo” is not a service here: see services.json."),
        ({"lat": "north", "address_string": ""}, "lat must be a number from -90 to 90."),
        ({"long": "", "address_string": ""}, "lat and long go together: send both."),
        ({"description": "x" * 4001}, "description is longer than 4,000 characters."),
        ({"media_url": "file:///etc/passwd"}, "media_url must be an http or https address."),
        ({"email": "warga"}, "email is not an e-mail address."),
    ]

    for changes, message in cases:
        response = submit(client, key, **changes)

        assert response.status_code == 400
        assert response.get_json() == [{"code": 400, "description": message}]
    assert complaint_count(app) == 0


def test_requests_are_filtered_and_paged(app, client, api_key) -> None:
    now = utcnow()
    ids = [submitted_id(client, api_key) for _ in range(3)]
    lamp = submitted_id(client, api_key, service_code="lampu-jalan-rusak-pju")
    old = submitted_id(client, api_key, service_code="banjir")
    with current_hub(app).db.session() as session:
        session.get(ComplaintCase, ids[0]).status = RESOLVED
        session.get(ComplaintCase, ids[1]).status = CLOSED
        session.get(ComplaintCase, old).received_at = now - timedelta(days=120)
        session.get(ComplaintCase, ids[2]).category = "Got mampet"
        session.add_all(
            ComplaintEvent(record_id=ids[0], action="answer", note=note, at=now + offset)
            for note, offset in (("Dijadwalkan.", timedelta(0)), ("Sudah diangkut.", ONE_HOUR))
        )

    def listed(**query: str) -> list[str]:
        response = client.get(f"{API}/requests.json", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in response.get_json()]

    newest_first = [str(i) for i in reversed([*ids, lamp])]
    assert listed() == newest_first
    assert listed(status="closed") == [str(ids[1]), str(ids[0])]
    assert listed(status="open", service_code="lampu-jalan-rusak-pju,banjir") == [str(lamp)]
    assert listed(service_code="got-mampet") == [str(ids[2])]
    since = (now - timedelta(days=150)).isoformat()
    assert listed(start_date=since) == [*newest_first, str(old)]
    assert listed(service_request_id=f"{old},{ids[2]},999,abc", status="closed") == [
        str(ids[2]),
        str(old),
    ]
    assert listed(page_size="2") == newest_first[:2]
    assert listed(page_size="2", page="2") == newest_first[2:]
    assert listed(page_size="2", page="3") == []
    answered = client.get(f"{API}/requests/{ids[0]}.xml")
    request = ElementTree.fromstring(answered.data).find("request")
    assert (request.findtext("status"), request.findtext("status_notes")) == (
        "closed",
        "Sudah diangkut.",
    )


def test_requests_changed_in_a_window_come_in_the_order_they_changed(app, client, api_key) -> None:
    first, second = (submitted_id(client, api_key) for _ in range(2))
    later = utcnow() + ONE_HOUR
    with current_hub(app).db.session() as session:
        session.get(ComplaintCase, first).updated_at = later

    after = (utcnow() - ONE_HOUR).isoformat()
    changed = client.get(f"{API}/requests.json", query_string={"updated_after": after}).get_json()
    window = client.get(
        f"{API}/requests.json",
        query_string={"updated_after": after, "updated_before": (later - ONE_HOUR).isoformat()},
    ).get_json()

    assert [r["service_request_id"] for r in changed] == [str(second), str(first)]
    assert [r["service_request_id"] for r in window] == [str(second)]


def test_bad_filters_are_all_explained(make_app, sqlite_url) -> None:
    client = make_app(sqlite_url, language="en").test_client()

    response = client.get(
        f"{API}/requests.json",
        query_string={
            "status": "pending",
            "service_code": "ufo",
            "start_date": "yesterday",
            "page": "0",
        },
    )

    assert response.status_code == 400
    assert [error["description"] for error in response.get_json()] == [
        "service_code “ufo” is not a service here.",
        "status must be open or closed, not “pending”.",
        "start_date must be a date and time such as 2026-11-23T08:00:00+07:00, not “yesterday”.",
        "page must be a whole number from 1.",
    ]


def test_unknown_requests_tokens_and_paths_are_404_in_the_standard_format(
    make_app, sqlite_url
) -> None:
    client = make_app(sqlite_url, language="en").test_client()
    for path in ("requests/12345.json", "requests/abc.json", "tokens/nope.json", "nothing"):
        response = client.get(f"{API}/{path}")
        assert response.status_code == 404
        assert response.get_json()[0]["code"] == 404


def test_other_methods_are_405_in_the_standard_format(make_app, sqlite_url) -> None:
    client = make_app(sqlite_url, language="en").test_client()

    put = client.put(f"{API}/requests.json")
    delete = client.delete(f"{API}/requests/1.xml")

    assert (put.status_code, delete.status_code) == (405, 405)
    assert put.get_json() == [{"code": 405, "description": "Only GET and POST are allowed here."}]
    assert xml_errors(delete) == [("405", "Only GET and POST are allowed here.")]


def test_keys_are_created_listed_and_revoked_on_the_command_line(tmp_path, monkeypatch) -> None:
    config = tmp_path / "simpul.toml"
    database = tmp_path / "hub.db"
    config.write_text(
        f'[hub]\ndatabase_url = "sqlite:///{database}"\ninstance_path = "{tmp_path}"\n'
    )
    monkeypatch.setenv("SIMPUL_CONFIG", str(config))

    def run(*args: str):
        return CliRunner().invoke(cli, list(args))

    engine = create_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    created = run("open311", "keys", "create", "lapor-manado")
    again = run("open311", "keys", "create", "lapor-manado")
    listed = run("open311", "keys", "list")
    revoked = run("open311", "keys", "revoke", "lapor-manado")
    twice = run("open311", "keys", "revoke", "lapor-manado")

    key = created.output.strip()
    assert created.exit_code == 0 and len(key) > 30
    assert again.exit_code == 1 and "an active key named 'lapor-manado' exists" in again.output
    assert "lapor-manado" in listed.output and "active" in listed.output
    assert key not in listed.output
    assert revoked.exit_code == 0 and twice.exit_code == 1
    assert "revoked" in run("open311", "keys", "list").output
    with engine.connect() as connection:
        (stored,) = connection.execute(select(ApiKey.key_hash, ApiKey.revoked_at)).all()
        actions = connection.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    engine.dispose()
    assert stored.key_hash == key_hash(key) and stored.revoked_at is not None
    assert actions == ["open311.key.create", "open311.key.revoke"]
