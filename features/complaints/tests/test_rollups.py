"""The rollups against the cases, on SQLite and PostgreSQL: after a seeded random history (new
complaints at random times, source status changes and disputes, answers, hand-offs between
areas and agencies, merges, reopenings, deletions by the source), every figure of every
grouping and scope read through the rollups equals the figures counted from the cases, and
again after a rebuild."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import bindparam, create_engine, delete, select, text
from sqlalchemy.orm import Session

from features.complaints import actions, rollups
from features.complaints.models import (
    ComplaintBacklog,
    ComplaintCase,
    ComplaintDaily,
    ComplaintRollupState,
)
from features.complaints.rankings import (
    AGENCY,
    CITY,
    EVERYTHING,
    EVERYWHERE,
    KECAMATAN,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    rank,
    total_of,
)
from features.complaints.settings import routing_of
from features.complaints.statuses import CLOSED, FINISHED, IN_PROGRESS, OPEN, RESOLVED
from features.complaints.weekly import IsoWeek, weekly_report
from features.complaints.widgets import tiles
from hub import migrate
from hub.app import load_plugins
from hub.cli import cli
from hub.config import Settings
from hub.db import Database
from hub.models import Base, Record, Source, User
from hub.problems import Problem
from hub.state import Hub, current_hub
from hub.sync.store import RecordChange
from hub.testing import add_records

ZONE = ZoneInfo("Asia/Jakarta")
AREAS = ("31.75.10.1005", "31.75.10.1004", "31.75.01.1001", "36.71.01.1001", "31.75.10")
SCOPES = (
    EVERYWHERE,
    Scope(area="31.75.10"),
    Scope(area="31.75"),
    Scope(area="31.75.10.1005"),
    Scope(area="31"),
)
START = datetime(2024, 5, 1, tzinfo=UTC)
NOW = START + timedelta(days=30)


@pytest.mark.slow
def test_rollups_equal_the_cases_after_a_random_history(database_url, make_app):
    app = make_app(database_url, only=("complaints",), timezone="Asia/Jakarta")
    hub = current_hub(app)
    with app.app_context(), hub.db.session() as session:
        rollups.rebuild(session, ZONE, overdue_until=START)
    history = History(app, random.Random(20261202))
    for _ in range(3):
        history.steps(50)
        assert_rollups_equal_cases(app)
    with app.app_context(), hub.db.session() as session:
        rollups.rebuild(session, ZONE)
    assert_rollups_equal_cases(app)


def test_without_rollups_the_figures_are_counted_from_the_cases(database_url, make_app):
    app = make_app(database_url, only=("complaints",), timezone="Asia/Jakarta")
    History(app, random.Random(7)).steps(30)
    with app.app_context(), current_hub(app).db.read_session() as session:
        assert rollups.zone_of(session) is None
        assert session.scalars(select(ComplaintDaily)).all() == []
        live = select(Record).where(Record.deleted_at.is_(None), Record.created_at < NOW)
        rows = rank(session, CITY, Period(START, NOW), NOW, routing_of(current_hub(app)))
        assert rows[0].received == len(session.scalars(live).all()) > 0


def test_a_hub_without_complaints_builds_its_rollups_on_the_first_tick(database_url, make_app):
    app = make_app(database_url, only=("complaints",), timezone="Asia/Jakarta")
    hub = current_hub(app)
    with app.app_context():
        rollups.advance_due(hub, NOW)
    with hub.db.read_session() as session:
        assert rollups.zone_of(session) == ZONE

    History(app, random.Random(3)).steps(10)
    with hub.db.read_session() as session:
        received = session.scalars(select(ComplaintDaily.received)).all()
        live = select(Record).where(Record.deleted_at.is_(None))
        assert sum(received) == len(session.scalars(live).all()), "kept from the first change"


def test_a_hub_with_complaints_waits_for_the_command(database_url, make_app):
    app = make_app(database_url, only=("complaints",), timezone="Asia/Jakarta")
    history = History(app, random.Random(5))
    for _ in range(3):
        with app.test_request_context(), current_hub(app).db.session() as session:
            history.new(session)
    with app.app_context():
        rollups.advance_due(current_hub(app), NOW)
    with current_hub(app).db.read_session() as session:
        assert rollups.zone_of(session) is None


class History:
    """Random changes to complaints, each through the code that makes it in the hub."""

    def __init__(self, app: Flask, chance: random.Random) -> None:
        self.app, self.chance = app, chance
        self.hub = current_hub(app)
        with self.hub.db.session() as session:
            self.source = Source(name="qlue", type="qlue")
            session.add(self.source)
            session.add(User(username="admin", role="admin", password_hash="-"))
            session.flush()
            self.source_id = self.source.id
        self.made = 0
        self.clock = START

    def steps(self, count: int) -> None:
        moves = (self.new, self.new, self.source_status, self.answer, self.hand_off)
        moves += (self.merge, self.reopen, self.delete, self.tick)
        for _ in range(count):
            move = self.chance.choice(moves)
            try:
                with self.app.test_request_context(), self.hub.db.session() as session:
                    move(session)
            except Problem:
                pass  # refused, and so changed nothing

    def new(self, session) -> None:
        self.made += 1
        received = START + timedelta(minutes=self.chance.randrange(30 * 24 * 60))
        record = Record(
            source_id=self.source_id,
            external_id=str(self.made),
            kind="complaint",
            status=self.chance.choice((OPEN, OPEN, IN_PROGRESS, RESOLVED, CLOSED)),
            category=self.chance.choice(("Sampah", "Jalan Rusak", "Banjir", None)),
            area_code=self.chance.choice((*AREAS, None)),
            title="Laporan",
            created_at=received,
            updated_at=received + timedelta(hours=self.chance.randrange(1, 100)),
            content_hash=str(self.made),
        )
        add_records(self.app, session, [record])

    def tick(self, session) -> None:
        self.clock += timedelta(hours=self.chance.randrange(1, 48))
        rollups.advance_due(self.hub, self.clock)

    def source_status(self, session) -> None:
        record = self._record(session)
        if record is None:
            return
        previous, record.status = record.status, self.chance.choice((OPEN, IN_PROGRESS, RESOLVED))
        self._changed(session, record, previous)

    def delete(self, session) -> None:
        record = self._record(session)
        if record is None:
            return
        record.deleted_at = None if record.deleted_at else NOW
        self._changed(session, record, record.status)

    def answer(self, session) -> None:
        case = self._case(session, lambda case: case.status not in FINISHED)
        if case is None:
            return
        status = self.chance.choice((IN_PROGRESS, CLOSED))
        actions.answer(
            session,
            self._admin(session),
            None,
            case.record_id,
            status=status,
            note="Ditangani",
            resolution="rejected" if status == CLOSED else None,
            max_bytes=1,
            writes_back=False,
        )

    def hand_off(self, session) -> None:
        case = self._case(session, lambda case: case.status not in FINISHED)
        if case is None:
            return
        agencies = [agency.code for agency in routing_of(self.hub).agencies]
        actions.hand_off(
            session,
            self._admin(session),
            routing_of(self.hub),
            case.record_id,
            area_code=self.chance.choice((*AREAS, None)),
            agency_code=self.chance.choice((*agencies, None)),
            note="Disposisi",
        )

    def merge(self, session) -> None:
        case = self._case(session, lambda case: case.status not in FINISHED)
        if case is None:
            return
        others = session.scalars(
            select(ComplaintCase.record_id).where(
                ComplaintCase.category == case.category,
                ComplaintCase.record_id != case.record_id,
                ComplaintCase.duplicate_of_id.is_(None),
            )
        ).all()
        if others:
            into = self.chance.choice(others)
            actions.merge(session, self._admin(session), case.record_id, into, writes_back=False)

    def reopen(self, session) -> None:
        case = self._case(session, lambda case: case.status in FINISHED)
        if case is not None:
            actions.reopen(session, self._admin(session), case.record_id, "Warga keberatan")

    def _changed(self, session, record: Record, previous: str | None) -> None:
        session.flush()
        change = RecordChange(
            record.id,
            record.source_id,
            record.kind,
            record.external_id,
            False,
            previous,
            record.status,
            record.category,
            record.area_code,
            record.created_at,
            NOW - timedelta(hours=self.chance.randrange(1, 200)),
        )
        self.hub.records_changed(session, [change])

    def _record(self, session) -> Record | None:
        records = session.scalars(select(Record).order_by(Record.id)).all()
        return self.chance.choice(records) if records else None

    def _case(self, session, wanted) -> ComplaintCase | None:
        cases = [case for case in session.scalars(select(ComplaintCase)) if wanted(case)]
        return self.chance.choice(sorted(cases, key=lambda c: c.record_id)) if cases else None

    def _admin(self, session) -> User:
        return session.scalars(select(User).where(User.username == "admin")).one()


def figures_of(app: Flask, rolled_up: bool) -> list:
    """Every figure of every grouping, scope and period (a local week, an unaligned span, a few
    hours), and the weekly reports, read with or without the rollups."""
    hub = current_hub(app)
    routing = routing_of(hub)
    periods = (
        IsoWeek(2024, 19).period(ZONE),
        Period(START + timedelta(hours=5), NOW - timedelta(hours=3)),
        Period(START + timedelta(days=3, hours=2), START + timedelta(days=3, hours=9)),
    )
    with app.test_request_context(), hub.db.session() as session:
        state = session.get(ComplaintRollupState, rollups.STATE_ID)
        kept = {"zone": state.zone, "overdue_until": state.overdue_until}
        if not rolled_up:
            session.execute(delete(ComplaintRollupState))
        found = []
        for scope in (*SCOPES, *(Scope(agency=a.code) for a in routing.agencies[:2])):
            for grouping in (KELURAHAN, KECAMATAN, AGENCY, CITY):
                for period in periods:
                    for at in (NOW, START + timedelta(days=10)):
                        rows = rank(session, grouping, period, at, routing, scope)
                        found.append((scope, grouping, period, at, [vars(r) for r in rows]))
                        city = rank(session, CITY, period, at, routing, scope) or [Figures(None)]
                        city[0].name = EVERYTHING
                        assert vars(total_of(session, rows, period, scope)) == vars(city[0])
            report = weekly_report(session, IsoWeek(2024, 20), ZONE, routing, NOW, scope)
            found.append((scope, report.areas, report.agencies, report.total))
        for area in (None, *(scope.area for scope in SCOPES if scope.area)):
            for at in (NOW, START + timedelta(days=10, hours=5)):
                found.append((area, at, wall_tiles(session, area, at)))
        if not rolled_up:
            session.add(ComplaintRollupState(id=rollups.STATE_ID, built_at=NOW, **kept))
    return found


def wall_tiles(session: Session, area: str | None, at: datetime) -> list:
    """What the wall's complaint counts show for ``area`` at ``at``."""
    shown = [tile(session, area, at) for tile in (tiles.backlog, tiles.response_rate)]
    shown += [tile(session, area, at) for tile in (tiles.overdue, tiles.ranking)]
    return [*shown, tiles.trend(session, area, at, ZONE)]


