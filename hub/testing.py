"""The hub's testing kit, a pytest plugin installed with the hub (entry point ``pytest11``).

Fixtures for the hub's tests and any plugin's: the hub on SQLite and on the real PostgreSQL
(``database_url`` runs a test on both), the real Redis, an app with chosen plugins and sources
(``make_app``), an installed plugin's simulator served on loopback (``serve_simulator``), users
and sign-in (``make_user``, ``sign_in``), a real SMTP server on loopback (``mailbox`` on
``smtp_port``), :func:`run_sync` for one sync run on demand and :func:`widget_data` for a wall
tile's data as a screen gets it. The connector contract suite is in
:mod:`hub.contract`.

Outside CI a test that needs PostgreSQL or Redis is skipped, with the reason, when the server is
absent; with CI=true it fails instead.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from hub.app import create_app, load_plugins
from hub.areas import import_areas
from hub.config import Settings
from hub.embedded_redis import free_port
from hub.live.room import live_room
from hub.models import Base, Record, SyncRun, User
from hub.models.base import utcnow
from hub.plugins import ENTRY_POINT_GROUP
from hub.simulators import RunningServer, Simulator
from hub.sources import SourceSettings
from hub.state import Hub, current_hub
from hub.sync.connector import http_client
from hub.sync.scheduler import register_sources
from hub.sync.store import RecordChange

POSTGRES_URL = os.environ.get(
    "SIMPUL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SIMPUL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
"""The hash of PASSWORD, with cheap parameters: a test's sign-in checks it in no time, where
the default parameters, right for real accounts, take a tenth of a second on a busy machine."""


class SharedTemplateCode(BytecodeCache):
    """Compiled templates, shared by every app a test process makes: each app's Jinja
    environment would compile again each template it renders. A template is compiled anew when
    its source or the extensions, filters and tests of the environment are not the same."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        names = (environment.extensions, environment.filters, environment.tests)
        key = self.get_cache_key(repr([sorted(each) for each in names]) + name, filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def add_records(app: Flask, session: Session, records: Iterable[Record]) -> list[Record]:
    """Add records as a sync would: stored, then announced through ``records_changed`` (so a
    complaint gets its case) in the same transaction."""
    records = list(records)
    session.add_all(records)
    session.flush()
    changes = [
        RecordChange(
            r.id,
            r.source_id,
            r.kind,
            r.external_id,
            True,
            None,
            r.status,
            r.category,
            r.area_code,
            r.created_at,
            r.updated_at,
        )
        for r in records
    ]
    current_hub(app).records_changed(session, changes)
    return records


def run_sync(app: Flask, source_name: str, *, full: bool = False) -> SyncRun:
    """Run one sync of ``source_name`` now, in this process, and return the closed run."""
    run = current_hub(app).engine().run(source_name, full=full, worker="test")
    assert run is not None, f"a run of {source_name} is already going on"
    return run


def widget_data(
    app: Flask, name: str, area_code: str | None = None, *, language: str | None = None
) -> dict:
    """The data of the wall widget ``name`` for ``area_code``, as a screen gets it: computed in
    its own read-only session and checked against its kind's shape. Fails the test with the
    widget's error if it raised or returned data of the wrong shape."""
    query = f"/?lang={language}" if language else "/"
    with app.test_request_context(query):
        room = live_room(app)
        if name not in room.widgets:
            pytest.fail(f"no widget named {name!r}; there are {', '.join(sorted(room.widgets))}")
        result = room.run(room.widgets[name], area_code, utcnow())
    if result.error:
        pytest.fail(f"widget {name}: {result.error}")
    return result.data


def create_schema(engine: Engine) -> None:
    """Create the tables of the hub and of every installed plugin (their models are imported
    with them), as the migrations would."""
    _load_installed_plugins()
    Base.metadata.create_all(engine)


@cache
def _load_installed_plugins() -> None:
    load_plugins(Settings())


def service_missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error})"
    if IN_CI:
        pytest.fail(f"{message}: CI needs it", pytrace=False)
    pytest.skip(f"{message}: start it to run this test")


