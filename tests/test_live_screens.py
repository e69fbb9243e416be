"""Screen data: the sample plugin's tile and the sources' health on its default screen, on
SQLite and PostgreSQL; screens for one area; the default wall in plugin order; the error boundary
around each widget; and how current each widget says its data is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sample_city import CIPAYUNG, KAYU_MANIS, MUNJUL, PISANGAN_BARU, SETU
from sqlalchemy import select, text

from hub.api import WallScreen, Widget, hookimpl
from hub.live.freshness import SourceState, freshness
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist, Record, Screen, Source, SyncRun
from hub.models.base import utcnow
from hub.state import current_hub
from hub.testing import add_records

NOW = utcnow()
LIGHTS = [
    # external id, status, kelurahan, removed
    ("a", "out", SETU, False),
    ("b", "out", MUNJUL, False),
    ("c", "flickering", SETU, False),
    ("d", "out", PISANGAN_BARU, False),
    ("e", "lit", PISANGAN_BARU, False),
    ("f", "out", SETU, True),
]


def add_lights(app, source_id: int) -> None:
    with current_hub(app).db.session() as session:
        records = [
            Record(
                source_id=source_id,
                external_id=external_id,
                kind="streetlight",
                status=status,
                category="LED",
                area_code=area,
                title=f"Jl. Raya Setu No. {external_id}",
                created_at=NOW - timedelta(days=30),
                updated_at=NOW - timedelta(hours=1),
                content_hash=external_id,
                deleted_at=NOW if removed else None,
            )
            for external_id, status, area, removed in LIGHTS
        ]
        add_records(app, session, records)


def add_source(app, name: str = "lights-city", runs: tuple[str, ...] = ("succeeded",)) -> int:
    with current_hub(app).db.session() as session:
        source = Source(name=name, type="streetlights", interval_seconds=300)
        session.add(source)
        session.flush()
        for minutes, status in enumerate(runs):
            started = NOW - timedelta(minutes=minutes)
            session.add(
                SyncRun(source_id=source.id, status=status, started_at=started, finished_at=started)
            )
        return source.id


@pytest.fixture
def wall(make_city, make_user, sign_in):
    """An app with the sample plugin, its default screen and an operator signed in: (app,
    client)."""

    def make(database_url: str, plugins: dict | None = None, **settings):
        app = make_city(database_url, plugins=plugins, **settings)
        with current_hub(app).db.session() as session:
            ensure_defaults(session, current_hub(app), "en")
        make_user(app, "operator1", "operator")
        make_user(app, "admin1", "admin")
        client = app.test_client()
        sign_in(client, "operator1")
        return app, client

    return make


def widgets_of(client, screen: str, **args) -> dict[str, dict]:
    response = client.get(f"/live/api/screens/{screen}/data", query_string={"lang": "en", **args})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return {widget["name"]: widget for widget in response.json["widgets"]}


def test_the_default_screen_shows_the_plugins_tile_and_the_sources_health(database_url, wall):
    app, client = wall(database_url)
    add_lights(app, add_source(app))

    shown = widgets_of(client, "streetlights")

    assert list(shown) == ["streetlights.out", "sources.health"]
    assert all(widget["status"] == "ok" for widget in shown.values())
    lights_out = shown["streetlights.out"]
    assert lights_out["data"] == {"value": 3, "colour": "red", "caption": "of 5 lights"}
    assert (lights_out["title"], lights_out["kind"]) == ("Streetlights out", "kpi")
    assert (lights_out["freshness"], lights_out["sources"]) == ("fresh", ["lights-city"])
    health = shown["sources.health"]["data"]["sources"]
    assert [(source["name"], source["state"]) for source in health] == [("lights-city", "ok")]
    assert health[0]["caption"] == "Streetlights"


@pytest.mark.parametrize(
    ("area", "name", "expected"),
    [
        (CIPAYUNG, "Cipayung", {"value": 2, "colour": "red", "caption": "of 3 lights"}),
        (SETU, "Setu", {"value": 1, "colour": "red", "caption": "of 2 lights"}),
        (PISANGAN_BARU, "Pisangan Baru", {"value": 1, "colour": "red", "caption": "of 2 lights"}),
        (KAYU_MANIS, "Kayu Manis", {"value": 0, "colour": "green", "caption": "of 0 lights"}),
    ],
)
def test_a_screen_for_one_area_shows_only_its_records(database_url, wall, area, name, expected):
    app, client = wall(database_url)
    add_lights(app, add_source(app))
    with current_hub(app).db.session() as session:
        session.add(Screen(name="area", title="Area", area_code=area, widgets=["streetlights.out"]))

    response = client.get("/live/api/screens/area/data")

    assert response.json["screen"]["area"] == name
    assert [w["data"] for w in response.json["widgets"]] == [expected]


def river_levels(session, area_code, now):
    return {"value": 120, "unit": "cm"}


class RiverPlugin:
    @hookimpl
    def register_widgets(self):
        return [Widget("rivers.level", "River level", "kpi", river_levels)]

    @hookimpl
    def register_screens(self):
        return [WallScreen("rivers", "Rivers", ("rivers.level", "streetlights.out"))]


def test_the_default_wall_has_each_plugins_screens_in_plugin_order(sqlite_url, wall):
    app, client = wall(sqlite_url, plugins={"rivers": RiverPlugin()})

    with current_hub(app).db.session() as session:
        playlist = session.scalar(select(Playlist).filter_by(name="wall"))
        rivers = session.scalar(select(Screen).filter_by(name="rivers"))
    assert (playlist.title, playlist.screens, playlist.interval_seconds) == (
        "Command centre wall",
        ["streetlights", "rivers"],
        20,
    )
    assert (rivers.title, rivers.widgets, rivers.columns) == (
        "Rivers",
        ["rivers.level", "streetlights.out"],
        3,
    )
    shown = widgets_of(client, "rivers")
    assert shown["rivers.level"]["data"] == {"value": 120, "unit": "cm"}
    assert {w["status"] for w in shown.values()} == {"ok"}


def test_a_tile_whose_plugin_is_gone_is_a_placeholder(sqlite_url, make_app, sign_in, wall):
    wall(sqlite_url)
    without_the_plugin = make_app(sqlite_url)
    client = without_the_plugin.test_client()
    sign_in(client, "operator1")

    shown = widgets_of(client, "streetlights")

    assert shown["streetlights.out"]["status"] == "missing"
    assert shown["streetlights.out"]["message"] == "No installed plugin provides this widget."
    assert shown["sources.health"]["status"] == "ok"


def raises(session, area_code, now):
    session.execute(text("SELECT * FROM no_such_table"))


def bad_data(session, area_code, now):
    return {"value": "many"}


def good(session, area_code, now):
    return {"value": session.scalar(text("SELECT 41 + 1"))}


class FragilePlugin:
    @hookimpl
    def register_widgets(self):
        return [
            Widget("fragile.raises", "Raises", "kpi", raises),
            Widget("fragile.bad", "Bad data", "kpi", bad_data),
            Widget("fragile.good", "Good", "kpi", good),
        ]


def test_a_failing_widget_is_a_placeholder_and_the_rest_of_the_screen_works(
    database_url, wall, sign_in
):
    app, operator = wall(database_url, plugins={"fragile": FragilePlugin()})
    names = ["fragile.raises", "fragile.bad", "fragile.gone", "fragile.good"]
    with current_hub(app).db.session() as session:
        session.add(Screen(name="fragile", title="Fragile", widgets=names))
        playlist = Playlist(name="fragile", title="Fragile", screens=["fragile"])
        session.add(playlist)
        session.flush()
        token = create_token(session, "wall", playlist, None)
    admin = app.test_client()
    sign_in(admin, "admin1")

    for_admin = widgets_of(admin, "fragile")
    for_operator = widgets_of(operator, "fragile")
    for_kiosk = widgets_of(app.test_client(), "fragile", token=token)

    assert [w["status"] for w in for_admin.values()] == ["error", "error", "missing", "ok"]
    assert for_admin["fragile.good"]["data"] == {"value": 42}
    assert for_admin["fragile.raises"]["message"] == "This widget could not be shown."
    assert "no_such_table" in for_admin["fragile.raises"]["detail"]
    assert for_admin["fragile.bad"]["detail"] == ("bad data: kpi.value: expected a number, got str")
    for shown in (for_operator, for_kiosk):
        assert [w["status"] for w in shown.values()] == ["error", "error", "missing", "ok"]
        assert not any("detail" in widget for widget in shown.values())


def test_a_widget_greys_out_when_its_source_is_down(sqlite_url, wall):
    app, client = wall(sqlite_url)
    add_lights(app, add_source(app, runs=("failed", "failed", "failed", "succeeded")))

    lights_out = widgets_of(client, "streetlights")["streetlights.out"]

    assert (lights_out["status"], lights_out["freshness"]) == ("ok", "down")
    assert lights_out["as_of"] == (NOW - timedelta(minutes=3)).isoformat()
    assert lights_out["data"]["value"] == 3


def source(name: str, health: str = "ok", minutes_ago: float | None = 1, kinds=("streetlight",)):
    as_of = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    return SourceState(name, "streetlights", health, as_of, 300, frozenset(kinds))


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([source("a"), source("b", minutes_ago=5)], ("fresh", 5)),
        ([source("a"), source("b", minutes_ago=16)], ("stale", 16)),
        ([source("a"), source("b", health="needs_reauth")], ("down", 1)),
        ([source("a"), source("b", minutes_ago=None)], ("unknown", None)),
        ([source("parks", kinds=("visit",))], ("live", 0)),
    ],
)
def test_a_widget_is_as_current_as_the_oldest_source_it_follows(states, expected):
    widget = Widget("streetlights.x", "X", "kpi", good, record_kinds=("streetlight",))

    current = freshness(widget, states, NOW)

    minutes = None if current.as_of is None else (NOW - current.as_of) / timedelta(minutes=1)
    assert (current.state, minutes) == expected