def assert_rollups_equal_cases(app: Flask) -> None:
    rolled_up, counted = figures_of(app, True), figures_of(app, False)
    assert rolled_up == counted
    assert any(row[-1] for row in rolled_up if len(row) == 5)
    assert_rows_equal_a_rebuild(app)


def assert_rows_equal_a_rebuild(app: Flask) -> None:
    """The rows kept change by change are those a rebuild counts from scratch (none empty)."""
    with app.app_context(), current_hub(app).db.session() as session:
        state = rollups.state_of(session)
        kept = rollup_rows(session)
        rollups.rebuild(session, state.zone, overdue_until=state.overdue_until)
        assert kept == rollup_rows(session)
        assert kept[0], "some days counted"
        session.rollback()


def rollup_rows(session: Session) -> tuple[list, list]:
    """The daily and backlog rows, leaving out those whose counts are all zero."""
    daily = [
        row
        for row in session.execute(
            select(ComplaintDaily.__table__).order_by(*ComplaintDaily.__table__.primary_key)
        )
        if any(getattr(row, name) for name in rollups.COUNTS)
    ]
    backlog = [
        row
        for row in session.execute(
            select(ComplaintBacklog.__table__).order_by(*ComplaintBacklog.__table__.primary_key)
        )
        if any(getattr(row, name) for name in rollups.BACKLOG_COUNTS)
    ]
    return daily, backlog


