"""Ward staff working without signal, in headless Chromium at phone size.

The hub is served on loopback; "no signal" is the real thing: the hub's server is stopped (and
the browser is told it is offline), so every request of the page and of its service worker
fails. An answer and an activity report written then are kept on the phone by the service worker
and, once the server is back on the same address, sent by themselves and stored once. An answer
to a complaint that someone closed meanwhile is refused: the person is told why and sees what
they wrote, and the complaint is not touched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import text

from hub.simulators import RunningServer
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token, run_sync

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}
SOURCE = "qlue-city"
OPEN_IN_ONE_VILLAGE = """
    SELECT record_id FROM complaint_cases
    WHERE status = 'open' AND area_code = :village ORDER BY record_id
"""
CONTROLLED = "navigator.serviceWorker.controller !== null"
WAITING = "document.querySelector('[data-phone-outbox]').dataset.waiting"
OUTBOX_TEXT = "document.querySelector('[data-phone-outbox]').textContent"


@dataclass
class City:
    """The served hub, a kelurahan with open complaints, and a way to take the signal away."""

    app: Flask
    village: str
    complaints: list[int]
    server: RunningServer
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def signal_lost(self, context) -> None:
        self.server.stop()
        context.set_offline(True)

    def signal_back(self, context) -> None:
        self.server = RunningServer(self.app, port=self.port)
        context.set_offline(False)

    def query(self, sql: str, **values) -> list[tuple]:
        with current_hub(self.app).db.read_session() as session:
            return [tuple(row) for row in session.execute(text(sql), values)]


@pytest.fixture
def city(make_app, sqlite_url, redis_url, serve_simulator, make_user, tmp_path) -> Iterator[City]:
    qlue = serve_simulator("qlue", size=40, seed=3)
    app = make_app(
        sqlite_url,
        only=("complaints", "reports", "qlue"),
        redis_url=redis_url,
        sources=(qlue.source(SOURCE),),
        storage_path=str(tmp_path / "files"),
    )
    run_sync(app, SOURCE)
    with current_hub(app).db.read_session() as session:
        village = session.scalar(
            text(
                "SELECT area_code FROM complaint_cases WHERE status = 'open'"
                " GROUP BY area_code ORDER BY count(*) DESC, area_code LIMIT 1"
            )
        )
    make_user(app, "lurah", "ward_staff", village, full_name="Staf Kelurahan")
    make_user(app, "operator", "operator", full_name="Operator Ruang Kendali")
    server = RunningServer(app)
    port = int(server.url.rsplit(":", 1)[1])
    found = City(app, village, [], server, port)
    found.complaints = [row[0] for row in found.query(OPEN_IN_ONE_VILLAGE, village=village)]
    assert len(found.complaints) >= 2, "the sample city needs two open complaints in one ward"
    yield found
    found.server.stop()


@pytest.fixture
def phone(browser, city: City):
    """A signed-in ward staff member's phone, its service worker in control."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded two-core machine is slower than a phone
    page.goto(f"{city.url}/login")
    # A page opened while the worker still installs is not its to control: wait for it here.
    page.wait_for_function(f"() => {CONTROLLED}")
    page.fill("input[name=username]", "lurah")
    page.fill("input[name=password]", PASSWORD)
    page.click("form .primary")
    page.wait_for_function(f"() => {CONTROLLED}")
    yield context, page
    context.close()


def answers(city: City, record_id: int) -> list[tuple]:
    return city.query(
        "SELECT note, to_status FROM complaint_events"
        " WHERE record_id = :id AND action = 'answer' ORDER BY id",
        id=record_id,
    )


def write_answer(page, city: City, record_id: int, note: str) -> None:
    page.goto(f"{city.url}/complaints/{record_id}")
    page.wait_for_function(f"() => {CONTROLLED}")
    page.select_option("#answer select[name=status]", "in_progress")
    page.fill("#answer textarea[name=note]", note)


def send_without_signal(page, city: City, context, button: str) -> None:
    """Lose the signal, send the form with ``button``, and see it kept on the phone."""
    city.signal_lost(context)
    page.click(button)
    page.wait_for_url(re.compile(r"/-/kept$"))
    page.wait_for_function(f"() => {WAITING} === '1'")


def test_the_portal_installs_as_an_app_on_the_phone(city: City, phone):
    context, page = phone
    browser = context.new_cdp_session(page)

    manifest = browser.send("Page.getAppManifest")
    installable = browser.send("Page.getInstallabilityErrors")

    assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
    # Playwright's browser contexts are incognito, where Chromium installs no app; any other
    # reason is the portal's.
    reasons = {error["errorId"] for error in installable["installabilityErrors"]}
    assert reasons <= {"in-incognito"}


