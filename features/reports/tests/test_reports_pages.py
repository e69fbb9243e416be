"""The reports' pages: the form without JavaScript, review, access, recap with exports, feed."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from features.reports.models import ActivityReport, ReportAttachment
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist, User
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

SETU, MUNJUL, PISANGAN_BARU = "31.75.10.1005", "31.75.10.1004", "31.75.01.1001"
CIPAYUNG = "31.75.10"
USERS = [
    ("setu", "ward_staff", SETU),
    ("munjul", "ward_staff", MUNJUL),
    ("pisangan", "ward_staff", PISANGAN_BARU),
    ("camat", "officer", CIPAYUNG),
    ("operator", "operator", None),
]
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=form).status_code == 302
    return client


def jpeg() -> bytes:
    output = BytesIO()
    Image.new("RGB", (640, 480), "orange").save(output, "JPEG")
    return output.getvalue()


def form_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf_token|client_id)" value="([^"]+)"', page))


def report_count(app: Flask) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(func.count()).select_from(ActivityReport))


def table_rows(page: str) -> list[list[str]]:
    """The text of each cell of each body row of the page's table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def make_reports_app(make_app, make_user, tmp_path):
    def make(url: str) -> Flask:
        app = make_app(url, storage_path=str(tmp_path / "files"))
        for username, role, area in USERS:
            make_user(app, username, role, area)
        return app

    return make


@pytest.fixture
def app(make_reports_app, sqlite_url) -> Flask:
    return make_reports_app(sqlite_url)


def user_ids(app: Flask) -> dict[str, int]:
    with current_hub(app).db.read_session() as session:
        return dict(session.execute(select(User.username, User.id)).all())


def add_report(
    app: Flask, author: str, area: str, day: str, activity: str, status: str, people: int
):
    authors = user_ids(app)
    with current_hub(app).db.session() as session:
        report = ActivityReport(
            client_id=f"{author}-{day}-{activity}",
            author_id=authors[author],
            area_code=area,
            activity_type=activity,
            date=dt.date.fromisoformat(day),
            title=f"{activity} {day}",
            participants=people,
            status=status,
            reviewed_at=None if status == "submitted" else dt.datetime.now(dt.UTC),
        )
        session.add(report)
        session.flush()
        return report.id


def test_the_form_works_without_javascript_and_a_refused_file_keeps_the_rest(app):
    setu = signed_in(app, "setu")
    fields = form_fields(setu.get("/reports/new").text)
    data = {
        **fields,
        "activity_type": "Kerja bakti",
        "date": "2024-05-01",
        "title": "Kerja bakti saluran air",
        "description": "Membersihkan saluran di RW 03.",
        "participants": "40",
        "latitude": "",
        "longitude": "",
        "location_source": "",
    }

    def send() -> str:
        files = [(BytesIO(jpeg()), "sebelum.jpg"), (BytesIO(PDF_BYTES), "sesudah.jpg")]
        response = setu.post("/reports/new?lang=en", data={**data, "files": files})
        assert response.status_code == 302
        return response.headers["Location"]

    first, resent = send(), send()

    assert first == resent
    page = setu.get(first + "?lang=en").text
    assert "The report is saved." in page
    assert "“sesudah.jpg” is named like a .jpg file but its content is PDF." in page
    assert "Kerja bakti saluran air" in page and "Waiting for review" in page
    assert report_count(app) == 1
    with current_hub(app).db.read_session() as session:
        names = session.scalars(select(ReportAttachment.name)).all()
    assert names == ["sebelum.jpg"]


def test_a_form_with_mistakes_is_shown_again_with_what_was_typed(app):
    setu = signed_in(app, "setu")
    fields = form_fields(setu.get("/reports/new").text)
    tomorrow = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() + dt.timedelta(days=1)
    data = {
        **fields,
        "activity_type": "Posyandu",
        "date": tomorrow.isoformat(),
        "title": "Posyandu Anggrek",
        "description": "Penimbangan",
        "participants": "-1",
        "latitude": "1.49",
        "longitude": "124.84",
    }

    response = setu.post("/reports/new?lang=en", data=data)

    page = response.text
    assert response.status_code == 422
    assert 'value="Posyandu Anggrek"' in page and f'value="{fields["client_id"]}"' in page
    assert "is in the future" in page
    assert "whole number from 0 to" in page
    assert report_count(app) == 0