def test_the_command_rebuilds_the_rollups_from_the_cases(tmp_path, monkeypatch):
    database = tmp_path / "hub.db"
    config = tmp_path / "simpul.toml"
    config.write_text(
        f'[hub]\ndatabase_url = "sqlite:///{database}"\ninstance_path = "{tmp_path}"\n'
        'timezone = "Asia/Makassar"\n'
    )
    monkeypatch.setenv("SIMPUL_CONFIG", str(config))
    engine = create_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        source = Source(name="qlue", type="qlue")
        session.add(source)
        session.flush()
        received = datetime(2024, 5, 6, 17, tzinfo=UTC)  # 01:00 on 7 May in Makassar
        record = Record(
            source_id=source.id,
            external_id="1",
            kind="complaint",
            created_at=received,
            content_hash="1",
            latitude=1.49,
            longitude=124.84,
        )
        session.add(record)
        session.flush()
        session.add(
            ComplaintCase(
                record_id=record.id,
                status=OPEN,
                area_code=None,
                agency_code="dlh",
                received_at=received,
                reopened=0,
            )
        )

    result = CliRunner().invoke(cli, ["complaints", "rebuild-rollups"])

    assert result.exit_code == 0, result.output
    assert "rollups rebuilt from 1 complaints" in result.output
    with Session(engine) as session:
        days = session.execute(select(ComplaintDaily.day, ComplaintDaily.agency_code)).all()
        assert days == [(datetime(2024, 5, 7).date(), "dlh")]
        assert rollups.zone_of(session) == ZoneInfo("Asia/Makassar")
        spot = session.execute(select(ComplaintCase.latitude, ComplaintCase.longitude)).one()
        assert tuple(spot) == (1.49, 124.84)
    engine.dispose()


