"""Rankings over known complaints, on SQLite and PostgreSQL: counts, response rate, medians (odd
and even counts), overdue, red backlog, each grouping, and the leaderboards' order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from features.complaints.models import ComplaintCase
from features.complaints.rankings import (
    AGENCY,
    CITY,
    EVERYWHERE,
    KECAMATAN,
    KELURAHAN,
    Figures,
    Period,
    Scope,
    leaderboard,
    rank,
)
from features.complaints.settings import routing_of
from features.complaints.widgets import tiles
from features.complaints.wilson import wilson_lower_bound, wilson_upper_bound
from hub.app import create_app
from hub.areas import import_areas
from hub.config import Settings
from hub.models import Base, Record, Source, User
from hub.state import current_hub
from hub.testing import PASSWORD, PASSWORD_HASH, csrf_token

SETU, MUNJUL, CILANGKAP = "31.75.10.1005", "31.75.10.1004", "31.75.10.1002"
PISANGAN_BARU, CIPAYUNG, MATRAMAN = "31.75.01.1001", "31.75.10", "31.75.01"
START = datetime(2024, 5, 6, tzinfo=UTC)
END = START + timedelta(days=7)
NOW = END + timedelta(days=1)
PERIOD = Period(START, END)


@dataclass(frozen=True)
class Complaint:
    """A complaint to store: times in hours after ``received`` unless None."""

    area: str | None
    agency: str | None
    received: datetime
    status: str = "open"
    response: float | None = None
    resolved: float | None = None
    response_due: float | None = None
    completion_due: float | None = None
    deleted: bool = False
    category: str = "Sampah"
    title: str = "Laporan"


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def add_complaints(app: Flask, complaints: Iterable[Complaint], source: str = "qlue") -> list[int]:
    """Store each complaint as a record of ``source`` with its case; return the record ids."""
    with current_hub(app).db.session() as session:
        found = session.query(Source).filter_by(name=source).one_or_none()
        if found is None:
            found = Source(name=source, type="qlue")
            session.add(found)
            session.flush()
        offset = session.query(Record).count()
        complaints = list(complaints)
        records = [
            _record(found, str(number), complaint)
            for number, complaint in enumerate(complaints, start=offset + 1)
        ]
        session.add_all(records)
        session.flush()
        session.add_all(
            _case(record.id, each) for record, each in zip(records, complaints, strict=True)
        )
    return [record.id for record in records]


def _record(source: Source, external_id: str, complaint: Complaint) -> Record:
    return Record(
        source_id=source.id,
        external_id=external_id,
        kind="complaint",
        status=complaint.status,
        category=complaint.category,
        area_code=complaint.area,
        title=complaint.title,
        created_at=complaint.received,
        content_hash=external_id,
        deleted_at=complaint.received if complaint.deleted else None,
    )


def _case(record_id: int, complaint: Complaint) -> ComplaintCase:
    def later(hours: float | None) -> datetime | None:
        return None if hours is None else complaint.received + timedelta(hours=hours)

    return ComplaintCase(
        record_id=record_id,
        status=complaint.status,
        category=complaint.category,
        area_code=complaint.area,
        agency_code=complaint.agency,
        received_at=complaint.received,
        first_response_at=later(complaint.response),
        resolved_at=later(complaint.resolved),
        response_due_at=later(complaint.response_due),
        completion_due_at=later(complaint.completion_due),
        reopened=0,
    )


def read_only_portal(
    folder: Path, users: Iterable[tuple[str, str, str | None]], complaints: Iterable[Complaint]
) -> Flask:
    """An English portal on SQLite in ``folder``, with ``users`` (name, role, area) and
    ``complaints``: for a module of tests that only read, sharing one app (and sign-ins)."""
    url = f"sqlite:///{folder / 'hub.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    settings = Settings(
        database_url=url,
        instance_path=str(folder / "instance"),
        strict_plugins=True,
        secret_key="test-secret",
        language="en",
    )
    app = create_app(settings)
    app.config.update(TESTING=True)
    import_areas(current_hub(app).db)
    with current_hub(app).db.session() as session:
        session.add_all(
            User(username=name, role=role, area_code=area, password_hash=PASSWORD_HASH)
            for name, role, area in users
        )
    add_complaints(app, complaints)
    return app


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=data).status_code == 302
    return client


CITY_COMPLAINTS = [
    # Setu (dlh): 5 in the period, 4 answered after 2, 4, 6 and 1 hours (median 3);
    # fixed after 10 and 20 hours (median 15); one closed, not fixed; two overdue.
    Complaint(SETU, "dlh", at(0), "in_progress", response=2, completion_due=24),
    Complaint(SETU, "dlh", at(1), "resolved", response=4, resolved=10, completion_due=2),
    Complaint(SETU, "dlh", at(2), "resolved", response=6, resolved=20),
    Complaint(SETU, "dlh", at(3), "open", response_due=1),
    Complaint(SETU, "dlh", at(4), "closed", response=1, resolved=1),
    Complaint(SETU, "dlh", at(-1), "open"),
    Complaint(SETU, "dlh", at(5), "resolved", response=0.5, resolved=1, deleted=True),
    # Munjul (dishub): 3 of 4 answered after 1, 3 and 8 hours (median 3), one fixed after 5.
    Complaint(MUNJUL, "dishub", at(0), "resolved", response=1, resolved=5),
    Complaint(MUNJUL, "dishub", at(1), "in_progress", response=3, response_due=1),
    Complaint(MUNJUL, "dishub", at(2), "in_progress", response=8),
    Complaint(MUNJUL, "dishub", at(3), "open", response_due=1000),
    # Cilangkap (dishub): the same rate as Munjul, but slower (10 hours).
    *(Complaint(CILANGKAP, "dishub", at(n), "in_progress", response=10) for n in range(3)),
    Complaint(CILANGKAP, "dishub", at(3), "open"),
    # Pisangan Baru (dlh), in Matraman: 1 of 2; the last one came at the period's end.
    Complaint(PISANGAN_BARU, "dlh", at(0), "in_progress", response=2),
    Complaint(PISANGAN_BARU, "dlh", at(1), "open"),
    Complaint(PISANGAN_BARU, "dlh", END, "in_progress", response=1),
    # Nowhere: no area, no agency.
    Complaint(None, None, at(0), "open"),
]


@pytest.fixture
def city(make_app, database_url) -> Flask:
    app = make_app(database_url, language="en")
    add_complaints(app, CITY_COMPLAINTS)
    return app


def ranking(app: Flask, grouping: str, scope: Scope = EVERYWHERE) -> dict[str | None, Figures]:
    with current_hub(app).db.read_session() as session:
        rows = rank(session, grouping, PERIOD, NOW, routing_of(current_hub(app)), scope)
    return {row.key: row for row in rows}


def figures(row: Figures) -> tuple:
    return (
        row.received,
        row.answered,
        row.response_rate,
        row.median_response_hours,
        row.median_completion_hours,
        row.closed_not_fixed,
        row.overdue,
        row.backlog,
    )


def test_figures_per_kelurahan(city: Flask) -> None:
    rows = ranking(city, KELURAHAN)

    assert {key: figures(row) for key, row in rows.items()} == {
        SETU: (5, 4, 0.8, 3.0, 15.0, 1, 2, 2),
        MUNJUL: (4, 3, 0.75, 3.0, 5.0, 0, 0, 1),
        CILANGKAP: (4, 3, 0.75, 10.0, None, 0, 0, 1),
        PISANGAN_BARU: (2, 1, 0.5, 2.0, None, 0, 0, 1),
        None: (1, 0, 0.0, None, None, 0, 0, 1),
    }
    assert rows[SETU].name == "Setu"
    with city.test_request_context():
        assert str(rows[None].name) == "No area"


def test_figures_per_kecamatan_take_the_kelurahan_parent(city: Flask) -> None:
    rows = ranking(city, KECAMATAN)

    # Cipayung: answered after 1,1,2,3,4,6,8,10,10,10 hours (median 5); fixed after 5,10,20.
    assert {key: figures(row) for key, row in rows.items()} == {
        CIPAYUNG: (13, 10, 10 / 13, 5.0, 10.0, 1, 2, 4),
        MATRAMAN: (2, 1, 0.5, 2.0, None, 0, 0, 1),
        None: (1, 0, 0.0, None, None, 0, 0, 1),
    }
    assert (rows[CIPAYUNG].name, rows[MATRAMAN].name) == ("Cipayung", "Matraman")


def test_figures_per_agency(city: Flask) -> None:
    rows = ranking(city, AGENCY)

    assert {key: figures(row) for key, row in rows.items()} == {
        "dlh": (7, 5, 5 / 7, 2.0, 15.0, 1, 2, 3),
        "dishub": (8, 6, 0.75, 9.0, 5.0, 0, 0, 2),
        None: (1, 0, 0.0, None, None, 0, 0, 1),
    }
    assert rows["dishub"].name == "Dinas Perhubungan"
    with city.test_request_context():
        assert str(rows[None].name) == "No agency"


def test_figures_for_the_whole_city_and_within_a_scope(city: Flask) -> None:
    (everything,) = ranking(city, CITY).values()
    assert figures(everything) == (16, 11, 11 / 16, 4.0, 10.0, 1, 2, 6)

    within = ranking(city, AGENCY, Scope(area=CIPAYUNG))
    assert {key: row.received for key, row in within.items()} == {"dlh": 5, "dishub": 8}
    of_dishub = ranking(city, KELURAHAN, Scope(agency="dishub"))
    assert set(of_dishub) == {MUNJUL, CILANGKAP}


def test_a_group_with_only_a_backlog_is_listed_last(make_app, database_url) -> None:
    app = make_app(database_url, language="en")
    add_complaints(
        app,
        [
            Complaint(SETU, "dlh", at(0), "in_progress", response=1),
            Complaint(MUNJUL, "dlh", at(-48), "open"),
        ],
    )

    rows = list(ranking(app, KELURAHAN).values())

    assert [(row.key, row.received, row.backlog, row.response_rate) for row in rows] == [
        (SETU, 1, 0, 1.0),
        (MUNJUL, 0, 1, None),
    ]


def test_leaderboards_rank_by_response_rate_then_median_response(city: Flask) -> None:
    rows = list(ranking(city, KELURAHAN).values())

    assert [row.key for row in rows] == [SETU, MUNJUL, CILANGKAP, PISANGAN_BARU, None]
    one, three = leaderboard(rows, size=1), leaderboard(rows, size=3)
    assert ([row.name for row in one.best], [row.name for row in one.worst]) == (
        ["Setu"],
        ["Pisangan Baru"],
    )
    assert [row.name for row in three.best] == ["Setu", "Munjul"]
    assert [row.name for row in three.worst] == ["Pisangan Baru", "Cilangkap"]


def test_an_empty_period_ranks_nothing(make_app, database_url) -> None:
    app = make_app(database_url)

    assert ranking(app, KELURAHAN) == {}
    assert leaderboard([]).best == []


@pytest.mark.parametrize(
    ("answered", "received", "bound"),
    [(1, 1, 0.2065), (50, 100, 0.4038), (0, 0, 0.0), (0, 5, 0.0), (10, 10, 0.7225)],
)
def test_the_wilson_lower_bound(answered: int, received: int, bound: float) -> None:
    assert wilson_lower_bound(answered, received) == pytest.approx(bound, abs=5e-5)


@pytest.mark.parametrize(
    ("answered", "received", "bound"),
    [(0, 1, 0.7935), (35, 100, 0.4475), (0, 0, 1.0), (10, 10, 1.0), (2, 10, 0.5098)],
)
def test_the_wilson_upper_bound(answered: int, received: int, bound: float) -> None:
    assert wilson_upper_bound(answered, received) == pytest.approx(bound, abs=5e-5)


def test_the_lowest_tile_puts_many_unanswered_before_one(make_app, database_url) -> None:
    app = make_app(database_url, language="en")
    add_complaints(
        app,
        [
            Complaint(SETU, "dlh", NOW - timedelta(days=1), "open"),
            *(
                Complaint(MUNJUL, "dlh", NOW - timedelta(hours=n + 1), "in_progress", response=1)
                for n in range(2)
            ),
            *(Complaint(MUNJUL, "dlh", NOW - timedelta(hours=n + 3), "open") for n in range(8)),
        ],
    )

    with app.test_request_context(), current_hub(app).db.read_session() as session:
        rows = tiles.ranking(session, None, NOW)["rows"]

    # Setu left 1 of 1 unanswered (0%), Munjul 8 of 10 (20%): Munjul is clearly the lower
    # (Wilson upper bounds 51.0% and 79.4%), though its rate shown is the higher.
    assert [(row["label"], row["value"]) for row in rows] == [("Munjul", 20.0), ("Setu", 0.0)]


def test_an_area_with_one_answered_complaint_ranks_below_a_busier_one(
    make_app, database_url
) -> None:
    app = make_app(database_url, language="en")
    add_complaints(
        app,
        [
            Complaint(SETU, "dlh", at(0), "in_progress", response=1),
            *(
                Complaint(MUNJUL, "dlh", at(n), "resolved", response=1, resolved=2)
                for n in range(9)
            ),
            Complaint(MUNJUL, "dlh", at(9), "open"),
        ],
    )

    rows = list(ranking(app, KELURAHAN).values())

    # Setu answered 1 of 1 (100%), Munjul 9 of 10 (90%): one complaint says little, so the
    # Wilson lower bound ranks Munjul (59.6%) above Setu (20.7%); the rates shown stay as they are.
    assert [(row.key, row.response_rate) for row in rows] == [(MUNJUL, 0.9), (SETU, 1.0)]
    assert [row.ranking_rate for row in rows] == pytest.approx([0.5958, 0.2065], abs=5e-5)
    assert leaderboard(rows, size=1).best[0].key == MUNJUL


def test_resolved_and_closed_not_fixed_are_counted_apart(city: Flask) -> None:
    rows = ranking(city, KELURAHAN)

    assert {key: (row.resolved, row.closed_not_fixed) for key, row in rows.items()} == {
        SETU: (2, 1),
        MUNJUL: (1, 0),
        CILANGKAP: (0, 0),
        PISANGAN_BARU: (0, 0),
        None: (0, 0),
    }
