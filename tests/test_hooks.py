"""Each hook in hub.hookspecs, exercised through a small plugin written only with hub.api."""

from __future__ import annotations

import inspect
import sys
from datetime import timedelta
from pathlib import Path

import click
import httpx
import pytest
from flask import Blueprint, Flask
from pydantic import BaseModel, Field
from rq import SimpleWorker
from sqlalchemy import func, select, text
from sqlalchemy import inspect as inspect_schema

from hub import hookspecs, migrate
from hub.api import (
    Agency,
    Channel,
    ChannelRefused,
    ConfigError,
    ConfigField,
    InvalidRecord,
    MenuItem,
    Message,
    Page,
    PeriodicTask,
    RecordIn,
    RecordKind,
    RunningServer,
    SettingsSection,
    Simulator,
    SourceType,
    Status,
    WallScreen,
    Widget,
    hookimpl,
    notify,
)
from hub.db import Database
from hub.models import (
    AuditEntry,
    ChannelAddress,
    Delivery,
    Playlist,
    Record,
    RecordError,
    Screen,
    User,
)
from hub.models.base import utcnow
from hub.sources import SourceSettings
from hub.state import current_hub
from hub.sync import jobs
from hub.sync.scheduler import tick
from hub.testing import csrf_token

PAGES: list[list[dict]] = []


class ListConnector:
    """Serves the module's PAGES, one per fetch; the cursor is the next page's index."""

    def __init__(self, settings):
        self.settings = settings

    def fetch_page(self, cursor):
        if self.settings["explode"]:
            raise RuntimeError("connector bug")
        index = int(cursor or 0)
        return Page(PAGES[index], str(index + 1), has_more=index + 1 < len(PAGES))

    def close(self):
        pass


def normalize(payload):
    if payload.get("crash"):
        raise KeyError("crash")
    if "id" not in payload:
        raise InvalidRecord("no id")
    if payload.get("level") == "bad":
        raise InvalidRecord("bad level", external_id=payload["id"])
    references = (("gauge", payload["after"]),) if "after" in payload else ()
    return RecordIn(
        external_id=payload["id"], kind="gauge", status=payload.get("level"), references=references
    )


blueprint = Blueprint("gauges", __name__, url_prefix="/gauges")


@blueprint.get("/")
def gauges_index():
    return "water levels"


@click.command("gauges")
def gauges_command():
    """Say hello from the plugin."""
    click.echo("gauges command ran")


def simulator_app(**options) -> Flask:
    app = Flask("gauge-sim")
    app.get("/level")(lambda: {"level": "siaga", "seed": options.get("seed", 0)})
    return app


def gauges_on_alert(session, area_code, now):
    alerts = session.scalar(
        select(func.count()).where(Record.kind == "gauge", Record.status == "siaga")
    )
    return {"value": alerts, "colour": "yellow" if alerts else "green"}


TICKS: list[tuple[str, object]] = []
GAUGE_MIGRATIONS = Path(__file__).parent / "gauge_migrations_not_here"


def count_tick(hub, now):
    TICKS.append((hub.section("gauges").unit, now))


class GaugeSettings(BaseModel):
    unit: str = "cm"
    siaga_level: int = Field(default=150, gt=0)