def test_a_day_of_one_kelurahan_and_agency_is_one_row_whatever_the_categories(
    database_url, make_app
):
    app = make_app(database_url, only=("complaints",), timezone="Asia/Jakarta")
    with app.app_context(), current_hub(app).db.session() as session:
        rollups.rebuild(session, ZONE, overdue_until=START)
    history = History(app, random.Random(11))
    with app.test_request_context(), current_hub(app).db.session() as session:
        for category in ("Pelanggaran aturan", "PKL liar", "Tindak kriminal"):
            history.made += 1
            record = Record(
                source_id=history.source_id,
                external_id=str(history.made),
                kind="complaint",
                status=OPEN,
                category=category,
                area_code=AREAS[0],
                title="Laporan",
                created_at=START + timedelta(hours=history.made),
                content_hash=str(history.made),
            )
            add_records(app, session, [record])
    with current_hub(app).db.read_session() as session:
        rows = session.execute(select(ComplaintDaily.area_code, ComplaintDaily.received)).all()
        assert rows == [(AREAS[0], 3)], "three categories of Satpol PP"


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_to_0018(request, tmp_path, folders):
    """A database whose complaint migrations go up to the daily counts by category."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        url = request.getfixturevalue("empty_postgres_url")
    db = Database(url)
    migrate.upgrade(db.engine, folders, revision="0018")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def folders():
    settings = Settings(strict_plugins=True)
    return Hub(settings, load_plugins(settings)).migration_folders


def test_the_migration_sums_each_day_s_categories_and_back(migrated_to_0018, folders):
    db = migrated_to_0018
    day = datetime(2024, 5, 7).date()
    rows = [
        {"category": category, "received": received, "answered": answered}
        for category, received, answered in (("Sampah", 2, 1), ("Banjir", 3, 3), ("", 1, 0))
    ]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO complaint_daily VALUES (:day, '31.75.10.1005', 'dlh', :category,"
                " '31.75.10', '31.75', :received, :answered, 0, 0, 1)"
            ),
            [{"day": day, **row} for row in rows],
        )

    migrate.upgrade(db.engine, folders)

    counts = "day, area_code, agency_code, received, answered, overdue"
    with db.engine.connect() as connection:
        found = connection.execute(text(f"SELECT {counts} FROM complaint_daily")).all()
    assert [(str(row[0]), *row[1:]) for row in found] == [
        ("2024-05-07", "31.75.10.1005", "dlh", 6, 4, 3)
    ]

    command.downgrade(migrate.alembic_config(db.engine, folders), "0018")

    with db.engine.connect() as connection:
        found = connection.execute(text("SELECT category, received FROM complaint_daily")).all()
    assert [tuple(row) for row in found] == [("", 6)]


def test_the_spots_migration_copies_coordinates_and_counts_the_late_into_the_backlog(
    migrated_to_0018, folders
):
    db = migrated_to_0018
    migrate.upgrade(db.engine, folders, revision="0019")
    late, due_later = NOW - timedelta(hours=2), NOW + timedelta(days=3)
    with Session(db.engine) as session, session.begin():
        source = Source(name="qlue", type="qlue")
        session.add(source)
        session.flush()
        session.execute(
            Record.__table__.insert(),
            [
                {
                    "id": number,
                    "source_id": source.id,
                    "external_id": str(number),
                    "kind": "complaint",
                    "title": "Laporan",
                    "attributes": {},
                    "payload": {},
                    "content_hash": str(number),
                    "latitude": -6.25 + number / 100,
                    "longitude": 106.9,
                }
                for number in (1, 2)
            ],
        )
        cases = ComplaintCase.__table__
        kept = [c for c in cases.columns if c.name not in ("latitude", "longitude")]
        common = {
            "area_code": None,
            "agency_code": "dlh",
            "received_at": START,
            "first_response_at": None,
            "response_due_at": late,
            "completion_due_at": due_later,
            "reopened": 0,
            "updated_at": START,
            "source_deleted": False,
            "overdue_at": late,
        }
        session.execute(
            cases.insert().values({c.name: bindparam(c.name, type_=c.type) for c in kept}),
            [
                {c.name: None for c in kept} | common | {"record_id": number, "status": status}
                for number, status in ((1, OPEN), (2, IN_PROGRESS))
            ],
        )
        session.execute(
            ComplaintRollupState.__table__.insert(),
            {"id": rollups.STATE_ID, "zone": ZONE.key, "overdue_until": NOW, "built_at": NOW},
        )

    migrate.upgrade(db.engine, folders)

    with Session(db.engine) as session:
        spots = session.execute(
            select(ComplaintCase.record_id, ComplaintCase.latitude).order_by("record_id")
        ).all()
        backlog = session.execute(select(ComplaintBacklog.__table__)).all()
    assert [tuple(spot) for spot in spots] == [(1, -6.24), (2, -6.23)]
    assert [tuple(row) for row in backlog] == [("", "dlh", "", "", 1, 2, 2, 0)]
