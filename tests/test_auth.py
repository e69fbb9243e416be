"""Sign-in: the login form, throttling, inactive users, sign-out, and creating users, on a hub
with no plugin (an administrator lands on the live room, the first page of their menu)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.auth import create_user
from hub.models import User
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

SETU = "31.75.10.1005"


def login(client: FlaskClient, username: str, password: str = PASSWORD, path: str = "/login"):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post(path, data=data)


def user(app: Flask, username: str) -> User:
    with current_hub(app).db.session() as session:
        return session.scalar(select(User).where(User.username == username))


def update_user(app: Flask, username: str, **values) -> None:
    with current_hub(app).db.session() as session:
        account = session.scalar(select(User).where(User.username == username))
        for name, value in values.items():
            setattr(account, name, value)


@pytest.fixture
def app(make_app, sqlite_url) -> Flask:
    """The portal in English, refusing a username to an address for ten minutes after three
    failures."""
    app = make_app(sqlite_url, language="en", login_attempts=3, login_lockout=600)
    with current_hub(app).db.session() as session:
        create_user(session, username="admin", password=PASSWORD, role="admin")
        create_user(session, username="setu", password=PASSWORD, role="ward_staff", area_code=SETU)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_sign_in_opens_the_portal(client: FlaskClient) -> None:
    response = login(client, "admin")

    assert response.status_code == 302
    assert response.headers["Location"] == "/live/"
    page = client.get("/live/").get_data(as_text=True)
    assert "Sign out" in page


OFF_SITE = [
    "https://evil.example/",
    "HTTPS://evil.example/",
    "https:evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%252F/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example@localhost",
    "javascript:alert(1)",
    "sources",
    "",
]
"""Addresses a browser would take off the site (or that are no page of it): every one lands on
the first page of the user's menu instead."""


def test_sign_in_returns_to_the_page_asked_for(client: FlaskClient) -> None:
    query = urlencode({"next": "/sources?state=down#top"})

    response = login(client, "admin", path=f"/login?{query}")

    assert response.headers["Location"] == "/sources?state=down#top"
    assert client.get("/login?next=/sources/lights").headers["Location"] == "/sources/lights"


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_sends_the_user_off_site(client: FlaskClient, target: str) -> None:
    query = urlencode({"next": target})

    at_sign_in = login(client, "admin", path=f"/login?{query}")
    signed_in = client.get(f"/login?{query}")

    assert at_sign_in.headers["Location"] == "/live/"
    assert signed_in.headers["Location"] == "/live/"


def test_wrong_password_and_unknown_user_get_the_same_message(client: FlaskClient) -> None:
    wrong_password = login(client, "admin", "not the password").get_data(as_text=True)
    unknown_user = login(client, "nobody", PASSWORD).get_data(as_text=True)

    assert "Wrong username or password." in wrong_password
    assert "Wrong username or password." in unknown_user
    assert client.get("/sources").status_code == 302


@pytest.mark.parametrize("path", ["/", "/sources", "/sources/lights", "/live/", "/live/admin/"])
def test_pages_need_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_success_forgets_the_failures_before_it(client: FlaskClient) -> None:
    for _ in range(2):
        login(client, "admin", "guess")
    login(client, "admin")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/sources")})
    for _ in range(2):
        login(client, "admin", "guess")

    assert login(client, "admin").status_code == 302


def test_an_inactive_user_is_refused(app: Flask, client: FlaskClient) -> None:
    update_user(app, "setu", active=False)

    page = login(client, "setu").get_data(as_text=True)

    assert "This account is disabled." in page
    assert client.get("/sources").status_code == 302


def test_a_user_disabled_while_signed_in_is_signed_out(app: Flask, client: FlaskClient) -> None:
    login(client, "setu")
    update_user(app, "setu", active=False)

    assert client.get("/sources").status_code == 302


def test_sign_out_needs_a_post_with_the_form_token(client: FlaskClient) -> None:
    login(client, "admin")

    assert client.post("/logout").status_code == 400
    assert client.get("/logout").status_code == 405
    assert client.get("/sources").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/sources")})
    assert response.headers["Location"] == "/login"
    assert client.get("/sources").status_code == 302


def test_a_login_post_without_the_form_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})

    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert client.get("/sources").status_code == 302


def test_create_user_stores_a_hashed_password(app: Flask) -> None:
    with current_hub(app).db.session() as session:
        created = create_user(
            session,
            username=" lurah ",
            password="12345678",
            role="officer",
            area_code="31.75.10",
            full_name="Bu Lurah",
        )

    stored = user(app, "lurah")
    assert stored.id == created.id
    assert stored.password_hash != "12345678"
    assert stored.check_password("12345678")
    assert (stored.role, stored.area_code, stored.full_name) == ("officer", "31.75.10", "Bu Lurah")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"role": "mayor"}, "role must be one of admin, operator, officer, ward_staff"),
        ({"area_code": "99.99"}, "area code '99.99' is not in the areas table"),
        ({"password": "short"}, "password must be at least 8 characters long"),
        ({"username": "admin"}, "username 'admin' is already taken"),
        ({"username": "  "}, "username must not be empty"),
        ({"role": "ward_staff", "area_code": None}, "a ward_staff user needs an area code"),
    ],
)
def test_create_user_explains_what_is_wrong(app: Flask, values: dict, message: str) -> None:
    arguments = {"username": "new", "password": PASSWORD, "role": "operator"} | values

    with (
        current_hub(app).db.session() as session,
        pytest.raises(ValueError, match=re.escape(message)),
    ):
        create_user(session, **arguments)


def test_an_empty_form_says_what_is_missing(client: FlaskClient) -> None:
    data = {"username": " ", "password": "", "csrf_token": csrf_token(client)}

    page = client.post("/login", data=data).get_data(as_text=True)

    assert "Enter your username." in page and "Enter your password." in page