def test_the_camat_reviews_on_the_page_and_the_author_reads_the_comment(app):
    report_id = add_report(app, "setu", SETU, "2024-05-02", "Posyandu", "submitted", 20)
    camat, setu = signed_in(app, "camat"), signed_in(app, "setu")
    queue = camat.get("/reports/review?lang=en").text
    detail = camat.get(f"/reports/{report_id}?lang=en").text
    token = form_fields(detail)["csrf_token"]
    url = f"/reports/{report_id}/review?lang=en"

    refused = camat.post(url, data={"csrf_token": token, "decision": "return"})
    shown_again = camat.get(refused.headers["Location"] + "?lang=en").text
    returned = camat.post(
        url, data={"csrf_token": token, "decision": "return", "comment": "Tambah foto"}
    )
    no_token = camat.post(url, data={"decision": "accept"})

    assert "Posyandu 2024-05-02" in queue
    assert "Return for changes" in detail
    assert "Say what must be fixed" in shown_again and "Return for changes" in shown_again
    assert returned.headers["Location"] == "/reports/review"
    assert no_token.status_code == 400
    assert "The form has expired" in no_token.text
    listing = setu.get("/reports?lang=en").text
    assert "Returned for changes" in listing and "Tambah foto" in listing
    assert "Tambah foto" in setu.get(f"/reports/{report_id}").text
    assert "No report waits for review." in camat.get("/reports/review?lang=en").text


def test_pages_keep_to_the_users_area_and_role(app):
    in_munjul = add_report(app, "munjul", MUNJUL, "2024-05-02", "Patroli", "submitted", 3)
    setu, operator = signed_in(app, "setu"), signed_in(app, "operator")

    assert setu.get(f"/reports/{in_munjul}").status_code == 404
    assert setu.get(f"/reports/{in_munjul}/edit").status_code == 404
    assert setu.get("/reports/review").status_code == 403
    assert operator.get(f"/reports/{in_munjul}").status_code == 200
    assert operator.get("/reports/new").status_code == 403
    assert app.test_client().get("/reports").status_code == 302


@pytest.fixture
def city(make_reports_app, database_url) -> Flask:
    """Seven reports in three kelurahan of two kecamatan; one is outside May 2024."""
    app = make_reports_app(database_url)
    for author, area, day, activity, status, people in [
        ("setu", SETU, "2024-05-02", "Posyandu", "accepted", 20),
        ("setu", SETU, "2024-05-10", "Kerja bakti", "accepted", 35),
        ("setu", SETU, "2024-05-20", "Posyandu", "submitted", 15),
        ("setu", SETU, "2024-04-30", "Patroli", "accepted", 8),
        ("munjul", MUNJUL, "2024-05-03", "Kerja bakti", "returned", 12),
        ("munjul", MUNJUL, "2024-05-31", "Kerja bakti", "accepted", 40),
        ("pisangan", PISANGAN_BARU, "2024-05-15", "Musrenbang", "accepted", 60),
    ]:
        add_report(app, author, area, day, activity, status, people)
    return app


def test_the_recap_counts_per_kelurahan_kecamatan_and_activity(city):
    operator, camat = signed_in(city, "operator"), signed_in(city, "camat")
    may = "from=2024-05-01&to=2024-05-31&lang=en"

    def recap(client: FlaskClient, grouping: str) -> list[list[str]]:
        response = client.get(f"/reports/recap?by={grouping}&{may}")
        assert response.status_code == 200
        return table_rows(response.text)

    assert recap(operator, "kelurahan") == [
        ["Munjul", "Cipayung", "2", "1", "0", "1", "40"],
        ["Pisangan Baru", "Matraman", "1", "1", "0", "0", "60"],
        ["Setu", "Cipayung", "3", "2", "1", "0", "55"],
    ]
    assert recap(operator, "kecamatan") == [
        ["Cipayung", "5", "3", "1", "1", "95"],
        ["Matraman", "1", "1", "0", "0", "60"],
    ]
    assert recap(operator, "activity") == [
        ["Kerja bakti", "3", "2", "0", "1", "75"],
        ["Musrenbang", "1", "1", "0", "0", "60"],
        ["Posyandu", "2", "1", "1", "0", "20"],
    ]
    assert [row[0] for row in recap(camat, "kelurahan")] == ["Munjul", "Setu"]
    assert "No reports in this period." in operator.get("/reports/recap?lang=en").text