class GaugePlugin:
    @hookimpl
    def register_source_types(self, hub):
        return [
            SourceType(
                "gauge",
                "Flood gauge",
                ListConnector,
                normalize,
                config=(ConfigField("explode", "bool", required=False, default=False),),
            )
        ]

    @hookimpl
    def register_record_kinds(self):
        return [RecordKind("gauge", "Flood gauge", (Status("siaga", "Alert", "yellow"),))]

    @hookimpl
    def register_blueprints(self):
        return [blueprint]

    @hookimpl
    def register_menu_items(self):
        return [MenuItem("Flood gauges", "gauges.gauges_index", roles=("operator",), order=50)]

    @hookimpl
    def register_commands(self, hub):
        return [gauges_command]

    @hookimpl
    def register_simulators(self):
        return [Simulator("gauge", "gauge", simulator_app, lambda url: {"url": url})]

    @hookimpl
    def register_widgets(self):
        return [Widget("gauges.alerts", "Gauges on alert", "kpi", gauges_on_alert, ("gauge",))]

    @hookimpl
    def register_screens(self):
        return [WallScreen("rivers", "Rivers", ("gauges.alerts", "sources.health"), 2)]

    @hookimpl
    def register_periodic_tasks(self):
        return [PeriodicTask("gauges.count", count_tick)]

    @hookimpl
    def register_settings(self):
        return [SettingsSection("gauges", GaugeSettings.model_validate)]

    @hookimpl
    def register_migrations(self):
        return [GAUGE_MIGRATIONS] if GAUGE_MIGRATIONS.is_dir() else []

    @hookimpl
    def register_agencies(self):
        return [Agency("bpbd", "Badan Penanggulangan Bencana Daerah")]

    @hookimpl
    def register_channels(self):
        return [SIREN]

    @hookimpl
    def records_changed(self, session, changes):
        for change in changes:
            session.add(
                AuditEntry(
                    action="gauge.level",
                    target_type="record",
                    target_id=str(change.record_id),
                    detail={
                        "from": change.previous_status,
                        "to": change.status,
                        "created": change.created,
                        "deleted": change.deleted,
                    },
                )
            )


SIRENS: list = []
"""What the sample plugin's channel sent: (siren, title, url)."""


def sound_siren(hub, message) -> None:
    if message.to == "siren-broken":
        raise ChannelRefused("that siren is out of order")
    SIRENS.append((message.to, message.title, message.url))


def siren_address(address: str) -> str | None:
    return None if address.startswith("siren-") else "A siren's name starts with siren-."


SIREN = Channel("siren", "Flood siren", "Siren name", sound_siren, siren_address)


class BrokenObserver:
    @hookimpl
    def records_changed(self, session, changes):
        session.add(AuditEntry(action="half-done", target_type="record", target_id="0"))
        raise RuntimeError("observer bug")


@pytest.fixture
def app(make_app, database_url):
    def make(extra_plugins=None, gauge_sections=None, **settings):
        source = SourceSettings("river", "gauge", settings=settings)
        plugins = {"gauges": GaugePlugin(), **(extra_plugins or {})}
        return make_app(
            database_url,
            plugins=plugins,
            only=(),
            sources=(source,),
            sections=gauge_sections or {},
            strict_plugins=not extra_plugins,
        )

    return make


def test_every_hook_is_documented_and_tested():
    names = [
        n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "simpul_spec")
    ]
    tests = [n for n in globals() if n.startswith("test_")]

    assert names
    for name in names:
        assert inspect.getdoc(getattr(hookspecs, name)), f"{name} has no docstring"
        assert any(t.startswith(f"test_{name}") for t in tests), f"{name} has no test here"


def test_register_source_types_feeds_the_sync_engine(app):
    PAGES[:] = [[{"id": "a", "level": "siaga"}, {"level": "x"}], [{"id": "b"}, {"crash": 1}]]
    hub_app = app()

    run = current_hub(hub_app).engine().run("river")

    assert "gauge" in current_hub(hub_app).source_types
    assert (run.status, run.created, run.errored, run.pages) == ("succeeded", 2, 2, 2)
    with current_hub(hub_app).db.session() as session:
        errors = {e.stage: e.message for e in session.scalars(select(RecordError))}
    assert errors == {"normalize": "no id", "plugin": "KeyError: 'crash'"}


def test_register_source_types_a_record_needs_what_it_references(app):
    PAGES[:] = [
        [{"id": "a"}, {"id": "b", "after": "a"}],
        [{"id": "c", "after": "b"}, {"id": "d", "after": "nowhere"}],
    ]
    hub_app = app()

    run = current_hub(hub_app).engine().run("river")

    assert (run.created, run.errored) == (3, 1)
    with current_hub(hub_app).db.session() as session:
        error = session.scalars(select(RecordError)).one()
    assert error.message == "unknown gauge 'nowhere'"


