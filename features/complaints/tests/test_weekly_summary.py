"""The weekly summary: each camat hears how the kelurahan of their kecamatan answered last week,
the city how its kecamatan did, beside the week before; once a week, from Monday's digest hour,
however many schedulers tick; and a camat may open the report it links to, for their own
kecamatan only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from features.complaints import summary
from features.complaints.statuses import IN_PROGRESS, RESOLVED
from features.complaints.tests.test_complaint_notifications import (
    MONDAY,
    MUNJUL,
    SETU,
    SOURCE,
    TWICE_AT_ONCE,
    app,  # noqa: F401 - a fixture
    bodies,
    complaint,
    deliver_mail,
    inbox,
    sim,  # noqa: F401 - a fixture
    tick,
    twice_at_once,
    urls,
)
from hub.models import ChannelAddress, NotificationChoice, Source
from hub.notify.messages import Message
from hub.state import current_hub
from hub.testing import add_records

CIPAYUNG, JAKARTA_TIMUR = "31.75.10", "31.75"
NEXT_MONDAY_AT_7 = MONDAY + timedelta(days=7, hours=7)
"""Monday 14 December 2026, 07:00 in Jakarta: the summary of week 2026-W50 is due."""
CAMAT_TITLE = "Minggu 2026-W50 di Cipayung: 80% dijawab (minggu sebelumnya: 0%)"
CITY_LINE = (
    "1. Cipayung: 80% dijawab (+80 poin), 5 diterima, 1 selesai, 0 ditutup tanpa perbaikan,"
    " 4 terlambat"
)


@pytest.fixture
def weeks(app):  # noqa: F811 - the fixture imported above
    """Week 2026-W50 in Cipayung: Setu 3 of 4 answered (one resolved), Munjul 1 of 1; the
    week before, Setu 0 of 2."""
    before = MONDAY - timedelta(days=6)
    received = [
        (SETU, MONDAY + timedelta(hours=1), IN_PROGRESS),
        (SETU, MONDAY + timedelta(hours=2), IN_PROGRESS),
        (SETU, MONDAY + timedelta(hours=3), RESOLVED),
        (SETU, MONDAY + timedelta(hours=4), "open"),
        (MUNJUL, MONDAY + timedelta(days=2), IN_PROGRESS),
        (SETU, before, "open"),
        (SETU, before + timedelta(hours=5), "open"),
    ]
    with current_hub(app).db.session() as session:
        source_id = session.scalar(select(Source.id).filter_by(name=SOURCE))
        records = [
            complaint(source_id, number, area, "Sampah", at, status)
            for number, (area, at, status) in enumerate(received, start=1)
        ]
        add_records(app, session, records)


@pytest.fixture
def people(app, make_user):  # noqa: F811 - the fixture imported above
    camat = make_user(app, "camat", "ward_staff", CIPAYUNG)
    make_user(app, "kota", "ward_staff", JAKARTA_TIMUR)
    make_user(app, "operator", "operator")
    make_user(app, "lurah", "ward_staff", SETU)
    make_user(app, "dinas", "officer", CIPAYUNG, agency_code="dlh")
    make_user(app, "pensiun", "ward_staff", CIPAYUNG, active=False)
    with current_hub(app).db.session() as session:
        session.add(ChannelAddress(user_id=camat.id, channel="email", address="camat@go.id"))
        session.add(NotificationChoice(user_id=camat.id, digest_only=True))


@TWICE_AT_ONCE
def test_the_camat_and_the_city_hear_of_last_week_once_from_monday_s_digest_hour(
    app,  # noqa: F811 - the fixture imported above
    weeks,
    people,
    mailbox,
    threaded,
):
    twice_at_once(app, summary.send_due, NEXT_MONDAY_AT_7 - timedelta(minutes=1), threaded)
    assert inbox(app) == {}

    twice_at_once(app, summary.send_due, NEXT_MONDAY_AT_7, threaded)
    tick(app, summary.send_due, NEXT_MONDAY_AT_7 + timedelta(days=2))

    assert inbox(app) == {
        "camat": [CAMAT_TITLE],
        "kota": [
            "Minggu 2026-W50 di Kota Administrasi Jakarta Timur: 80% dijawab"
            " (minggu sebelumnya: 0%)"
        ],
        "operator": ["Minggu 2026-W50 di kota: 80% dijawab (minggu sebelumnya: 0%)"],
    }
    told = bodies(app)
    assert told["camat"] == (
        "1. Setu: 75% dijawab (+75 poin), 4 diterima, 1 selesai, 0 ditutup tanpa perbaikan,"
        " 3 terlambat\n"
        "2. Munjul: 100% dijawab (baru), 1 diterima, 0 selesai, 0 ditutup tanpa perbaikan,"
        " 1 terlambat"
    ), "ranked by the Wilson bound: 3 of 4 before 1 of 1"
    assert told["kota"] == told["operator"] == CITY_LINE
    assert urls(app) == {
        f"/complaints/weekly?week=2026-W50&kecamatan={CIPAYUNG}",
        "/complaints/weekly?week=2026-W50",
    }
    deliver_mail(app)
    assert [mail["Subject"] for mail in mailbox.messages] == [CAMAT_TITLE], (
        "a summary reaches also those who chose one digest a day"
    )

    tick(app, summary.send_due, NEXT_MONDAY_AT_7 + timedelta(days=7))
    assert [len(lines) for lines in inbox(app).values()] == [2, 2, 2], "the next week's"


def test_no_summary_when_it_is_turned_off(make_app, database_url, redis_url, sim, make_user):  # noqa: F811
    quiet = make_app(
        database_url,
        redis_url=redis_url,
        sources=(sim.source(SOURCE),),
        sections={"complaints": {"reminders": {"events": ["new", "digest"]}}},
    )
    make_user(quiet, "camat", "ward_staff", CIPAYUNG)
    make_user(quiet, "operator", "operator")
    tick(quiet, summary.send_due, NEXT_MONDAY_AT_7)
    assert inbox(quiet) == {}


def test_a_camat_opens_the_weekly_report_of_their_own_kecamatan_only(
    app,  # noqa: F811 - the fixture imported above
    weeks,
    people,
    sign_in,
):
    camat = app.test_client()
    sign_in(camat, "camat")
    page = camat.get("/complaints/weekly?week=2026-W50&kecamatan=31.71.01")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Setu" in text and "Munjul" in text
    assert f'value="{CIPAYUNG}" selected' in text
    sheet = camat.get("/complaints/weekly.csv?week=2026-W50").get_data(as_text=True)
    assert "Setu" in sheet and "Cipayung" not in sheet.split("\n", 2)[1], "kelurahan rows"

    lurah = app.test_client()
    sign_in(lurah, "lurah")
    assert lurah.get("/complaints/weekly?week=2026-W50").status_code == 403
    assert lurah.get("/complaints/weekly.csv?week=2026-W50").status_code == 403


def test_a_message_either_folds_or_is_told_once():
    with pytest.raises(ValueError, match="either folds"):
        Message("x", "/", lambda count: ("t", "b"), fold_key="a", once_key="b")