def new_postgres_database() -> Iterator[str]:
    """Create an empty database on the PostgreSQL server; drop it afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"simpul_test_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:
        admin.dispose()
        service_missing(f"PostgreSQL at {POSTGRES_URL}", error)
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for the test session."""
    yield from new_postgres_database()


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """An empty database of its own for one test."""
    yield from new_postgres_database()


@pytest.fixture(scope="session")
def postgres_schema(postgres_url: str) -> str:
    engine = create_engine(postgres_url)
    create_schema(engine)
    engine.dispose()
    return postgres_url


RESTART_SEQUENCES = """
    SELECT setval(sequence.oid, used.start_value, false) FROM pg_sequences used
    JOIN pg_class sequence ON sequence.relname = used.sequencename
      AND sequence.relnamespace = used.schemaname::regnamespace
    JOIN pg_depend owned ON owned.objid = sequence.oid AND owned.deptype IN ('a', 'i')
    JOIN pg_class owner ON owner.oid = owned.refobjid
    WHERE used.schemaname = current_schema() AND used.last_value IS NOT NULL
      AND owner.relname = ANY(:tables)
"""
"""Restart the id sequences of ``tables`` that handed out a number since their last restart."""


def empty_postgres_tables(url: str) -> None:
    """Empty every table of the schema but the areas, ids starting again at 1, as
    ``TRUNCATE ... RESTART IDENTITY CASCADE`` would: by deleting the rows of the tables that
    have any, the tables that refer to others first, as a truncation takes a long time even
    for a small table."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    tables.remove("areas")
    filled = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT FROM {name})" for name in tables
    )
    engine = create_engine(url)
    with engine.begin() as connection:
        written = set(connection.scalars(text(filled)))
        for name in tables:
            if name in written:
                connection.execute(text(f"DELETE FROM {name}"))
        connection.execute(text(RESTART_SEQUENCES), {"tables": tables})
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], str]:
    """``sqlite_schema(path)`` puts an SQLite database with the schema at ``path`` and returns
    its URL. The schema is created once per session (and again once a test has added tables):
    copying the file is much faster than creating the tables."""
    folder = tmp_path_factory.mktemp("sqlite-schema")
    made: dict[frozenset[str], Path] = {}

    def copy(path: Path) -> str:
        _load_installed_plugins()
        tables = frozenset(Base.metadata.tables)
        if tables not in made:
            template = folder / f"schema-{len(made)}.db"
            engine = create_engine(f"sqlite:///{template}")
            create_schema(engine)
            engine.dispose()
            made[tables] = template
        shutil.copyfile(made[tables], path)
        return f"sqlite:///{path}"

    return copy


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Each test that uses it runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_schema")(tmp_path / "hub.db")
    url = request.getfixturevalue("postgres_schema")
    empty_postgres_tables(url)
    return url


@pytest.fixture
def sqlite_url(sqlite_schema, tmp_path) -> str:
    """SQLite only, for tests about the web layer rather than the database."""
    return sqlite_schema(tmp_path / "hub.db")


@pytest.fixture
def redis_url() -> str:
    """The real Redis, on a database of its own. Tests share it (each app has a queue of its own),
    so test runs side by side do not empty each other's queues."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing(f"Redis at {REDIS_URL}", error)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def make_settings(tmp_path):
    """Build test settings: strict plugins, fast retries, and the given overrides."""

    def make(database_url: str, **overrides) -> Settings:
        values = dict(
            database_url=database_url,
            redis_url=REDIS_URL,
            instance_path=str(tmp_path / "instance"),
            strict_plugins=True,
            secret_key="test-secret",
            retry_base_delay=0.01,
            retry_max_delay=5.0,
            queue_name=f"test-{uuid.uuid4().hex[:8]}",
        )
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_app(make_settings):
    """Create an app on a database URL, with the bundled areas loaded and the configured sources
    registered: ``make_app(url, plugins={"name": plugin}, only=("floods",), sources=(...),
    **settings)``. ``plugins`` adds plugin objects; ``only`` names the installed plugins to load,
    the hub's own features among them (the others are disabled)."""

    def make(
        database_url: str,
        plugins: dict[str, object] | None = None,
        only: Iterable[str] | None = None,
        **overrides,
    ):
        if only is not None:
            installed = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
            overrides["disabled_plugins"] = tuple(sorted(installed - set(only)))
        app = create_app(make_settings(database_url, **overrides), extra_plugins=plugins)
        app.config.update(TESTING=True)
        app.jinja_env.bytecode_cache = TEMPLATE_CODE
        import_areas(current_hub(app).db)
        register_sources(current_hub(app).db, current_hub(app).settings)
        return app

    apps = []

    def tracked(
        database_url: str,
        plugins: dict[str, object] | None = None,
        only: Iterable[str] | None = None,
        **overrides,
    ):
        app = make(database_url, plugins, only, **overrides)
        apps.append(app)
        return app

    yield tracked
    for app in apps:
        current_hub(app).db.dispose()


