"""Rate limits per client address: sign-in (all attempts, failures per username and failures
across usernames), a plugin's own endpoint, and Redis going away."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from limits import parse

from hub.api import hookimpl, rate_limit
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

ATTACKER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


def allowed_sign_ins(app: Flask) -> int:
    """How many sign-in attempts one address may make in the limit's window."""
    limit = current_hub(app).settings.login_rate_limit
    return parse(limit).amount


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client: FlaskClient, username: str, password: str = PASSWORD, query: str = ""):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post(f"/login{query}", data=data)


@pytest.fixture
def app(make_app, make_user, sqlite_url: str, redis_url: str) -> Flask:
    app = make_app(sqlite_url, redis_url=redis_url)
    make_user(app, "admin", "admin")
    return app


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening, kept while the test
    runs so nothing else takes it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_one_address_past_the_limit_is_refused_in_the_portals_language(app: Flask) -> None:
    attacker, neighbour = client_at(app, ATTACKER), client_at(app, NEIGHBOUR)
    allowed = allowed_sign_ins(app)

    # Different accounts each time: the limit is the address's, whatever the accounts.
    tries = [login(attacker, f"guess{n}", "guess") for n in range(allowed)]
    refused = login(attacker, "admin")

    assert [response.status_code for response in tries] == [200] * allowed
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam" in page
    assert 'name="username"' in page and 'value="admin"' in page
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert attacker.get("/").status_code == 302
    assert login(neighbour, "admin").status_code == 302


def test_the_refusal_is_in_english_when_asked_and_reading_the_form_is_not_limited(
    app: Flask,
) -> None:
    attacker = client_at(app, ATTACKER)
    for n in range(allowed_sign_ins(app)):
        login(attacker, f"guess{n}", "guess")

    refused = login(attacker, "admin", query="?lang=en")

    assert refused.status_code == 429
    assert "Too many requests from your address. Try again in" in refused.text
    assert all(attacker.get("/login").status_code == 200 for _ in range(3))


@pytest.fixture
def guarded(make_app, make_user, sqlite_url: str, redis_url: str) -> Flask:
    """A portal in English refusing a username to an address for ten minutes after three failed
    sign-ins, and any username after six failures from the address in an hour."""
    app = make_app(
        sqlite_url,
        redis_url=redis_url,
        language="en",
        login_attempts=3,
        login_lockout=600,
        login_failure_limit="6 per hour",
    )
    make_user(app, "admin", "admin")
    make_user(app, "budi", "operator")
    return app


THROTTLED = "Too many failed sign-ins from your address. Try again in"


def refusal(response) -> str:
    return re.search(r'role="alert">([^<]*)<', response.text).group(1)


def test_failures_refuse_that_username_to_that_address_and_never_lock_the_account(
    guarded: Flask,
) -> None:
    attacker, owner = client_at(guarded, ATTACKER), client_at(guarded, NEIGHBOUR)
    assert allowed_sign_ins(guarded) > 4

    tries = [login(attacker, "admin", "guess") for _ in range(3)]
    refused = login(attacker, "admin")

    assert ["Wrong username or password." in r.text for r in tries] == [True] * 3
    assert refused.status_code == 429
    assert f"{THROTTLED} 10 minutes." in refused.text
    assert 590 <= int(refused.headers["Retry-After"]) <= 600
    assert attacker.get("/sources").status_code == 302
    assert login(owner, "admin").status_code == 302
    assert login(attacker, "budi").status_code == 302


def test_a_known_and_an_unknown_username_are_refused_alike(guarded: Flask) -> None:
    answers = {}
    for username, address in (("admin", ATTACKER), ("nobody", NEIGHBOUR)):
        client = client_at(guarded, address)
        for _ in range(3):
            login(client, username, "guess")
        answers[username] = login(client, username, "guess")

    known, unknown = answers["admin"], answers["nobody"]
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert refusal(known) == refusal(unknown) == f"{THROTTLED} 10 minutes."
    assert all(590 <= int(r.headers["Retry-After"]) <= 600 for r in (known, unknown))