def test_register_source_types_a_bad_new_version_keeps_the_stored_one(app):
    PAGES[:] = [[{"id": "a", "level": "siaga"}, {"id": "b", "level": "siaga"}]]
    hub_app = app()
    current_hub(hub_app).engine().run("river")
    PAGES[:] = [[{"id": "a", "level": "siaga"}, {"id": "b", "level": "bad"}]]

    run = current_hub(hub_app).engine().run("river", full=True)

    assert (run.errored, run.deleted) == (1, 0)
    with current_hub(hub_app).db.session() as session:
        error = session.scalars(select(RecordError)).one()
        b = session.scalars(select(Record).filter_by(external_id="b")).one()
    assert (error.external_id, error.message) == ("b", "bad level")
    assert (b.status, b.deleted_at) == ("siaga", None)


def test_register_source_types_a_raising_connector_fails_only_its_run(app):
    PAGES[:] = [[{"id": "a"}]]
    hub_app = app(explode=True)

    run = current_hub(hub_app).engine().run("river")

    assert (run.status, run.error_kind, run.error) == ("failed", "internal", "connector bug")


def audit_details(app, action="gauge.level"):
    with current_hub(app).db.session() as session:
        entries = session.scalars(
            select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)
        )
        return [entry.detail for entry in entries]


def test_records_changed_sees_each_change_inside_the_page_transaction(app):
    PAGES[:] = [[{"id": "a", "level": "siaga"}, {"id": "b", "level": "siaga"}]]
    hub_app = app()
    current_hub(hub_app).engine().run("river")
    PAGES[:] = [[{"id": "a", "level": "awas"}]]

    current_hub(hub_app).engine().run("river", full=True)

    assert audit_details(hub_app) == [
        {"from": None, "to": "siaga", "created": True, "deleted": False},
        {"from": None, "to": "siaga", "created": True, "deleted": False},
        {"from": "siaga", "to": "awas", "created": False, "deleted": False},
        {"from": "siaga", "to": "siaga", "created": False, "deleted": True},
    ]


def test_records_changed_a_raising_plugin_loses_only_its_own_writes(app):
    PAGES[:] = [[{"id": "a", "level": "siaga"}]]
    hub_app = app(extra_plugins={"broken": BrokenObserver()})

    run = current_hub(hub_app).engine().run("river")

    assert (run.status, run.created) == ("succeeded", 1)
    assert audit_details(hub_app, "half-done") == []
    assert len(audit_details(hub_app)) == 1
    assert current_hub(hub_app).plugins.plugins["broken"].last_error == (
        "records_changed: observer bug"
    )


def test_register_record_kinds_declares_statuses(app):
    kind = current_hub(app()).record_kinds["gauge"]

    assert kind.status("siaga").colour == "yellow"
    assert kind.status("unknown") is None


def test_register_blueprints_serves_the_plugin_pages(app):
    response = app().test_client().get("/gauges/")

    assert response.status_code == 200
    assert response.text == "water levels"


def test_register_menu_items_shows_a_link_to_the_roles_named(app, make_user, sign_in):
    hub_app = app()
    make_user(hub_app, "operator1", "operator")
    make_user(hub_app, "lurah1", "ward_staff", area_code="31.75.10.1005")
    client = hub_app.test_client()

    sign_in(client, "operator1")
    menu = client.get("/sources").text.split('class="menu"')[1].split("</nav>")[0]
    assert [link in menu for link in ("Flood gauges", "/gauges/")] == [True, True]
    assert menu.index("/gauges/") < menu.index("/live/") < menu.index("/sources")

    staff = hub_app.test_client()
    sign_in(staff, "lurah1")
    assert "/gauges/" not in staff.get("/sources").text


def test_register_commands_adds_to_the_command_line(app):
    result = app().test_cli_runner().invoke(args=["gauges"])

    assert result.exit_code == 0
    assert result.output == "gauges command ran\n"


def test_register_simulators_serves_a_simulated_app(app):
    simulator = current_hub(app()).simulators["gauge"]

    with RunningServer(simulator.create_app(seed=4)) as server:
        body = httpx.get(f"{server.url}/level").json()

    assert body == {"level": "siaga", "seed": 4}
    assert simulator.source_settings(server.url) == {"url": server.url}


