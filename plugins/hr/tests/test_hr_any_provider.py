"""A ``scim`` source reading a SCIM server that is not ours (the python-scim project's
``scim2-server``) behind an OAuth 2 token endpoint, on loopback, on SQLite and PostgreSQL:
users with and without the enterprise extension or a NIP, managers, titles; changes, and the
deletions the scheduled complete listing brings."""

from __future__ import annotations

import dataclasses
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from scim2_models import ScimProvider, UnauthorizedException
from scim2_server.memory import InMemoryStorage
from scim2_server.requests import ScimRequest
from scim2_server.service import ScimService
from scim2_server.testserver.application import BearerTokenApplication
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_default_service_provider_config,
)
from simpul_hr.scim import ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA
from sqlalchemy import select
from werkzeug.wrappers import Request, Response

from hub.api import Record, SourceSettings, SyncRun, current_hub
from hub.testing import run_sync

CLIENT_ID, CLIENT_SECRET, SECRET_ENV = "simpul-hub", "s3cret-of-the-hub", "IDP_CLIENT_SECRET"
NIP = "198203142006041002"


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """Serves each request in a thread of its own."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """Serves requests without printing a line for each."""

    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class TokenEndpoint:
    """An OAuth 2 authorization server's token endpoint (client credentials only, the client
    authenticated with HTTP Basic), and the tokens it gave that have not expired."""

    lifetime: int = 3600
    tokens: dict[str, float] = field(default_factory=dict)
    issued: int = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        auth = request.authorization
        if request.form.get("grant_type") != "client_credentials":
            return refusal(400, "unsupported_grant_type")(environ, start_response)
        if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return refusal(401, "invalid_client", "unknown client")(environ, start_response)
        token = secrets.token_urlsafe(16)
        self.tokens[token] = time.time() + self.lifetime
        self.issued += 1
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}
        return json_response(body)(environ, start_response)

    def accepts(self, token: str) -> bool:
        return self.tokens.get(token, 0) > time.time()


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def refusal(status: int, error: str, description: str = "") -> Response:
    return json_response({"error": error, "error_description": description}, status)


class OAuthScimApplication(BearerTokenApplication):
    """scim2-server's application, taking the bearer tokens the token endpoint gave."""

    def __init__(self, endpoint: TokenEndpoint, *args: Any) -> None:
        super().__init__(*args)
        self.endpoint = endpoint

    def check_auth(self, request: ScimRequest) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not self.endpoint.accepts(token):
            raise UnauthorizedException


