"""A session ends for good: a copy of the session cookie taken before signing out, a password
change or the account being disabled no longer signs anyone in."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.auth.manage import issue_reset_link
from hub.models import User
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

NEW_PASSWORD = "a new battery staple"


@pytest.fixture
def app(make_app, make_user, sqlite_url: str) -> Flask:
    app = make_app(sqlite_url, language="en")
    make_user(app, "admin", "admin")
    make_user(app, "budi", "operator")
    return app


def signed_in(app: Flask, sign_in, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    return client


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(cookie_name, client.get_cookie(cookie_name).value)
    return copy


def sign_out(client: FlaskClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/sources")})


def user_id(app: Flask, username: str) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_a_copy_of_the_cookie_stops_working_once_its_user_signs_out(app: Flask, sign_in) -> None:
    browser = signed_in(app, sign_in, "admin")
    thief = copy_of(app, browser)
    elsewhere = signed_in(app, sign_in, "budi")
    assert thief.get("/sources").status_code == 200

    sign_out(browser)

    assert thief.get("/sources").status_code == 302
    assert browser.get("/sources").status_code == 302
    assert elsewhere.get("/sources").status_code == 200
    assert signed_in(app, sign_in, "admin").get("/sources").status_code == 200


def test_setting_a_new_password_ends_every_other_session(app: Flask, sign_in) -> None:
    phone, laptop = signed_in(app, sign_in, "budi"), signed_in(app, sign_in, "budi")
    with current_hub(app).db.session() as session:
        token = issue_reset_link(session, None, session.get(User, user_id(app, "budi")), via="test")
    page = f"/users/reset/{token}"
    stranger = app.test_client()

    stranger.post(
        page,
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(stranger, page),
        },
    )

    assert phone.get("/sources").status_code == 302
    assert laptop.get("/sources").status_code == 302
    assert signed_in(app, sign_in, "budi", NEW_PASSWORD).get("/sources").status_code == 200


def test_a_disabled_account_enabled_again_does_not_revive_its_old_sessions(
    app: Flask, sign_in
) -> None:
    admin, budi = signed_in(app, sign_in, "admin"), signed_in(app, sign_in, "budi")
    kept = copy_of(app, budi)
    edit_page = f"/users/{user_id(app, 'budi')}"

    for action in ("disable", "enable"):
        token = csrf_token(admin, edit_page)
        assert admin.post(f"{edit_page}/{action}", data={"csrf_token": token}).status_code == 302

    assert budi.get("/sources").status_code == 302
    assert kept.get("/sources").status_code == 302
    assert signed_in(app, sign_in, "budi").get("/sources").status_code == 200


def test_a_cookie_naming_only_the_user_id_signs_nobody_in(app: Flask) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id(app, "admin"))
        session["_fresh"] = True

    assert client.get("/sources").status_code == 302
