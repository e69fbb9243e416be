"""Complaint handling switched off in the configuration: Open311, which needs it, goes with it;
the menu, pages, wall and scheduler lose them; the rest of the hub works."""

from __future__ import annotations

from sqlalchemy import select

from hub.live.room import live_room
from hub.live.screens import ensure_defaults
from hub.models import Screen
from hub.state import current_hub
from hub.sync.scheduler import tick


def test_disabled_complaints_take_open311_along_and_the_rest_works(
    make_app, sqlite_url, redis_url, make_user, sign_in
):
    app = make_app(sqlite_url, disabled_plugins=("complaints",), strict_plugins=False)
    hub = current_hub(app)
    make_user(app, "lurah1", "ward_staff", area_code="31.75.10.1005")
    client = app.test_client()

    landing = sign_in(client, "lurah1")
    menu = client.get("/reports/").text.split('class="menu"')[1].split("</nav>")[0]
    plugins = {p["name"]: p for p in client.get("/-/plugins.json").json}
    with hub.db.session() as session:
        ensure_defaults(session, hub, "id")
        screens = set(session.scalars(select(Screen.name)))
    with app.test_request_context():
        widgets = set(live_room(app).widgets)

    assert landing.headers["Location"] == "/reports"
    assert "/reports/" in menu and "/complaints" not in menu
    assert client.get("/complaints").status_code == 404
    assert client.get("/open311/v2/services.json").status_code == 404
    assert plugins["complaints"]["state"] == "disabled"
    assert plugins["open311"]["state"] == "disabled"
    assert plugins["open311"]["last_error"] == "needs complaints, which is not loaded"
    assert "complaints" not in screens and "wards-and-sources" in screens
    assert not any(name.startswith("complaints.") for name in widgets)
    assert "complaint" not in hub.record_kinds and "open311" not in hub.source_types
    assert list(hub.periodic_tasks) == ["notifications"], "only the hub's own"
    assert tick(hub) == []