@dataclass
class Provider:
    """The identity provider on loopback: SCIM under /v2, the token endpoint at /token."""

    url: str
    endpoint: TokenEndpoint
    admin: httpx.Client

    def source(self, **settings: Any) -> SourceSettings:
        """A ``scim`` source "idp" reading it with OAuth 2; ``settings`` change those (None
        leaves a setting out)."""
        given = {
            "url": f"{self.url}/v2",
            "token_url": f"{self.url}/token",
            "client_id": CLIENT_ID,
            "client_secret_env": SECRET_ENV,
            "page_size": 2,
            "provision_positions": [],
            **settings,
        }
        kept = {name: value for name, value in given.items() if value is not None}
        return SourceSettings("idp", "scim", settings=kept)

    def add(self, endpoint: str, resource: dict[str, Any]) -> dict[str, Any]:
        response = self.admin.post(f"/v2/{endpoint}", json=resource)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """scim2-server with RFC 7643's schemas in memory, and the token endpoint, on one port;
    ``admin`` is a client of its SCIM API with a token of its own."""
    schemas = load_default_schemas().values()
    types = load_default_resource_types().values()
    scim_provider = ScimProvider.from_discovery(
        schemas, types, config=load_default_service_provider_config()
    )
    endpoint = TokenEndpoint()
    scim = OAuthScimApplication(
        endpoint, InMemoryStorage(), scim_provider, ScimService(scim_provider, secret="test")
    )

    def dispatch(environ: dict[str, Any], start_response: Any) -> Any:
        application = endpoint if environ["PATH_INFO"] == "/token" else scim
        return application(environ, start_response)

    server = make_server(
        "127.0.0.1", 0, dispatch, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    url = f"http://127.0.0.1:{server.server_port}"
    admin_token = secrets.token_urlsafe(16)
    endpoint.tokens[admin_token] = time.time() + 3600
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as admin:
        yield Provider(url, endpoint, admin)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def group(name: str) -> dict[str, Any]:
    return {"schemas": [GROUP_SCHEMA], "displayName": name}


def user(name: str, title: str | None = None, **enterprise: Any) -> dict[str, Any]:
    """A SCIM user, with the enterprise extension when ``enterprise`` gives any of it."""
    resource: dict[str, Any] = {"schemas": [USER_SCHEMA], "userName": name, "displayName": name}
    if title:
        resource["title"] = title
    if enterprise:
        resource["schemas"].append(ENTERPRISE)
        resource[ENTERPRISE] = enterprise
    return resource


def staff(app: Any) -> dict[str, Record]:
    """Every staff record of the app (deleted ones too), by external id."""
    with current_hub(app).db.session() as session:
        records = session.scalars(select(Record).where(Record.kind == "staff")).all()
        return {record.external_id: record for record in records}


def backdate_complete_listings(app: Any, hours: float) -> None:
    with current_hub(app).db.session() as session:
        for run in session.scalars(select(SyncRun).where(SyncRun.full)):
            run.started_at -= timedelta(hours=hours)


@pytest.fixture
def city(provider: Provider) -> dict[str, dict[str, Any]]:
    """Two units and four people: a head of agency with a NIP, someone whose employee number
    is not a NIP and who has a manager, someone without the enterprise extension, and someone
    whose enterprise extension has no employee number."""
    provider.add("Groups", group("Dinas Kominfo"))
    provider.add("Groups", group("Bagian Umum"))
    head = provider.add(
        "Users",
        user(
            "alice",
            "Kepala Dinas",
            employeeNumber=NIP,
            department="Dinas Kominfo",
            organization="Pemerintah Kota Manado",
        ),
    )
    people = {
        "alice": head,
        "bob": provider.add(
            "Users",
            user(
                "bob",
                "Pranata Komputer",
                employeeNumber="E-1042",
                department="Dinas Kominfo",
                manager={"value": head["id"], "displayName": "alice"},
            ),
        ),
        "carol": provider.add("Users", user("carol", "Staf")),
        "dave": provider.add("Users", user("dave", department="Bagian Umum")),
    }
    return people


def test_any_provider_s_users_are_staff_with_or_without_a_nip(
    make_app, database_url, provider, city
) -> None:
    app = make_app(database_url, sources=(provider.source(),))

    run = run_sync(app, "idp")

    assert (run.status, run.full, run.created, run.errored) == ("succeeded", True, 6, 0)
    people = staff(app)
    ids = {name: resource["id"] for name, resource in city.items()}
    assert set(people) == {NIP, *(f"scim:{ids[name]}" for name in ("bob", "carol", "dave"))}
    alice, bob = people[NIP], people[f"scim:{ids['bob']}"]
    carol, dave = people[f"scim:{ids['carol']}"], people[f"scim:{ids['dave']}"]
    assert (alice.title, alice.category, alice.attributes["opd"]) == (
        "Kepala Dinas",
        "Dinas Kominfo",
        "Pemerintah Kota Manado",
    )
    assert (bob.attributes["nip"], bob.title) == (None, "Pranata Komputer")
    assert bob.attributes["manager"] == {"id": ids["alice"]}
    assert (carol.title, carol.category, carol.attributes["user_name"]) == ("Staf", None, "carol")
    assert (dave.title, dave.category, dave.attributes["department"]) == (
        "",
        "Bagian Umum",
        "Bagian Umum",
    )
    assert provider.endpoint.issued == 1


def test_changes_are_read_incrementally_and_deletions_by_the_scheduled_listing(
    make_app, database_url, provider, city
) -> None:
    app = make_app(database_url, sources=(provider.source(),))
    run_sync(app, "idp")
    bob, carol = city["bob"], city["carol"]
    promoted = {**bob, "title": "Kepala Seksi"}
    assert provider.admin.put(f"/v2/Users/{bob['id']}", json=promoted).status_code == 200
    assert provider.admin.delete(f"/v2/Users/{carol['id']}").status_code == 204

    changed = run_sync(app, "idp")

    assert (changed.status, changed.full, changed.updated, changed.deleted) == (
        "succeeded",
        False,
        1,
        0,
    )
    assert staff(app)[f"scim:{bob['id']}"].title == "Kepala Seksi"
    assert staff(app)[f"scim:{carol['id']}"].deleted_at is None
    backdate_complete_listings(app, 25)

    scheduled = run_sync(app, "idp")

    assert (scheduled.status, scheduled.full, scheduled.deleted) == ("succeeded", True, 1)
    assert staff(app)[f"scim:{carol['id']}"].deleted_at is not None
    assert run_sync(app, "idp").full is False


def test_an_expired_token_is_renewed_before_the_request(
    make_app, database_url, provider, city
) -> None:
    provider.endpoint.lifetime = 30
    app = make_app(database_url, sources=(provider.source(),))

    run = run_sync(app, "idp")

    assert run.status == "succeeded" and run.requests > 1
    assert provider.endpoint.issued == run.requests


def test_the_token_serves_the_next_runs_and_is_replaced_when_refused(
    make_app, database_url, provider, city
) -> None:
    app = make_app(database_url, sources=(provider.source(),))
    run_sync(app, "idp")
    run_sync(app, "idp")
    assert provider.endpoint.issued == 1
    provider.endpoint.tokens.clear()

    run = run_sync(app, "idp")

    assert run.status == "succeeded"
    assert provider.endpoint.issued == 2


def test_a_client_the_token_endpoint_refuses_needs_reauthentication(
    make_app, database_url, provider, city, monkeypatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    app = make_app(database_url, sources=(provider.source(),))

    run = run_sync(app, "idp")

    assert (run.status, run.error_kind) == ("failed", "auth")
    assert "the token endpoint refused the client (invalid_client: unknown client)" in run.error
    assert staff(app) == {}


def test_a_source_gives_a_token_or_oauth_settings(make_app, database_url, provider) -> None:
    both = provider.source(token_env=SECRET_ENV)
    partial = dataclasses.replace(provider.source(client_id=None), name="partial")
    neither = dataclasses.replace(
        provider.source(client_id=None, client_secret_env=None, token_url=None), name="neither"
    )
    app = make_app(database_url, sources=(both, partial, neither))

    assert (
        "give either token or token_url, client_id and client_secret" in run_sync(app, "idp").error
    )
    partial_run = run_sync(app, "partial")
    assert (partial_run.error_kind, partial_run.error) == (
        "config",
        "OAuth 2 needs token_url, client_id and client_secret: client_id is missing",
    )
    assert "give token (a static bearer token), or token_url" in run_sync(app, "neither").error


def test_an_admin_sees_the_manager_of_a_person_on_the_staff_list(
    make_app, database_url, provider, city, make_user, sign_in
) -> None:
    app = make_app(database_url, sources=(provider.source(),))
    run_sync(app, "idp")
    make_user(app, "kepegawaian", "admin")
    client = app.test_client()
    sign_in(client, "kepegawaian")

    page = html.unescape(client.get("/hr/staff").get_data(as_text=True))

    bob_row = next(row for row in page.split("<tr>") if "Pranata Komputer" in row)
    assert "<td>alice</td>" in bob_row and "<td>bob</td>" in bob_row
    assert client.get("/hr/").status_code == 200