def test_one_address_spraying_many_usernames_is_refused_for_all(guarded: Flask) -> None:
    attacker, owner = client_at(guarded, ATTACKER), client_at(guarded, NEIGHBOUR)

    tries = [login(attacker, f"user{n}", "guess") for n in range(3)]
    # A sign-in to an account of its own does not clear the address's count.
    assert login(attacker, "budi").status_code == 302
    attacker.post("/logout", data={"csrf_token": csrf_token(attacker, "/sources")})
    tries += [login(attacker, f"user{n}", "guess") for n in range(3, 6)]
    refused = login(attacker, "admin")

    assert [r.status_code for r in tries] == [200] * 6
    assert refused.status_code == 429
    assert THROTTLED in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert login(owner, "admin").status_code == 302


def test_the_count_is_shared_by_every_portal_process_of_a_hub(
    make_app, make_user, sqlite_url: str, redis_url: str
) -> None:
    hub_name = f"test-{uuid.uuid4().hex[:8]}"
    first = make_app(sqlite_url, redis_url=redis_url, queue_name=hub_name)
    second = make_app(sqlite_url, redis_url=redis_url, queue_name=hub_name)
    other_hub = make_app(sqlite_url, redis_url=redis_url)
    make_user(first, "admin", "admin")
    allowed = allowed_sign_ins(first)

    for n in range(allowed):
        process = first if n % 2 else second
        assert login(client_at(process, ATTACKER), f"guess{n}", "guess").status_code == 200

    assert login(client_at(first, ATTACKER), "admin").status_code == 429
    assert login(client_at(second, ATTACKER), "admin").status_code == 429
    assert login(client_at(other_hub, ATTACKER), "admin").status_code == 302


def test_without_redis_the_portal_signs_in_and_limits_in_memory(
    make_app, make_user, sqlite_url: str, closed_port: int
) -> None:
    app = make_app(sqlite_url, redis_url=f"redis://127.0.0.1:{closed_port}/0")
    make_user(app, "admin", "admin")
    attacker = client_at(app, ATTACKER)

    assert login(attacker, "admin").status_code == 302
    attacker.post("/logout", data={"csrf_token": csrf_token(attacker, "/sources")})
    tries = [login(attacker, f"guess{n}", "guess") for n in range(allowed_sign_ins(app) - 1)]

    assert [response.status_code for response in tries] == [200] * len(tries)
    assert login(attacker, "admin").status_code == 429
    assert login(client_at(app, NEIGHBOUR), "admin").status_code == 302


def test_without_redis_failures_still_refuse_the_username_to_the_address(
    make_app, make_user, sqlite_url: str, closed_port: int
) -> None:
    app = make_app(sqlite_url, redis_url=f"redis://127.0.0.1:{closed_port}/0", login_attempts=2)
    make_user(app, "admin", "admin")
    attacker = client_at(app, ATTACKER)

    tries = [login(attacker, "admin", "guess").status_code for _ in range(2)]

    assert tries == [200, 200]
    assert login(attacker, "admin").status_code == 429
    assert login(client_at(app, NEIGHBOUR), "admin").status_code == 302


class LimitedPlugin:
    """A plugin limiting its own endpoint through the hub's API."""

    @hookimpl
    def register_blueprints(self) -> list[Blueprint]:
        blueprint = Blueprint("limited", __name__)

        @blueprint.get("/limited/ping")
        @rate_limit("2 per minute")
        def ping() -> str:
            return "pong"

        return [blueprint]


def test_a_plugin_limits_its_own_endpoint(make_app, sqlite_url: str, redis_url: str) -> None:
    app = make_app(sqlite_url, redis_url=redis_url, plugins={"limited": LimitedPlugin()})
    attacker = client_at(app, ATTACKER)

    answers = [attacker.get("/limited/ping").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert client_at(app, NEIGHBOUR).get("/limited/ping").status_code == 200
    assert login(attacker, "nobody", "guess").status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(
    make_app, make_user, sqlite_url: str, redis_url: str, proxies: int
) -> None:
    app = make_app(sqlite_url, redis_url=redis_url, language="en", trusted_proxies=proxies)
    make_user(app, "admin", "admin")
    proxy = "10.0.0.2"

    def through_proxy(client_address: str) -> FlaskClient:
        client = client_at(app, proxy)
        client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        return client

    attacker = through_proxy(ATTACKER)
    for n in range(allowed_sign_ins(app)):
        login(attacker, f"guess{n}", "guess")

    assert login(attacker, "admin").status_code == 429
    neighbour = login(through_proxy(NEIGHBOUR), "admin").status_code
    # Without a trusted proxy the header is the client's to forge: the proxy's address counts.
    assert neighbour == (302 if proxies else 429)