class RunningSimulator:
    """A simulator served on loopback, with its source settings and its control endpoints."""

    def __init__(self, simulator: Simulator, server: RunningServer) -> None:
        self.simulator = simulator
        self.server = server
        self.url = server.url
        self.api_key = next(iter(simulator.environment.values()), "")
        self.client = http_client(self.url, headers={"X-API-Key": self.api_key}, timeout=10)

    def source(self, name: str, interval: int = 300, **overrides) -> SourceSettings:
        settings = {**self.simulator.source_settings(self.url), **overrides}
        return SourceSettings(name, self.simulator.source_type, interval, True, settings)

    def control(self, path: str, body: dict | None = None) -> dict:
        """GET ``path`` from the simulator, or POST ``body`` to it, with its API key."""
        client = self.client
        response = client.post(path, json=body) if body is not None else client.get(path)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        self.client.close()
        self.server.stop()


@pytest.fixture(scope="session")
def installed_hub() -> Hub:
    """A hub context over the hub's features and the installed plugins, for their simulators."""
    settings = Settings(strict_plugins=True)
    return Hub(settings, load_plugins(settings))


@pytest.fixture
def serve_simulator(installed_hub: Hub, monkeypatch: pytest.MonkeyPatch):
    """Serve an installed plugin's simulator: ``serve_simulator("qlue", size=50)``."""
    running: list[RunningSimulator] = []

    def serve(name: str, **options) -> RunningSimulator:
        simulator = installed_hub.simulators[name]
        for variable, value in simulator.environment.items():
            monkeypatch.setenv(variable, value)
        running.append(RunningSimulator(simulator, RunningServer(simulator.create_app(**options))))
        return running[-1]

    yield serve
    for each in running:
        each.stop()


@pytest.fixture
def make_user():
    """Add a user whose password is PASSWORD (its hash made once, with cheap parameters)."""

    def make(app: Flask, username: str, role: str, area_code: str | None = None, **values) -> User:
        user = User(
            username=username,
            role=role,
            area_code=area_code,
            password_hash=PASSWORD_HASH,
            **values,
        )
        with current_hub(app).db.session() as session:
            session.add(user)
        return user

    return make


@pytest.fixture
def sign_in():
    """Sign ``client`` in as ``username`` through the login form."""

    def sign(client: FlaskClient, username: str, password: str = PASSWORD):
        data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
        return client.post("/login", data=data)

    return sign


@pytest.fixture
def default_screen(make_user, sign_in):
    """The data of a default wall screen as an operator's browser reads it, the default screens
    made first: ``default_screen(app, "finance")``."""

    def read(app: Flask, name: str) -> dict:
        assert app.test_cli_runner().invoke(args=["live", "defaults"]).exit_code == 0
        make_user(app, "operator1", "operator")
        client = app.test_client()
        sign_in(client, "operator1")
        response = client.get(f"/live/api/screens/{name}/data")
        assert response.status_code == 200, response.text
        return response.get_json()

    return read


class Mailbox:
    """A real SMTP server on loopback (aiosmtpd, of the test extra): the e-mails it received
    (``messages``), the addresses it refuses with a 550 (``refuse``), and :meth:`stop` and
    :meth:`start` to take it away and bring it back on the same ``port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.Message] = []
        self.refuse: set[str] = set()
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_RCPT(self, server, session, envelope, address: str, options) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_port() -> int:
    """The loopback port of the ``mailbox`` fixture, to configure before the server starts."""
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    """A real SMTP server listening on ``127.0.0.1:smtp_port`` for the test."""
    box = Mailbox(smtp_port)
    box.start()
    yield box
    box.stop()