def test_register_widgets_puts_the_widget_on_a_wall_screen(app, make_user, sign_in):
    PAGES[:] = [[{"id": "a", "level": "siaga"}, {"id": "b", "level": "siaga"}, {"id": "c"}]]
    hub_app = app()
    current_hub(hub_app).engine().run("river")
    with current_hub(hub_app).db.session() as session:
        session.add(Screen(name="river", title="River", widgets=["gauges.alerts", "gauges.gone"]))
    make_user(hub_app, "operator1", "operator")
    client = hub_app.test_client()
    sign_in(client, "operator1")

    shown = client.get("/live/api/screens/river/data").json["widgets"]

    assert [(w["name"], w["status"]) for w in shown] == [
        ("gauges.alerts", "ok"),
        ("gauges.gone", "missing"),
    ]
    assert shown[0]["data"] == {"value": 2, "colour": "yellow"}
    assert (shown[0]["title"], shown[0]["kind"], shown[0]["sources"]) == (
        "Gauges on alert",
        "kpi",
        ["river"],
    )


def test_register_screens_adds_the_plugins_screen_to_the_default_wall(app, make_user, sign_in):
    hub_app = app()
    make_user(hub_app, "operator1", "operator")
    client = hub_app.test_client()
    sign_in(client, "operator1")

    client.get("/live/")

    with current_hub(hub_app).db.session() as session:
        playlist = session.scalar(select(Playlist).filter_by(name="wall"))
        assert playlist.screens[-1] == "rivers"
        rivers = session.scalar(select(Screen).filter_by(name="rivers"))
        assert (rivers.title, rivers.widgets, rivers.columns) == (
            "Rivers",
            ["gauges.alerts", "sources.health"],
            2,
        )
    shown = client.get("/live/api/screens/rivers/data").json["widgets"]
    assert [(w["name"], w["status"]) for w in shown] == [
        ("gauges.alerts", "ok"),
        ("sources.health", "ok"),
    ]


def test_register_screens_a_bad_screen_is_refused_when_declared():
    with pytest.raises(ValueError, match="screen name 'East Wall'"):
        WallScreen("East Wall", "East", ("gauges.alerts",))
    with pytest.raises(ValueError, match="columns must be from 1 to 6"):
        WallScreen("east", "East", ("gauges.alerts",), columns=9)
    with pytest.raises(ValueError, match="widgets must be widget names"):
        WallScreen("east", "East", ())


class BrokenTask:
    @hookimpl
    def register_periodic_tasks(self):
        def explode(hub, now):
            raise RuntimeError("task bug")

        return [PeriodicTask("broken.explode", explode)]


def test_register_periodic_tasks_runs_on_every_tick_each_in_its_boundary(app):
    TICKS.clear()
    hub_app = app(extra_plugins={"broken": BrokenTask()}, gauge_sections={"gauges": {"unit": "m"}})
    hub = current_hub(hub_app)
    now = utcnow()

    tick(hub, now=now)
    tick(hub, now=now)

    assert [("m", now), ("m", now)] == TICKS
    assert hub.plugins.plugins["broken"].last_error == "periodic task broken.explode: task bug"


def test_register_settings_reads_the_plugins_own_table(app):
    hub = current_hub(app(gauge_sections={"gauges": {"siaga_level": 120}}))

    assert hub.section("gauges") == GaugeSettings(unit="cm", siaga_level=120)


def test_register_settings_refuses_a_bad_value_and_an_unknown_table(app):
    with pytest.raises(
        ConfigError, match=r"\[gauges\] siaga_level: Input should be greater than 0"
    ):
        app(gauge_sections={"gauges": {"siaga_level": -1}})
    with pytest.raises(ConfigError, match=r"unknown table \[gauge\]"):
        app(gauge_sections={"gauge": {"unit": "m"}})


