"""Who sees the wall: screen tokens (forged, revoked, for another playlist), signed-in users, and
the administrators' pages and commands that make screens, playlists and tokens."""

from __future__ import annotations

import json
import re
import time

import pytest
from sample_city import SETU
from sqlalchemy import func, select

from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token, revoke_token
from hub.models import AuditEntry, Playlist, Screen, ScreenToken
from hub.state import current_hub
from hub.testing import csrf_token

FORGED = "This screen link is not valid. Ask an administrator for a new one."
REVOKED = "This screen link was revoked. Ask an administrator for a new one."


@pytest.fixture
def app(make_city, sqlite_url, redis_url, make_user):
    """The sample plugin's default wall, and a lobby playlist with a screen of Setu alone."""
    app = make_city(sqlite_url)
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
        session.add(Screen(name="setu", title="Setu", area_code=SETU, widgets=["streetlights.out"]))
        session.add(Playlist(name="lobby", title="Lobby", screens=["setu"]))
    make_user(app, "admin1", "admin")
    make_user(app, "operator1", "operator")
    make_user(app, "lurah1", "ward_staff", area_code=SETU)
    return app


def token_for(app, playlist: str = "wall", revoked: bool = False) -> str:
    with current_hub(app).db.session() as session:
        found = session.scalar(select(Playlist).where(Playlist.name == playlist))
        token = create_token(session, "left wall", found, None)
        if revoked:
            revoke_token(session, session.scalar(select(func.max(ScreenToken.id))), None)
    return token


@pytest.mark.parametrize(("revoked", "message"), [(False, FORGED), (True, REVOKED)])
def test_a_forged_or_revoked_token_gets_a_clear_message_everywhere(app, revoked, message):
    token = token_for(app, revoked=True) if revoked else "forged-" + "x" * 20
    client = app.test_client()

    kiosk = client.get(f"/live/k/{token}?lang=en")
    data = client.get("/live/api/screens/streetlights/data", headers={"X-Screen-Token": token})
    playlist = client.get("/live/api/playlists/wall", query_string={"token": token})
    events = client.get("/live/events", query_string={"token": token})

    assert kiosk.status_code == 403
    assert message in kiosk.text
    assert "live-config" not in kiosk.text
    for response in (data, playlist, events):
        assert (response.status_code, response.json) == (403, {"error": message})


def test_a_token_opens_its_own_playlist_and_nothing_else(app):
    token = token_for(app, "lobby")
    client = app.test_client()
    headers = {"X-Screen-Token": token}

    kiosk = client.get(f"/live/k/{token}?lang=en")
    config = json.loads(re.search(r'id="live-config">(.*?)</script>', kiosk.text).group(1))
    own = client.get("/live/api/screens/setu/data", headers=headers)
    other = client.get("/live/api/screens/streetlights/data", headers=headers)
    other_playlist = client.get("/live/api/playlists/wall", headers=headers)
    portal = client.get("/sources", headers=headers)

    assert kiosk.status_code == 200
    assert config["playlist"]["screens"] == [{"name": "setu", "title": "Setu"}]
    assert (config["kiosk"], config["token"]) == (True, token)
    assert own.status_code == 200
    assert [w["name"] for w in own.json["widgets"]] == ["streetlights.out"]
    assert other.status_code == other_playlist.status_code == 403
    assert other.json == {"error": "This screen link does not show that screen."}
    assert portal.status_code == 302 and "/login" in portal.location
    with current_hub(app).db.session() as session:
        assert session.scalar(select(ScreenToken.last_used_at)) is not None


def test_without_a_token_only_operators_see_the_wall(app, sign_in):
    anonymous = app.test_client()
    staff = app.test_client()
    sign_in(staff, "lurah1")
    operator = app.test_client()
    sign_in(operator, "operator1")

    assert anonymous.get("/live/api/screens/streetlights/data").status_code == 403
    assert anonymous.get("/live/").status_code == 302
    assert staff.get("/live/").status_code == 403
    assert staff.get("/live/api/screens/streetlights/data").status_code == 403
    assert operator.get("/live/").status_code == 200
    assert operator.get("/live/screens/streetlights").status_code == 200
    assert operator.get("/live/playlists/wall").status_code == 200
    assert operator.get("/live/api/screens/nowhere/data").status_code == 404
    assert operator.get("/live/admin/").status_code == 403


def admin_client(app, sign_in):
    """An administrator's browser, reading English."""
    client = app.test_client()
    sign_in(client, "admin1")
    client.get("/live/", query_string={"lang": "en"})
    return client


