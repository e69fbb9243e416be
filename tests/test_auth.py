"""Sign-in: the login form, throttling, inactive users, sign-out, and creating users, on a hub
with no plugin (an administrator lands on the live room, the first page of their menu)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.auth import create_user
from hub.models import User
from hub.models.base import utcnow
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
    """The portal in English, locking an account for ten minutes after three failures."""
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


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client: FlaskClient) -> None:
    assert login(client, "admin", path="/login?next=/sources").headers["Location"] == "/sources"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/sources")})

    response = login(client, "admin", path="/login?next=https://evil.example/")
    assert response.headers["Location"] == "/live/"


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


def test_repeated_failures_lock_the_account_and_say_for_how_long(
    app: Flask, client: FlaskClient
) -> None:
    for _ in range(2):
        assert "Wrong username or password." in login(client, "admin", "guess").text
    locked = login(client, "admin", "guess").get_data(as_text=True)

    assert "this account is locked. Try again in 10 minutes." in locked
    right_password = login(client, "admin").get_data(as_text=True)
    assert "this account is locked" in right_password
    assert client.get("/sources").status_code == 302
    assert user(app, "admin").locked_until > utcnow() + timedelta(minutes=9)


def test_the_lock_expires_and_a_success_resets_the_count(app: Flask, client: FlaskClient) -> None:
    for _ in range(3):
        login(client, "admin", "guess")
    update_user(app, "admin", locked_until=utcnow() - timedelta(seconds=1))

    assert login(client, "admin").status_code == 302
    account = user(app, "admin")
    assert (account.failed_logins, account.locked_until) == (0, None)


def test_failures_only_count_when_consecutive(app: Flask, client: FlaskClient) -> None:
    for _ in range(2):
        login(client, "admin", "guess")
    login(client, "admin")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/sources")})
    for _ in range(2):
        login(client, "admin", "guess")

    assert user(app, "admin").failed_logins == 2
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
