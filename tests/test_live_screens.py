"""Screen data: every kind of widget on the default screens, on SQLite and PostgreSQL; the error
boundary around each widget; and how current each widget says its data is."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from hub.api import Widget, hookimpl
from hub.app import state
from hub.live.freshness import SourceState, freshness
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import ActivityReport, Playlist, Record, Screen, Source, SyncRun, User
from hub.models.base import utcnow
from hub.testing import add_records

NOW = utcnow()
SETU, PISANGAN_BARU, CIPAYUNG = "31.75.10.1005", "31.75.01.1001", "31.75.10"
COMPLAINTS = [
    # external id, status, kelurahan, hours ago, deleted
    ("a", "open", SETU, 2, False),
    ("b", "open", SETU, 30, False),
    ("c", "in_progress", PISANGAN_BARU, 5, False),
    ("d", "resolved", PISANGAN_BARU, 3, False),
    ("e", "resolved", PISANGAN_BARU, 24 * 40, False),
    ("f", "open", SETU, 1, True),
]


def add_complaints(app, source_id: int) -> None:
    with state(app).db.session() as session:
        records = [
            Record(
                source_id=source_id,
                external_id=external_id,
                kind="complaint",
                status=status,
                category="Sampah",
                area_code=area,
                title=f"Sampah menumpuk {external_id}",
                latitude=-6.33 + index * 0.01,
                longitude=106.90,
                created_at=NOW - timedelta(hours=hours),
                updated_at=NOW - timedelta(hours=hours) + timedelta(minutes=30),
                content_hash=external_id,
                deleted_at=NOW if deleted else None,
            )
            for index, (external_id, status, area, hours, deleted) in enumerate(COMPLAINTS)
        ]
        add_records(app, session, records)


def add_source(app, name: str = "qlue-city", runs: tuple[str, ...] = ("succeeded",)) -> int:
    with state(app).db.session() as session:
        source = Source(name=name, type="qlue", interval_seconds=300)
        session.add(source)
        session.flush()
        for minutes, status in enumerate(runs):
            started = NOW - timedelta(minutes=minutes)
            session.add(
                SyncRun(source_id=source.id, status=status, started_at=started, finished_at=started)
            )
        return source.id


def add_accepted_report(app, author: str) -> None:
    with state(app).db.session() as session:
        author_id = session.scalar(select(User.id).where(User.username == author))
        session.add(
            ActivityReport(
                client_id="r1",
                author_id=author_id,
                area_code=SETU,
                activity_type="Kerja bakti",
                date=dt.date.today(),
                title="Kerja bakti di RW 03",
                status="accepted",
                reviewed_at=NOW - timedelta(minutes=10),
            )
        )


@pytest.fixture
def wall(make_app, make_user, sign_in):
    """An app with the default screens and an operator signed in: (app, client)."""

    def make(database_url: str, plugins: dict | None = None, **settings):
        app = make_app(database_url, plugins=plugins, **settings)
        with state(app).db.session() as session:
            ensure_defaults(session, state(app).hub, "en")
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


def test_the_default_screens_tell_the_complaints_story(database_url, wall):
    app, client = wall(database_url)
    add_complaints(app, add_source(app))
    add_accepted_report(app, "operator1")

    shown = widgets_of(client, "complaints")
    assert all(widget["status"] == "ok" for widget in shown.values())
    backlog = shown["complaints.backlog"]
    assert backlog["data"] == {
        "value": 2,
        "colour": "red",
        "caption": "3 received in the last 24 hours",
    }
    assert (backlog["freshness"], backlog["sources"]) == ("fresh", ["qlue-city"])
    assert shown["complaints.response_rate"]["data"]["value"] == 50.0
    assert shown["complaints.response_rate"]["data"]["caption"] == "2 of 4 answered"
    assert shown["complaints.overdue"]["data"]["value"] == 1
    ranking = shown["complaints.ranking"]["data"]["rows"]
    assert [(row["label"], row["value"], row["colour"]) for row in ranking] == [
        ("Setu", 0.0, "red"),
        ("Pisangan Baru", 100.0, "green"),
    ]
    series = shown["complaints.trend"]["data"]["series"]
    assert [(s["label"], sum(s["values"])) for s in series] == [("Received", 4), ("Answered", 2)]
    latest = shown["complaints.latest"]["data"]["items"]
    assert [(item["title"][-1], item["colour"]) for item in latest] == [
        ("a", "red"),
        ("d", "green"),
        ("c", "yellow"),
        ("b", "red"),
        ("e", "green"),
    ]

    mapped = widgets_of(client, "complaints-map")["complaints.map"]["data"]
    assert sum(point["count"] for point in mapped["points"]) == 4
    assert {entry["colour"]: entry["value"] for entry in mapped["legend"]} == {
        "red": 2,
        "yellow": 1,
        "green": 1,
    }
    assert mapped["bounds"] == {"south": -6.37, "west": 106.85, "north": -6.21, "east": 106.97}
    assert {label["text"] for label in mapped["labels"]} == {"Cipayung", "Matraman"}

    others = widgets_of(client, "wards-and-sources")
    reports = others["reports.latest"]
    assert [item["title"] for item in reports["data"]["items"]] == ["Kerja bakti di RW 03"]
    assert reports["freshness"] == "live"
    health = others["sources.health"]["data"]["sources"]
    assert [(source["name"], source["state"]) for source in health] == [("qlue-city", "ok")]


def test_a_screen_for_one_kecamatan_shows_only_its_complaints(database_url, wall):
    app, client = wall(database_url)
    add_complaints(app, add_source(app))
    with state(app).db.session() as session:
        session.add(
            Screen(
                name="cipayung",
                title="Cipayung",
                area_code=CIPAYUNG,
                widgets=["complaints.backlog", "complaints.ranking", "complaints.map"],
            )
        )

    response = client.get("/live/api/screens/cipayung/data")
    shown = {widget["name"]: widget for widget in response.json["widgets"]}

    assert response.json["screen"]["area"] == "Cipayung"
    assert shown["complaints.backlog"]["data"]["value"] == 2
    assert [row["label"] for row in shown["complaints.ranking"]["data"]["rows"]] == ["Setu"]
    assert [label["text"] for label in shown["complaints.map"]["data"]["labels"]] == ["Setu"]


def test_the_default_wall_has_the_hubs_screens_then_each_plugins(sqlite_url, wall):
    app, client = wall(sqlite_url)

    with state(app).db.session() as session:
        playlist = session.scalar(select(Playlist).filter_by(name="wall"))
        screens = list(playlist.screens)
    assert screens[:3] == ["complaints", "complaints-map", "wards-and-sources"]
    assert {"jobs", "finance", "hr", "floods"} <= set(screens[3:])
    shown = {name: widgets_of(client, name) for name in ("jobs", "finance", "hr", "floods")}
    assert set(shown["jobs"]) == {"jobs.vacancies", "jobs.seekers"}
    assert {w["status"] for tiles in shown.values() for w in tiles.values()} == {"ok"}


def test_a_tile_whose_plugin_is_gone_is_a_placeholder(sqlite_url, make_app, sign_in, wall):
    wall(sqlite_url)
    without_finance = make_app(sqlite_url, disabled_plugins=("finance",), strict_plugins=False)
    client = without_finance.test_client()
    sign_in(client, "operator1")

    shown = widgets_of(client, "finance")

    assert shown["finance.absorption"]["status"] == "missing"
    assert shown["finance.absorption"]["message"] == "No installed plugin provides this widget."


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
    with state(app).db.session() as session:
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
    add_complaints(app, add_source(app, runs=("failed", "failed", "failed", "succeeded")))

    backlog = widgets_of(client, "complaints")["complaints.backlog"]

    assert (backlog["status"], backlog["freshness"]) == ("ok", "down")
    assert backlog["as_of"] == (NOW - timedelta(minutes=3)).isoformat()


def source(name: str, health: str = "ok", minutes_ago: float | None = 1, kinds=("complaint",)):
    as_of = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    return SourceState(name, "qlue", health, as_of, 300, frozenset(kinds))


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([source("a"), source("b", minutes_ago=5)], ("fresh", 5)),
        ([source("a"), source("b", minutes_ago=16)], ("stale", 16)),
        ([source("a"), source("b", health="needs_reauth")], ("down", 1)),
        ([source("a"), source("b", minutes_ago=None)], ("unknown", None)),
        ([source("jobs", kinds=("vacancy",))], ("live", 0)),
    ],
)
def test_a_widget_is_as_current_as_the_oldest_source_it_follows(states, expected):
    widget = Widget("complaints.x", "X", "kpi", good, record_kinds=("complaint",))

    current = freshness(widget, states, NOW)

    minutes = None if current.as_of is None else (NOW - current.as_of) / timedelta(minutes=1)
    assert (current.state, minutes) == expected
