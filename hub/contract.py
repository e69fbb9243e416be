"""The connector contract: one suite of tests every source plugin runs against its own connector.

Subclass :class:`ConnectorContract` in a test module, name the plugin's simulator and say how its
``/_sim/tick`` adds, changes and removes items; pytest then runs every test below against the
plugin's real connector, normalizer and simulator, on SQLite and PostgreSQL::

    from hub.contract import ConnectorContract

    class TestGaugeContract(ConnectorContract):
        simulator = "gauges"
        additions = {"new": 3}
        updates = {"readings": 4}
        deletions = {"removals": 1}

The suite checks paging (small pages list what one big page lists, each item once), the cursor
(a sync after the last page reads only what changed), idempotence (a page read and stored again
changes nothing), out-of-order updates (an older copy of an item never replaces a newer one),
deletes (after a complete listing the hub holds exactly what the source lists), and how failures
end a run: timeouts, HTTP 5xx and 429 are transient (429 with its ``Retry-After``), wrong
credentials are an auth error, a cut-off body or JSON of the wrong shape a source error, and
nothing already stored is lost. The simulator must take the standard faults of
:class:`hub.api.FaultInjector` on ``POST /_sim/faults``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from flask import Flask
from sqlalchemy import func, select

from hub.models import Record, Source, SyncRun
from hub.sources import SourceType
from hub.state import Hub, current_hub
from hub.sync.connector import Connector, Page, TransientError
from hub.sync.store import PageStore
from hub.testing import RunningSimulator, run_sync

SOURCE = "contract"
MOST_PAGES = 1000


@dataclass
class Listing:
    """What a connector listed: its pages, and the raw payloads by external id."""

    pages: list[Page]
    payloads: dict[str, dict[str, Any]]


class ConnectorContract:
    """The contract tests; a subclass sets the class attributes for its simulator."""

    simulator: ClassVar[str]
    """The name of the plugin's simulator (from ``register_simulators``)."""
    additions: ClassVar[dict[str, int]]
    """A ``/_sim/tick`` body that adds items."""
    updates: ClassVar[dict[str, int]]
    """A ``/_sim/tick`` body that changes items already listed."""
    deletions: ClassVar[dict[str, int] | None] = None
    """A ``/_sim/tick`` body that removes items, or None when the app never removes any."""
    size: ClassVar[int] = 30
    """How many items the simulator starts with."""
    small_pages: ClassVar[dict[str, Any]] = {"page_size": 7}
    """Source settings that make the listing take several pages."""
    timeout_setting: ClassVar[str] = "timeout"
    """The source setting for seconds per request."""

    @pytest.fixture
    def app_simulator(self, serve_simulator) -> RunningSimulator:
        return serve_simulator(self.simulator, size=self.size)

    @pytest.fixture
    def make_contract_app(self, make_app, app_simulator: RunningSimulator):
        """An app with the simulator as its one source, read in small pages."""

        def make(database_url: str, **settings: Any) -> Flask:
            source = app_simulator.source(SOURCE, **{**self.small_pages, **settings})
            return make_app(database_url, sources=(source,), retry_attempts=2)

        return make

    def test_small_pages_list_every_item_once(self, installed_hub, app_simulator):
        paged = read_listing(installed_hub, app_simulator, **self.small_pages)
        whole = read_listing(installed_hub, app_simulator)

        assert len(paged.pages) > 1, "small pages should take more than one request"
        assert all(page.has_more for page in paged.pages[:-1])
        assert not paged.pages[-1].has_more
        listed = [external_ids(installed_hub, app_simulator, page) for page in paged.pages]
        flat = [external_id for ids in listed for external_id in ids]
        assert len(flat) == len(set(flat)), "an item was listed twice"
        assert set(flat) == set(whole.payloads) and flat

    def test_reading_a_page_again_gives_the_same_page(self, installed_hub, app_simulator):
        with closing(connect(installed_hub, app_simulator, **self.small_pages)) as connector:
            first = connector.fetch_page(None)
            again = connector.fetch_page(None)

        assert again.records == first.records
        assert again.has_more == first.has_more

    def test_a_sync_after_the_last_page_reads_only_what_changed(
        self, installed_hub, app_simulator, make_contract_app, database_url
    ):
        app = make_contract_app(database_url)
        full = run_sync(app, SOURCE)
        quiet = run_sync(app, SOURCE)
        app_simulator.control("/_sim/tick", self.additions)
        grown = run_sync(app, SOURCE)

        assert full.status == quiet.status == grown.status == "succeeded"
        assert (full.errored, quiet.created, quiet.updated) == (0, 0, 0)
        assert grown.created > 0
        assert grown.pages < full.pages, "a sync from the cursor read the whole listing again"
        assert stored(app) == read_listing(installed_hub, app_simulator).payloads

    def test_storing_the_same_pages_again_changes_nothing(
        self, installed_hub, app_simulator, make_contract_app, database_url
    ):
        app = make_contract_app(database_url)
        first = run_sync(app, SOURCE, full=True)
        before = stored(app)
        again = run_sync(app, SOURCE, full=True)

        assert (first.status, again.status) == ("succeeded", "succeeded")
        assert (again.created, again.updated, again.deleted, again.errored) == (0, 0, 0, 0)
        assert again.unchanged == first.created
        assert stored(app) == before

    def test_updates_arrive_and_an_older_copy_never_wins(
        self, installed_hub, app_simulator, make_contract_app, database_url
    ):
        app = make_contract_app(database_url)
        run_sync(app, SOURCE)
        old = stored(app)
        app_simulator.control("/_sim/tick", self.updates)
        changed = run_sync(app, SOURCE)
        new = stored(app)

        assert changed.status == "succeeded" and changed.updated > 0
        assert new == read_listing(installed_hub, app_simulator).payloads
        updated = [key for key in old if key in new and new[key] != old[key]]
        assert updated, "the updates changed no stored item"
        store_late_copies(app, [old[key] for key in updated])
        assert stored(app) == new, "an older copy replaced a newer one"

    def test_a_complete_listing_removes_what_the_app_removed(
        self, installed_hub, app_simulator, make_contract_app, database_url
    ):
        if self.deletions is None:
            pytest.skip(f"the {self.simulator} app never removes items")
        app = make_contract_app(database_url)
        run_sync(app, SOURCE)
        before = set(stored(app))
        app_simulator.control("/_sim/tick", self.deletions)
        run_sync(app, SOURCE)
        swept = run_sync(app, SOURCE, full=True)
        listed = read_listing(installed_hub, app_simulator).payloads

        assert swept.status == "succeeded"
        assert stored(app) == listed
        assert swept.deleted == len(before - set(listed)) > 0

    @pytest.mark.parametrize(
        ("faults", "kind"),
        [
            ({"fail_next": 99}, "transient"),
            ({"rate_limit_next": 99, "retry_after": 0}, "transient"),
            ({"malformed_next": 99}, "source"),
            ({"garbage_next": 1}, "source"),
        ],
        ids=["5xx", "429", "cut-off-body", "wrong-shape"],
    )
    def test_a_failure_ends_the_run_and_keeps_what_is_stored(
        self, app_simulator, make_contract_app, sqlite_url, faults, kind
    ):
        app = make_contract_app(sqlite_url)
        run_sync(app, SOURCE)
        before, cursor = stored(app), stored_cursor(app)
        app_simulator.control("/_sim/tick", self.additions)
        app_simulator.control("/_sim/faults", faults)
        failed = run_sync(app, SOURCE)

        assert (failed.status, failed.error_kind) == ("failed", kind)
        assert failed.error
        assert (stored(app), stored_cursor(app)) == (before, cursor)
        app_simulator.control("/_sim/faults", {"reset": True})
        assert run_sync(app, SOURCE).status == "succeeded"
        assert len(stored(app)) > len(before)

    def test_a_cut_off_body_is_read_again(self, app_simulator, make_contract_app, sqlite_url):
        app = make_contract_app(sqlite_url)
        app_simulator.control("/_sim/faults", {"malformed_next": 1})

        run = run_sync(app, SOURCE)

        assert (run.status, run.error) == ("succeeded", None)

    def test_a_timeout_is_transient(self, app_simulator, make_contract_app, sqlite_url):
        app = make_contract_app(sqlite_url, **{self.timeout_setting: 0.2})
        app_simulator.control("/_sim/faults", {"latency_ms": 600})
        failed = run_sync(app, SOURCE)

        assert (failed.status, failed.error_kind) == ("failed", "transient")
        assert stored(app) == {}

    def test_a_rate_limit_says_when_to_come_back(self, installed_hub, app_simulator):
        app_simulator.control("/_sim/faults", {"rate_limit_next": 1, "retry_after": 7})

        with closing(connect(installed_hub, app_simulator)) as connector:
            with pytest.raises(TransientError) as refused:
                connector.fetch_page(None)
            assert refused.value.retry_after == 7
            assert isinstance(connector.fetch_page(None), Page)

    def test_wrong_credentials_are_an_auth_error(
        self, app_simulator, make_contract_app, sqlite_url, monkeypatch
    ):
        for variable, value in app_simulator.simulator.environment.items():
            monkeypatch.setenv(variable, f"wrong-{value}")
        failed = run_sync(make_contract_app(sqlite_url), SOURCE)

        assert (failed.status, failed.error_kind) == ("failed", "auth")


