"""The activity reports switched off in the configuration: gone from the menu, the pages, the
API and the wall, and the rest of the hub works as before."""

from __future__ import annotations

from sqlalchemy import select

from hub.live.room import live_room
from hub.live.screens import ensure_defaults
from hub.models import Screen
from hub.state import current_hub


def test_disabled_reports_leave_no_trace_and_the_rest_works(
    make_app, sqlite_url, make_user, sign_in
):
    app = make_app(sqlite_url, disabled_plugins=("reports",))
    make_user(app, "lurah1", "ward_staff", area_code="31.75.10.1005")
    client = app.test_client()
    sign_in(client, "lurah1")

    complaints = client.get("/complaints")
    menu = complaints.text.split('class="menu"')[1].split("</nav>")[0]
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "id")
        screens = set(session.scalars(select(Screen.name)))
    plugins = {p["name"]: p["state"] for p in client.get("/-/plugins.json").json}

    assert complaints.status_code == 200
    assert "/complaints" in menu and "/reports" not in menu
    assert client.get("/reports/").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 404
    assert "wards-and-sources" not in screens and {"complaints", "complaints-map"} <= screens
    with app.test_request_context():
        assert "reports.latest" not in live_room(app).widgets
    assert plugins["reports"] == "disabled" and plugins["complaints"] == "loaded"


def test_a_disabled_reports_table_is_kept_for_when_it_is_enabled_again(make_app, sqlite_url):
    sections = {"reports": {"activity_types": ["Kerja bakti"]}}

    disabled = make_app(sqlite_url, disabled_plugins=("reports",), sections=sections)
    enabled = make_app(sqlite_url, sections=sections)

    assert "reports" not in current_hub(disabled).sections
    assert current_hub(enabled).section("reports").activity_types == ("Kerja bakti",)