def test_the_recap_downloads_as_csv_and_xlsx(city):
    operator = signed_in(city, "operator")
    query = "by=kecamatan&from=2024-05-01&to=2024-05-31&lang=en"

    csv_response = operator.get(f"/reports/recap.csv?{query}")
    xlsx_response = operator.get(f"/reports/recap.xlsx?{query}")

    assert csv_response.mimetype == "text/csv"
    assert csv_response.headers["Content-Disposition"] == (
        'attachment; filename="recap-2024-05-01-2024-05-31.csv"'
    )
    assert csv_response.text.removeprefix("\ufeff").splitlines() == [
        "Kecamatan,Kecamatan,Reports,Accepted,Waiting for review,Returned,Participants (accepted)",
        "Cipayung,,5,3,1,1,95",
        "Matraman,,1,1,0,0,60",
    ]
    sheet = load_workbook(BytesIO(xlsx_response.data)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Period", dt.datetime(2024, 5, 1), dt.datetime(2024, 5, 31), None, None, None, None],
        [
            "Kecamatan",
            "Kecamatan",
            "Reports",
            "Accepted",
            "Waiting for review",
            "Returned",
            "Participants (accepted)",
        ],
        ["Cipayung", None, 5, 3, 1, 1, 95],
        ["Matraman", None, 1, 1, 0, 0, 60],
    ]


def test_the_recap_downloads_keep_a_formula_as_text(app):
    formula = '=HYPERLINK("http://example.com","klik")'
    add_report(app, "setu", SETU, "2024-05-02", formula, "accepted", 20)
    operator = signed_in(app, "operator")
    query = "by=activity&from=2024-05-01&to=2024-05-31&lang=en"

    csv_text = operator.get(f"/reports/recap.csv?{query}").text
    xlsx = operator.get(f"/reports/recap.xlsx?{query}").data

    assert csv_text.removeprefix("\ufeff").splitlines()[1] == (
        '"\'=HYPERLINK(""http://example.com"",""klik"")",,1,1,0,0,20'
    )
    cell = load_workbook(BytesIO(xlsx)).active["A3"]
    assert (cell.value, cell.data_type) == (formula, "s")


def test_the_feed_shows_the_latest_accepted_reports_to_a_screen_token(app):
    setu = signed_in(app, "setu")
    setu.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(setu, "/reports")
    older = add_report(app, "munjul", MUNJUL, "2024-05-02", "Posyandu", "accepted", 20)
    add_report(app, "setu", SETU, "2024-05-03", "Patroli", "submitted", 4)
    newer = add_report(app, "setu", SETU, "2024-05-04", "Kerja bakti", "submitted", 30)
    photo = setu.post(
        f"/api/v1/reports/{newer}/attachments",
        data={"file": (BytesIO(jpeg()), "kerja bakti.jpg")},
        content_type="multipart/form-data",
    ).json
    with current_hub(app).db.session() as session:
        accepted = session.get(ActivityReport, newer)
        accepted.status = "accepted"
        accepted.reviewed_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
        wall = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "lobby", wall, None)
    kiosk = app.test_client()
    kiosk.environ_base["HTTP_X_SCREEN_TOKEN"] = token

    feed = kiosk.get("/reports/feed.json").json["reports"]
    in_cipayung = kiosk.get(f"/reports/feed.json?kecamatan={CIPAYUNG}").json["reports"]
    in_matraman = kiosk.get("/reports/feed.json?kecamatan=31.75.01").json["reports"]

    assert [item["id"] for item in feed] == [newer, older] == [i["id"] for i in in_cipayung]
    assert in_matraman == []
    assert set(feed[0]) == {
        "id",
        "activity_type",
        "title",
        "date",
        "kelurahan",
        "kecamatan",
        "participants",
        "accepted_at",
        "thumbnails",
    }
    assert (feed[0]["kelurahan"], feed[0]["kecamatan"], feed[1]["thumbnails"]) == (
        "Setu",
        "Cipayung",
        [],
    )
    thumbnail = kiosk.get(feed[0]["thumbnails"][0])
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(BytesIO(thumbnail.data)).size) == 320
    assert kiosk.get(photo["url"]).status_code == 302
    with current_hub(app).db.session() as session:
        session.get(ActivityReport, newer).status = "returned"
    assert kiosk.get(feed[0]["thumbnails"][0]).status_code == 404