def source_type(hub: Hub, simulator: RunningSimulator) -> SourceType:
    return hub.source_type(simulator.simulator.source_type)


def connect(hub: Hub, simulator: RunningSimulator, **settings: Any) -> Connector:
    """The plugin's connector over the simulator, with ``settings`` over its defaults."""
    kind = source_type(hub, simulator)
    return kind.connect(kind.validate(SOURCE, simulator.source(SOURCE, **settings).settings))


def read_listing(hub: Hub, simulator: RunningSimulator, **settings: Any) -> Listing:
    """A complete listing, page after page; fails the test if it never ends."""
    pages: list[Page] = []
    cursor = None
    with closing(connect(hub, simulator, **settings)) as connector:
        while len(pages) < MOST_PAGES:
            pages.append(connector.fetch_page(cursor))
            cursor = pages[-1].next_cursor
            if not pages[-1].has_more:
                break
        else:
            pytest.fail(f"the listing did not end after {MOST_PAGES} pages")
    payloads = {}
    for page in pages:
        payloads.update(zip(external_ids(hub, simulator, page), page.records, strict=True))
    return Listing(pages, payloads)


def external_ids(hub: Hub, simulator: RunningSimulator, page: Page) -> list[str]:
    normalize = source_type(hub, simulator).normalize
    return [normalize(payload).external_id for payload in page.records]


def stored(app: Flask) -> dict[str, Any]:
    """The payloads the hub holds (not deleted), by external id."""
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(Record.external_id, Record.payload).where(Record.deleted_at.is_(None))
        )
        return {external_id: payload for external_id, payload in rows}


def stored_cursor(app: Flask) -> str | None:
    with current_hub(app).db.read_session() as session:
        return session.scalars(select(Source.cursor).filter_by(name=SOURCE)).one()


def store_late_copies(app: Flask, payloads: list[Mapping[str, Any]]) -> None:
    """Store ``payloads`` as a page arriving late in the source's last run, the way the sync
    engine stores a page."""
    hub = current_hub(app)
    kind = hub.source_type(hub.settings.source(SOURCE).type)
    with hub.db.session() as session:
        source_id = session.scalars(select(Source.id).filter_by(name=SOURCE)).one()
        run_id = session.scalar(select(func.max(SyncRun.id)).filter_by(source_id=source_id))
        kinds = frozenset(hub.record_kinds)
        PageStore(source_id, run_id, kind.normalize, kinds).store(session, list(payloads))