def test_register_migrations_brings_the_plugins_branch_up(app, tmp_path, monkeypatch):
    folder = tmp_path / "gauge_migrations"
    folder.mkdir()
    (folder / "g001_gauge_notes.py").write_text(GAUGE_REVISION)
    monkeypatch.setattr(sys.modules[__name__], "GAUGE_MIGRATIONS", folder)
    hub = current_hub(app())
    database = Database(f"sqlite:///{tmp_path / 'migrated.db'}")

    migrate.upgrade(database.engine, hub.migration_folders)

    with database.engine.connect() as connection:
        tables = set(inspect_schema(connection).get_table_names())
        versions = set(
            connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        )
    database.dispose()
    assert hub.migration_folders == [folder]
    assert {"gauge_notes", "records", "users"} <= tables
    assert "g001" in versions


GAUGE_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "g001"
down_revision = None
branch_labels = ("gauges",)
depends_on = "0003"


def upgrade():
    op.create_table("gauge_notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("gauge_notes")
"""


class MoreAgencies:
    @hookimpl
    def register_agencies(self):
        return [Agency("bpbd", "BPBD again"), Agency("damkar", "Dinas Pemadam Kebakaran")]


def test_register_agencies_gives_the_codes_an_officer_may_have(app, make_user, sign_in):
    hub_app = app(extra_plugins={"more": MoreAgencies()})
    hub = current_hub(hub_app)
    make_user(hub_app, "boss", "admin")
    client = hub_app.test_client()
    sign_in(client, "boss")
    form = client.get("/users/new").text

    def create(username, agency_code):
        data = {"username": username, "role": "officer", "agency_code": agency_code}
        token = csrf_token(client, "/users/new")
        return client.post("/users/new", data={"csrf_token": token, **data})

    assert list(hub.agencies.values()) == [
        Agency("bpbd", "Badan Penanggulangan Bencana Daerah"),
        Agency("damkar", "Dinas Pemadam Kebakaran"),
    ]
    assert hub.owners[("register_agencies", "bpbd")] == "gauges"
    assert hub.plugins.plugins["more"].last_error == (
        "register_agencies: 'bpbd' is already registered by another plugin"
    )
    assert '<option value="damkar">Dinas Pemadam Kebakaran (damkar)</option>' in form
    assert create("petugas.damkar", "damkar").status_code == 200
    refused = create("petugas.dlh", "dlh")
    assert refused.status_code == 422
    assert "Tidak ada dinas dengan kode dlh. Pilih salah satu: bpbd, damkar." in refused.text


def test_register_agencies_refuses_a_badly_formed_code():
    with pytest.raises(ValueError, match="agency code 'Dinas LH' must be 2 to 32 lowercase"):
        Agency("Dinas LH", "Dinas Lingkungan Hidup")


def test_register_channels_delivers_through_the_plugins_channel(app, make_user, sign_in, redis_url):
    SIRENS.clear()
    hub_app = app()
    hub = current_hub(hub_app)
    officer = make_user(hub_app, "bpbd", "officer", agency_code="bpbd")
    broken = make_user(hub_app, "other", "officer", agency_code="bpbd")
    client = hub_app.test_client()
    sign_in(client, "bpbd")

    def choose(address: str):
        token = csrf_token(client, "/inbox/settings")
        data = {"csrf_token": token, "address-siren": address, "enabled-siren": "on"}
        return client.post("/inbox/settings", data=data)

    assert list(hub.channels) == ["chat", "siren"]
    assert "Flood siren" in client.get("/inbox/settings").text
    refused = choose("horn-1")
    assert refused.status_code == 400 and "starts with siren-" in refused.text
    assert choose("siren-1").status_code == 302
    with hub.db.session() as session:
        session.add(ChannelAddress(user_id=broken.id, channel="siren", address="siren-broken"))
    message = Message("flood", "/gauges", lambda count: (f"{count} gauges on alert", ""))
    with hub.db.session() as session:
        notify(hub, session, [session.get(User, officer.id), session.get(User, broken.id)], message)
    hub.periodic_tasks["notifications"].run(hub, utcnow() + timedelta(minutes=1))
    jobs.bind(hub_app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)

    assert SIRENS == [("siren-1", "1 gauges on alert", "http://127.0.0.1:5000/gauges")]
    with hub.db.read_session() as session:
        failures = session.execute(select(Delivery.state, Delivery.last_error)).all()
    assert sorted(failures) == [("failed", "that siren is out of order"), ("sent", None)]
