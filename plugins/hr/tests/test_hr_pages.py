"""The staffing pages: figures for the LIVE Room, and NIP and names for admins only."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from simpul_hr.privacy import shows_personal_data

from hub.testing import run_sync

WENANG_UTARA = "71.71.04.1005"


@pytest.fixture
def app(sqlite_url: str, make_hr_app, hr, make_user) -> Flask:
    app = make_hr_app(sqlite_url, hr)
    run_sync(app, "staff")
    run_sync(app, "attendance")
    for role in ("admin", "operator", "officer"):
        make_user(app, role, role)
    make_user(app, "lurah", "ward_staff", WENANG_UTARA)
    return app


def text_of(app: Flask, sign_in, username: str, *paths: str) -> list[tuple[int, str]]:
    """Status and text of each page ``paths`` as ``username`` sees it."""
    client = app.test_client()
    sign_in(client, username)
    pages = [client.get(path) for path in paths]
    return [(page.status_code, html.unescape(page.get_data(as_text=True))) for page in pages]


def test_admins_see_who_holds_which_post(app: Flask, sign_in, stored) -> None:
    (figures_status, figures), (list_status, staff_list) = text_of(
        app, sign_in, "admin", "/hr/", "/hr/staff"
    )

    assert (figures_status, list_status) == (200, 200)
    assert "Kepegawaian dan presensi" in figures and "Formasi kosong" in figures
    for record in stored(app, "staff").values():
        assert record.external_id in staff_list and record.attributes["name"] in staff_list
        assert record.external_id not in figures and record.attributes["name"] not in figures
    assert "NIP" in staff_list and "Pangkat" in staff_list


def test_operators_see_counts_and_posts_but_no_personal_data(app: Flask, sign_in, stored) -> None:
    pages = text_of(app, sign_in, "operator", "/hr/", "/hr/staff", "/hr/staff?page=2&unit=x")

    assert [status for status, _ in pages] == [200, 200, 200]
    staff = stored(app, "staff").values()
    for _, text in pages:
        for record in staff:
            assert record.external_id not in text and record.attributes["name"] not in text
            assert record.attributes["rank"] not in text
    staff_list = pages[1][1]
    assert all(record.title in staff_list and record.category in staff_list for record in staff)
    assert "hanya ditampilkan kepada administrator" in staff_list


def test_officers_see_the_figures_only_and_ward_staff_neither(app: Flask, sign_in) -> None:
    officer = text_of(app, sign_in, "officer", "/hr/", "/hr/staff")
    lurah = text_of(app, sign_in, "lurah", "/hr/")

    assert [status for status, _ in officer] == [200, 403]
    assert [status for status, _ in lurah] == [403]
    assert app.test_client().get("/hr/").status_code == 302


def test_the_pages_speak_english_on_request(app: Flask, sign_in) -> None:
    [(status, figures)] = text_of(app, sign_in, "operator", "/hr/?lang=en")

    assert status == 200 and "Staffing and attendance" in figures
    assert "Attendance in the last 30 days" in figures


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("admin", True),
        ("operator", False),
        ("officer", False),
        ("ward_staff", False),
        (None, False),
    ],
)
def test_only_admins_are_shown_personal_data(role: str | None, shown: bool) -> None:
    assert shows_personal_data(role) is shown
