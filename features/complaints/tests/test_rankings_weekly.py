"""The weekly performance report: ISO weeks in WIB, areas and agencies beside the week before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from test_rankings import CIPAYUNG, MATRAMAN, MUNJUL, PISANGAN_BARU, SETU, Complaint, add_complaints

from features.complaints.rankings import EVERYWHERE, Scope
from features.complaints.settings import routing_of
from features.complaints.weekly import IsoWeek, WeeklyReport, weekly_report, weekly_table
from hub.state import current_hub

WIB = ZoneInfo("Asia/Jakarta")
WEEK = IsoWeek(2024, 19)
NOW = datetime(2024, 5, 20, tzinfo=UTC)


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)


def test_a_week_runs_from_monday_midnight_in_the_city_zone() -> None:
    period = WEEK.period(WIB)

    assert (WEEK.monday, WEEK.sunday) == (date(2024, 5, 6), date(2024, 5, 12))
    assert period.start == datetime(2024, 5, 5, 17, tzinfo=UTC)
    assert period.end - period.start == timedelta(days=7)
    assert (str(WEEK.previous()), str(WEEK.next())) == ("2024-W18", "2024-W20")
    assert IsoWeek(2021, 1).previous() == IsoWeek(2020, 53)
    assert IsoWeek.containing(date(2024, 12, 30)) == IsoWeek(2025, 1)


@pytest.mark.parametrize(
    ("text", "week"), [("2024-W19", IsoWeek(2024, 19)), (" 2020-W53 ", IsoWeek(2020, 53))]
)
def test_weeks_are_read_as_input_type_week_sends_them(text: str, week: IsoWeek) -> None:
    assert IsoWeek.parse(text) == week


@pytest.mark.parametrize(
    ("text", "message"),
    [("2024-19", "not a week"), ("W19", "not a week"), ("2021-W53", "no week 53"), ("", "not")],
)
def test_a_bad_week_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IsoWeek.parse(text)


@pytest.fixture
def city(make_app, database_url) -> Flask:
    """Complaints around the weeks' edges in WIB, and in both weeks."""
    app = make_app(database_url, language="en")
    add_complaints(
        app,
        [
            # Monday 01:00 WIB is Sunday 18:00 UTC: week 19.
            Complaint(SETU, "dlh", wib(2024, 5, 6, 1), "in_progress", response=2),
            # Sunday 23:30 WIB, the last minutes of week 18.
            Complaint(SETU, "dlh", wib(2024, 5, 5, 23, 30), "open"),
            # The last minute of week 19, and the first of week 20.
            Complaint(MUNJUL, "dishub", wib(2024, 5, 12, 23, 59), "open", response_due=1),
            Complaint(MUNJUL, "dishub", wib(2024, 5, 13, 0, 0), "in_progress", response=1),
            # Week 18 in Matraman: both answered.
            Complaint(
                PISANGAN_BARU, "dlh", wib(2024, 4, 30, 9), "resolved", response=1, resolved=3
            ),
            Complaint(PISANGAN_BARU, "dlh", wib(2024, 5, 1, 9), "in_progress", response=4),
            # Week 19 in Matraman: one of two.
            Complaint(PISANGAN_BARU, "dlh", wib(2024, 5, 8, 9), "resolved", response=6, resolved=8),
            Complaint(PISANGAN_BARU, "dlh", wib(2024, 5, 9, 9), "open"),
        ],
    )
    return app


def report_of(app: Flask, scope: Scope = EVERYWHERE) -> WeeklyReport:
    with current_hub(app).db.read_session() as session:
        return weekly_report(session, WEEK, WIB, routing_of(current_hub(app)), NOW, scope)


def summary(report_rows) -> dict:
    return {
        row.current.key: (
            row.current.received,
            row.current.answered,
            row.previous.received,
            row.previous.answered,
            row.current.backlog,
        )
        for row in report_rows
    }


def test_the_week_counts_complaints_by_their_time_in_wib(city: Flask) -> None:
    report = report_of(city)

    assert report.area_grouping == "kecamatan"
    assert summary(report.areas) == {
        MATRAMAN: (2, 1, 2, 2, 1),
        CIPAYUNG: (2, 1, 1, 0, 2),
    }
    assert summary(report.agencies) == {"dlh": (3, 2, 3, 2, 2), "dishub": (1, 0, 0, 0, 1)}
    assert summary([report.total]) == {None: (4, 2, 3, 2, 3)}
    assert report.total.current.overdue == 1


def test_areas_and_agencies_are_ranked_with_the_change_since_the_week_before(city: Flask) -> None:
    report = report_of(city)

    cipayung, matraman = report.areas  # both answered one of two: Cipayung was faster
    assert (cipayung.name, matraman.name) == ("Cipayung", "Matraman")
    assert matraman.rate_change == pytest.approx(-0.5)
    assert cipayung.rate_change == pytest.approx(0.5)
    assert matraman.current.median_response_hours == 6.0
    assert (matraman.previous.received, matraman.previous.answered) == (2, 2)
    # The week before shows its counts only: its medians are not read.
    assert matraman.previous.median_response_hours is None
    assert [row.name for row in report.agencies] == [
        "Dinas Lingkungan Hidup",
        "Dinas Perhubungan",
    ]
    assert report.agencies[1].rate_change is None


def test_within_a_kecamatan_the_report_has_its_kelurahan(city: Flask) -> None:
    report = report_of(city, Scope(area=CIPAYUNG))

    assert report.area_grouping == "kelurahan"
    assert summary(report.areas) == {SETU: (1, 1, 1, 0, 1), MUNJUL: (1, 0, 0, 0, 1)}
    assert summary(report.agencies) == {"dlh": (1, 1, 1, 0, 1), "dishub": (1, 0, 0, 0, 1)}
    assert summary([report.total]) == {None: (2, 1, 1, 0, 2)}


def test_the_report_as_a_table(city: Flask) -> None:
    with city.test_request_context():
        header, *rows = weekly_table(report_of(city, Scope(agency="dlh")))

    assert header[:7] == [
        "Section",
        "Rank",
        "Code",
        "Name",
        "Received",
        "Answered",
        "Response rate (%)",
    ]
    assert header[10:12] == ["Resolved", "Closed, not fixed"]
    environment = "Dinas Lingkungan Hidup"
    assert rows == [
        ["Kecamatan", 1, CIPAYUNG, "Cipayung", 1, 1, 100.0, 100.0, 2.0, None, 0, 0, 0, 1, 1, 0.0],
        ["Kecamatan", 2, MATRAMAN, "Matraman", 2, 1, 50.0, -50.0, 6.0, 8.0, 1, 0, 0, 1, 2, 100.0],
        ["Agency", 1, "dlh", environment, 3, 2, 66.7, 0.0, 4.0, 8.0, 1, 0, 0, 2, 3, 66.7],
        ["Total", None, "", "All complaints", 3, 2, 66.7, 0.0, 4.0, 8.0, 1, 0, 0, 2, 3, 66.7],
    ]
