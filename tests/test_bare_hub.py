"""The hub with no plugin at all, not even its own features: it starts, signs people in, lists
its plugins, ticks, and opens the live room with the one widget of its own."""

from __future__ import annotations

from sqlalchemy import select

from hub.live.room import live_room
from hub.models import Playlist
from hub.state import current_hub
from hub.sync.scheduler import tick
from hub.testing import widget_data


def test_a_hub_with_no_plugin_starts_signs_in_ticks_and_shows_its_live_room(
    make_app, sqlite_url, redis_url, make_user, sign_in, installed_plugins
):
    app = make_app(sqlite_url, redis_url=redis_url, language="en")
    hub = current_hub(app)
    make_user(app, "camat1", "officer")
    make_user(app, "admin1", "admin")
    officer, admin = app.test_client(), app.test_client()

    landing = sign_in(officer, "camat1")
    sources = officer.get("/sources")
    menu = sources.text.split('class="menu"')[1].split("</nav>")[0]
    plugins = app.test_client().get("/-/plugins.json").json

    assert landing.headers["Location"] == "/sources"
    assert "No data sources yet." in sources.text
    assert "/sources" in menu and "/live/" not in menu
    assert {p["name"]: p["state"] for p in plugins} == dict.fromkeys(installed_plugins, "disabled")
    assert (hub.source_types, hub.record_kinds) == ({}, {})
    assert list(hub.periodic_tasks) == ["notifications"] and list(hub.channels) == ["chat"]

    assert tick(hub) == []
    assert len(hub.queue) == 0

    assert sign_in(admin, "admin1").headers["Location"] == "/live/"
    room = admin.get("/live/")
    with app.test_request_context():
        widgets = set(live_room(app).widgets)
    with hub.db.session() as session:
        wall = session.scalar(select(Playlist).where(Playlist.name == "wall"))

    assert room.status_code == 200
    assert "No screens yet." in room.text
    assert (wall.title, wall.screens) == ("Command centre wall", [])
    assert widgets == {"sources.health"}
    assert widget_data(app, "sources.health") == {"sources": []}