def test_an_admin_makes_a_screen_and_is_told_what_is_wrong_first(app, sign_in, redis_url):
    client = admin_client(app, sign_in)
    token = csrf_token(client, "/live/admin/screens/new")
    events = current_hub(app).channel.subscribe()
    bad = {
        "csrf_token": token,
        "name": "East Wall",
        "title": "",
        "area": "99.99",
        "columns": "9",
        "widgets": "streetlights.out\nstreetlights.out",
    }

    refused = client.post("/live/admin/screens/new", data=bad)
    empty = client.post("/live/admin/screens/new", data={**bad, "widgets": " \n "})
    taken = client.post(
        "/live/admin/screens/new",
        data={**bad, "name": "streetlights", "title": "x", "area": "", "columns": "2"},
    )

    assert refused.status_code == empty.status_code == taken.status_code == 422
    for message in (
        "Use 1 to 64 lower-case letters, digits and dashes",
        "A title is needed",
        "Choose the whole city or one of the areas listed.",
        "Give a whole number from 1 to 6.",
        "Each may appear only once.",
    ):
        assert message in refused.text
    assert "Name at least one, one per line." in empty.text
    assert "A screen with this name exists already." in taken.text
    with current_hub(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(Screen)) == 2

    saved = client.post(
        "/live/admin/screens/new",
        data={
            "csrf_token": token,
            "name": "cipayung",
            "title": "Kecamatan Cipayung",
            "area": "31.75.10",
            "columns": "2",
            "widgets": "streetlights.out\nparks.visitors\n",
        },
        follow_redirects=True,
    )

    assert "Screen cipayung saved." in saved.text
    assert "Kecamatan Cipayung" in saved.text
    with current_hub(app).db.session() as session:
        screen = session.scalar(select(Screen).where(Screen.name == "cipayung"))
        assert (screen.area_code, screen.columns, screen.widgets) == (
            "31.75.10",
            2,
            ["streetlights.out", "parks.visitors"],
        )
        assert session.scalar(select(AuditEntry.action)) == "live.screen.save"
    assert next_message(events)["type"] == "config"
    events.close()


def next_message(pubsub) -> dict:
    give_up = time.monotonic() + 5
    while time.monotonic() < give_up:
        message = pubsub.get_message(timeout=1)
        if message and message["type"] == "message":
            return json.loads(message["data"])
    pytest.fail("nothing was published")


def test_an_admin_edits_a_playlist_of_existing_screens(app, sign_in):
    client = admin_client(app, sign_in)
    token = csrf_token(client, "/live/admin/playlists/wall")
    form = {"csrf_token": token, "name": "renamed", "title": "Wall", "interval": "30"}

    unknown = client.post("/live/admin/playlists/wall", data={**form, "screens": "setu\nx"})
    saved = client.post(
        "/live/admin/playlists/wall", data={**form, "screens": "setu\nstreetlights"}
    )

    assert unknown.status_code == 422
    assert "There is no screen named x." in unknown.text
    assert saved.status_code == 302
    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        assert (playlist.screens, playlist.interval_seconds) == (["setu", "streetlights"], 30)


def test_an_admin_makes_a_screen_link_shown_once_and_revokes_it(app, sign_in):
    client = admin_client(app, sign_in)
    token = csrf_token(client, "/live/admin/")

    made = client.post(
        "/live/admin/tokens", data={"csrf_token": token, "name": "Lobby", "playlist": "lobby"}
    )
    link = re.search(r"(http://localhost/live/k/[\w-]+)", made.text).group(1)
    kiosk = app.test_client()

    assert made.status_code == 200
    assert kiosk.get(link).status_code == 200
    assert link not in client.get("/live/admin/").text
    with current_hub(app).db.session() as session:
        token_id = session.scalar(select(ScreenToken.id).where(ScreenToken.name == "Lobby"))
    client.post(f"/live/admin/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert kiosk.get(link).status_code == 403
    no_playlist = client.post(
        "/live/admin/tokens",
        data={"csrf_token": token, "name": "x", "playlist": "nowhere"},
        follow_redirects=True,
    )
    assert "Choose a playlist for the screen." in no_playlist.text


def test_the_commands_make_defaults_and_manage_tokens(make_city, sqlite_url):
    app = make_city(sqlite_url)
    runner = app.test_cli_runner()

    made = runner.invoke(args=["live", "defaults"])
    again = runner.invoke(args=["live", "defaults"])
    created = runner.invoke(args=["live", "tokens", "create", "Lobby", "--url", "http://wall"])
    listed = runner.invoke(args=["live", "tokens", "list"])
    revoked = runner.invoke(args=["live", "tokens", "revoke", "1"])
    missing = runner.invoke(args=["live", "tokens", "revoke", "99"])
    no_playlist = runner.invoke(args=["live", "tokens", "create", "x", "--playlist", "nowhere"])

    assert made.output == "default screens made\n"
    assert again.output == "screens exist already: nothing changed\n"
    with current_hub(app).db.session() as session:
        titles = dict(session.execute(select(Screen.name, Screen.title)).all())
    assert titles == {"streetlights": "Streetlights"}
    token = re.fullmatch(r"http://wall/live/k/([\w-]+)\n", created.output).group(1)
    assert "1\tLobby\twall\tlast used never\tactive" in listed.output
    assert revoked.output == "screen token 1 (Lobby) revoked\n"
    assert missing.exit_code == no_playlist.exit_code == 1
    assert "no screen token 99" in missing.output
    assert "no playlist named 'nowhere'" in no_playlist.output
    assert app.test_client().get(f"/live/k/{token}").status_code == 403