def test_an_answer_written_without_signal_is_sent_once_when_it_is_back(city: City, phone):
    context, page = phone
    complaint = city.complaints[0]
    note = "Petugas sudah dijadwalkan besok pagi."
    write_answer(page, city, complaint, note)

    send_without_signal(page, city, context, "#answer .primary")
    assert "Disimpan di ponsel ini" in page.text_content("main")
    assert "Tanggapan untuk aduan" in page.text_content("[data-phone-outbox]")
    assert answers(city, complaint) == []

    page.goto(f"{city.url}/complaints/{complaint}")
    assert note not in page.text_content("main"), "the kept copy is the page as it was opened"
    page.wait_for_function(f"() => {OUTBOX_TEXT}.includes('salinan halaman')")

    city.signal_back(context)
    page.wait_for_function(f"() => {WAITING} === '0'")
    assert "Terkirim dari ponsel ini" in page.text_content("[data-phone-outbox]")
    assert answers(city, complaint) == [(note, "in_progress")]

    page.goto(f"{city.url}/complaints/{complaint}")
    page.wait_for_function(f"() => {WAITING} === '0'")
    assert note in page.text_content("main")
    assert answers(city, complaint) == [(note, "in_progress")]


def test_an_answer_kept_while_the_complaint_was_closed_is_refused_and_shown(city: City, phone):
    context, page = phone
    complaint = city.complaints[1]
    note = "Sudah kami cek, akan diperbaiki minggu ini."
    write_answer(page, city, complaint, note)
    send_without_signal(page, city, context, "#answer .primary")

    closed_meanwhile(city, complaint)
    city.signal_back(context)

    alert = page.wait_for_selector("[data-phone-outbox] [role=alert]")
    words = alert.text_content()
    assert "Tidak terkirim" in words and "Ditutup" in words and note in words
    assert page.evaluate(WAITING) == "0"
    assert answers(city, complaint) == [("Ditutup: laporan ganda.", "closed")]
    assert city.query(
        "SELECT status, resolution FROM complaint_cases WHERE record_id = :id", id=complaint
    ) == [("closed", "duplicate")]

    page.locator("[data-phone-outbox] [role=alert] button").click()
    page.wait_for_selector("[data-phone-outbox] [role=alert]", state="detached")


def test_a_report_written_without_signal_is_sent_once_with_its_photo(
    city: City, phone, tmp_path: Path
):
    context, page = phone
    title = f"Kerja bakti saluran RW 05 {uuid.uuid4().hex[:6]}"
    photo = tmp_path / "kerja-bakti.jpg"
    photo.write_bytes(jpeg())
    page.goto(f"{city.url}/reports/new")
    page.wait_for_function(f"() => {CONTROLLED}")

    page.select_option("select[name=activity_type]", index=1)
    page.fill("input[name=title]", title)
    page.set_input_files("input[name=files]", str(photo))
    send_without_signal(page, city, context, "form[data-report-form] .primary")
    assert reports_titled(city, title) == []

    city.signal_back(context)
    page.wait_for_function(f"() => {WAITING} === '0'")
    page.reload()
    page.wait_for_function(f"() => {WAITING} === '0'")
    assert reports_titled(city, title) == [(title, 1)]


def closed_meanwhile(city: City, complaint: int) -> None:
    """The operator closes the complaint from their own desk while the phone has no signal."""
    client = city.app.test_client()
    client.post(
        "/login",
        data={"username": "operator", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    closed = client.post(
        f"/complaints/{complaint}/answer",
        data={
            "csrf_token": csrf_token(client, f"/complaints/{complaint}"),
            "status": "closed",
            "resolution": "duplicate",
            "note": "Ditutup: laporan ganda.",
        },
    )
    assert closed.status_code == 302, closed.text


def reports_titled(city: City, title: str) -> list[tuple]:
    return city.query(
        "SELECT r.title, count(a.id) FROM activity_reports r"
        " LEFT JOIN report_attachments a ON a.report_id = r.id"
        " WHERE r.title = :title GROUP BY r.id, r.title",
        title=title,
    )


def jpeg() -> bytes:
    output = BytesIO()
    Image.new("RGB", (320, 240), "teal").save(output, "JPEG")
    return output.getvalue()
