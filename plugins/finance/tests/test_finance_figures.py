"""Figures on known books, on SQLite and PostgreSQL: exact sums, shares, lagging, months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from simpul_finance import figures
from sqlalchemy.orm import Session

from hub.api import SourceSettings, commit_import, read_session

TODAY = date(2026, 6, 30)
ELAPSED = Decimal(181) / Decimal(365)
EDUCATION, HEALTH, TRANSPORT = (
    "1.01.0.00.0.00.01.0000",
    "1.02.0.00.0.00.01.0000",
    "2.15.0.00.0.00.01.0000",
)
NAMES = {EDUCATION: "Dinas Pendidikan", HEALTH: "Dinas Kesehatan", TRANSPORT: "Dinas Perhubungan"}


def line(line_id: str, agency: str, program: str, amount: str, year: int = 2026) -> dict[str, Any]:
    return {
        "kind": "budget_line",
        "id": line_id,
        "year": year,
        "opd_code": agency,
        "opd_name": NAMES[agency],
        "program": program,
        "activity": f"Kegiatan {line_id}",
        "account_code": "5.1.02.01.01.0024",
        "amount": amount,
    }


def sp2d(number: str, line_id: str, agency: str, day: str, amount: str) -> dict[str, Any]:
    return {
        "kind": "realization",
        "sp2d_number": number,
        "line_id": line_id,
        "opd_code": agency,
        "date": day,
        "amount": amount,
    }


BOOKS = [
    line("L0", EDUCATION, "PROGRAM A", "70000000.00", year=2025),
    line("L1", EDUCATION, "PROGRAM A", "1000000000.00"),
    line("L2", EDUCATION, "PROGRAM B", "500000000.50"),
    line("L3", HEALTH, "PROGRAM C", "2000000000.00"),
    line("L4", TRANSPORT, "PROGRAM D", "300000000.00"),
    sp2d("S0", "L0", EDUCATION, "2025-12-31", "60000000.00"),
    sp2d("S1", "L1", EDUCATION, "2026-01-01", "100000000.25"),
    sp2d("S2", "L1", EDUCATION, "2026-03-05", "150000000.00"),
    sp2d("S3", "L2", EDUCATION, "2026-06-30", "240000000.25"),
    sp2d("S4", "L3", HEALTH, "2026-02-10", "1000000000.00"),
    sp2d("S5", "L3", HEALTH, "2026-07-01", "5000000.00"),
    sp2d("S6", "L4", TRANSPORT, "2026-04-01", "200000000.00"),
]


@pytest.fixture
def session(make_app, database_url: str) -> Iterator[Session]:
    app: Flask = make_app(database_url, sources=(SourceSettings("keuangan", "finance-file"),))
    with app.test_request_context():
        commit_import("keuangan", BOOKS)
        with read_session() as session:
            yield session


def test_realization_per_agency_is_exact_and_the_laggards_are_named(session: Session) -> None:
    agencies = figures.by_agency(session, 2026, TODAY)

    assert [(a.code, a.name, a.budget, a.realized) for a in agencies] == [
        (EDUCATION, "Dinas Pendidikan", Decimal("1500000000.50"), Decimal("490000000.50")),
        (HEALTH, "Dinas Kesehatan", Decimal("2000000000.00"), Decimal("1000000000.00")),
        (TRANSPORT, "Dinas Perhubungan", Decimal("300000000.00"), Decimal("200000000.00")),
    ]
    assert agencies[1].share == Decimal("0.5")
    assert [a.standing(ELAPSED) for a in agencies] == ["lagging", "on_track", "on_track"]
    assert [a.code for a in figures.lagging(agencies, ELAPSED)] == [EDUCATION]


@pytest.mark.parametrize(
    ("realized", "standing"),
    [("50", "on_track"), ("40", "behind"), ("39.99", "lagging")],
)
def test_an_agency_lags_when_more_than_ten_points_behind_the_year(
    realized: str, standing: str
) -> None:
    spending = figures.Spending(budget=Decimal(100), realized=Decimal(realized))

    assert spending.standing(Decimal("0.5")) == standing


def test_an_agency_without_a_budget_has_no_standing() -> None:
    spending = figures.Spending(budget=Decimal(0), realized=Decimal(0))

    assert (spending.share, spending.standing(ELAPSED)) == (None, "no_budget")


def test_realization_per_program_and_the_largest_unspent_lines(session: Session) -> None:
    lines = figures.by_line(session, 2026, TODAY)

    programs = figures.by_program(lines)

    assert [(p.agency_code, p.program, p.budget, p.realized) for p in programs] == [
        (EDUCATION, "PROGRAM A", Decimal("1000000000.00"), Decimal("250000000.25")),
        (EDUCATION, "PROGRAM B", Decimal("500000000.50"), Decimal("240000000.25")),
        (HEALTH, "PROGRAM C", Decimal("2000000000.00"), Decimal("1000000000.00")),
        (TRANSPORT, "PROGRAM D", Decimal("300000000.00"), Decimal("200000000.00")),
    ]
    assert [(u.line_id, u.unspent) for u in figures.largest_unspent(lines, limit=3)] == [
        ("L3", Decimal("1000000000.00")),
        ("L1", Decimal("749999999.75")),
        ("L2", Decimal("260000000.25")),
    ]


def test_the_monthly_trend_runs_to_the_reference_month(session: Session) -> None:
    months = figures.monthly(session, 2026, TODAY, Decimal("3800000000.50"))

    assert [(m.month, m.realized, m.cumulative) for m in months] == [
        (1, Decimal("100000000.25"), Decimal("100000000.25")),
        (2, Decimal("1000000000.00"), Decimal("1100000000.25")),
        (3, Decimal("150000000.00"), Decimal("1250000000.25")),
        (4, Decimal("200000000.00"), Decimal("1450000000.25")),
        (5, Decimal(0), Decimal("1450000000.25")),
        (6, Decimal("240000000.25"), Decimal("1690000000.50")),
    ]
    assert months[0].elapsed == Decimal(31) / Decimal(365)
    assert months[-1].elapsed == ELAPSED
    assert months[-1].share == Decimal("1690000000.50") / Decimal("3800000000.50")
    assert figures.monthly(session, 2026, date(2025, 12, 31), Decimal(1)) == []


def test_the_overview_holds_every_figure_and_other_years_stay_apart(session: Session) -> None:
    overview = figures.overview(session, 2026, TODAY)
    past = figures.by_agency(session, 2025, TODAY)
    later = figures.by_agency(session, 2026, date(2026, 7, 1))

    assert (overview.total.budget, overview.total.realized) == (
        Decimal("3800000000.50"),
        Decimal("1690000000.50"),
    )
    assert (overview.as_of, overview.elapsed) == (TODAY, ELAPSED)
    assert [a.code for a in overview.lagging] == [EDUCATION]
    assert len(overview.programs) == 4 and len(overview.months) == 6
    assert overview.unspent_lines[0].line_id == "L3"
    assert figures.budget_years(session) == [2026, 2025]
    assert [(a.code, a.budget, a.realized) for a in past] == [
        (EDUCATION, Decimal("70000000.00"), Decimal("60000000.00"))
    ]
    assert later[1].realized == Decimal("1005000000.00")


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2025, 12, 31), Decimal(0)),
        (date(2026, 1, 1), Decimal(1) / Decimal(365)),
        (date(2026, 12, 31), Decimal(1)),
        (date(2027, 3, 1), Decimal(1)),
        (date(2026, 11, 23), Decimal(327) / Decimal(365)),
    ],
)
def test_the_share_of_the_year_elapsed(today: date, share: Decimal) -> None:
    assert figures.elapsed_share(2026, today) == share
