"""The portal's daily pages on a cheap phone (360 x 740) and on a laptop (1366 x 768).

A real hub is served on loopback with the installed features and plugins and a synced Qlue
simulator (and, for the operator and the admin, the other plugins' simulators); each kind of user
signs in through the form, in headless Chromium, and goes through the pages of their day. On
every page, at both sizes, with its folded sections closed and then all open:

- the page never scrolls sideways (tables scroll inside their own box);
- every main action (``.primary``) and the language switch are at least 44 x 44 px;
- axe-core finds no WCAG 2.0/2.1 A or AA violation.

Some pages promise more on a phone: the complaint list shows the first complaint on the first
screen, each with its status named and coloured; the complaint page shows the citizen's photo
across the screen and keeps the answer's send button in the lower half of it; the menu opens
without JavaScript and reaches the sign-out (and on a laptop, the admin's longest menu fits on
one line). With ``ARTIFACTS`` set, a full-page screenshot of each user's main pages at phone
size is saved under ``$ARTIFACTS/phone`` and its folder is printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from flask import Flask
from PIL import Image
from rq import SimpleWorker
from sqlalchemy import text

from hub.simulators import RunningServer
from hub.state import current_hub
from hub.sync import jobs
from hub.sync.scheduler import tick
from hub.testing import PASSWORD, csrf_token, run_sync

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
SIZES = (("phone", PHONE), ("laptop", LAPTOP))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
AXE_RUN = "(options) => axe.run(options).then((results) => results.violations)"
"""Only the violations come back: the passing nodes are many, and costly to send."""
TAP = 44
UNFINISHED = """
    SELECT record_id, area_code, agency_code FROM complaint_cases
    WHERE status NOT IN ('resolved', 'closed')
      AND area_code IS NOT NULL AND agency_code IS NOT NULL
    ORDER BY record_id
"""
"""The first complaint still to be handled that has both a kelurahan and an agency: the one the
ward staff, the camat and the agency officer all answer."""

WIDE_ELEMENTS = """() => {
  const width = window.innerWidth;
  const out = (element) => element.getBoundingClientRect().right > width + 0.5;
  return [...document.body.querySelectorAll("*")]
    .filter((element) => out(element) && !(element.parentElement && out(element.parentElement)))
    .slice(0, 5)
    .map((element) => element.outerHTML.slice(0, 160));
}"""
"""The outermost elements reaching past the right edge of the screen."""
SMALL_TARGETS = """(tap) => [...document.querySelectorAll(".primary, .language")]
  .filter((element) => element.getClientRects().length > 0)
  .map((element) => [element.getBoundingClientRect(), element.outerHTML.slice(0, 120)])
  .filter(([box]) => box.width < tap - 0.01 || box.height < tap - 0.01)
  .map(([box, html]) => `${Math.round(box.width)}x${Math.round(box.height)} ${html}`)"""
"""The visible main actions smaller than a thumb."""
COUNT_TARGETS = """() => [...document.querySelectorAll(".primary")]
  .filter((element) => element.getClientRects().length > 0).length"""
FOLDS = "[...document.querySelectorAll('details')].map((details) => details.open)"
SET_FOLDS = """(states) => document.querySelectorAll("details").forEach((details, index) => {
  details.open = states === null ? true : states[index];
})"""


@dataclass
class City:
    """The served hub, and the complaint its officials answer."""

    app: Flask
    url: str
    complaint: int
    village: str
    district: str
    agency: str


@pytest.fixture(scope="module")
def artifacts(request) -> Iterator[Path | None]:
    """The folder of the screenshots, ``$ARTIFACTS/phone``; None, and none taken, without it."""
    if not os.environ.get("ARTIFACTS"):
        yield None
        return
    folder = Path(os.environ["ARTIFACTS"]) / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nphone screenshots: {folder}")


PLUGIN_DATA = "plugin data"
"""The parameter of ``city`` (indirect) that adds the plugins' sources."""


def plugin_sources(serve_simulator) -> list:
    """Sources of the jobs, finance and staffing plugins, each reading its simulator: small, as
    axe takes longer the more a page shows, and the staff's provisioning no account, as each
    account's password hash takes time."""
    return [
        serve_simulator("jobs", size=20).source("pencaker"),
        serve_simulator("finance", size=10).source("finance"),
        serve_simulator("hr", size=10).source("staff", provision_positions=[]),
        serve_simulator("hr-attendance", size=10).source("attendance", history_days=7),
    ]


@pytest.fixture
def city(
    request, make_app, sqlite_url, redis_url, serve_simulator, make_user, tmp_path
) -> Iterator[City]:
    """The hub with every installed feature and plugin, Qlue synced (photos copied by a worker,
    as in production), a second Qlue source that cannot be reached, and one user of each kind.
    With ``PLUGIN_DATA`` as its parameter, the other plugins' sources too, synced by the worker."""
    qlue = serve_simulator("qlue", size=60, seed=7)
    unreachable = qlue.source("qlue-tangerang", url="http://127.0.0.1:9")
    wanted = getattr(request, "param", None) == PLUGIN_DATA
    plugins = plugin_sources(serve_simulator) if wanted else []
    app = make_app(
        sqlite_url,
        only=None,
        redis_url=redis_url,
        sources=(qlue.source("qlue-city"), unreachable, *plugins),
        storage_path=str(tmp_path / "files"),
    )
    run_sync(app, "qlue-city")
    hub = current_hub(app)
    tick(hub)
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)
    with hub.db.read_session() as session:
        complaint, village, agency = session.execute(text(UNFINISHED)).first()
    district = village.rsplit(".", 1)[0]
    make_user(app, "admin", "admin", full_name="Admin Simpul")
    make_user(app, "operator", "operator", full_name="Operator Ruang Kendali")
    make_user(app, "lurah", "ward_staff", village, full_name="Staf Kelurahan")
    make_user(app, "camat", "officer", district, full_name="Camat")
    make_user(app, "dinas", "officer", agency_code=agency, full_name="Petugas Dinas")
    with RunningServer(app) as server:
        yield City(app, server.url, complaint, village, district, agency)


class Visit:
    """One user's pages in one browser tab, and what was wrong with them."""

    def __init__(
        self, browser, city: City, artifacts: Path | None, *, javascript: bool = True
    ) -> None:
        self.city, self.artifacts = city, artifacts
        self.context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.problems: list[str] = []

    def close(self) -> None:
        self.context.close()

    def go(self, path: str, name: str | None = None) -> None:
        response = self.page.goto(self.city.url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        self.check(name or path)

    def sign_in(self, username: str) -> None:
        self.page.set_viewport_size(PHONE)
        self.page.goto(f"{self.city.url}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form .primary")
        assert "/login" not in self.page.url, f"{username} could not sign in"

    def check(self, name: str) -> None:
        """Check the page at both sizes, folded and unfolded; the phone size stays set."""
        page, folds = self.page, self.page.evaluate(FOLDS)
        assert page.evaluate(COUNT_TARGETS) > 0, f"{name}: no main action marked .primary"
        for size, viewport in SIZES:
            if page.viewport_size != viewport:
                page.set_viewport_size(viewport)
            for state in ("folded", "unfolded"):
                page.evaluate(SET_FOLDS, folds if state == "folded" else None)
                self._layout(f"{name} ({size}, {state})")
            violations = self._axe()
            if violations:
                report = AxeResults({"violations": violations}).generate_report()
                self.problems.append(f"{name} ({size}): {report}")
        page.evaluate(SET_FOLDS, folds)
        page.set_viewport_size(PHONE)

    def _axe(self) -> list[dict]:
        """axe-core's WCAG 2.0/2.1 A and AA violations on the page, axe injected once per
        page load."""
        if self.page.evaluate("typeof axe") == "undefined":
            self.page.evaluate(AXE_SCRIPT)
        return self.page.evaluate(AXE_RUN, AXE_OPTIONS)

    def _layout(self, where: str) -> None:
        page = self.page
        scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > width:
            wide = "\n    ".join(page.evaluate(WIDE_ELEMENTS))
            self.problems.append(f"{where}: {scroll} px wide on a {width} px screen:\n    {wide}")
        small = page.evaluate(SMALL_TARGETS, TAP)
        if small:
            self.problems.append(f"{where}: main actions under {TAP} px: {small}")

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)

    def box(self, selector: str) -> dict | None:
        return self.page.locator(selector).first.bounding_box()

    def screenshot(self, name: str) -> None:
        """A full-page picture at phone size, in a viewport as tall as the page (so what sticks
        to the bottom of the screen is drawn where it is in the page), when ``ARTIFACTS`` asks."""
        if self.artifacts is None:
            return
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size({"width": PHONE["width"], "height": height})
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"))
        self.page.set_viewport_size(PHONE)

    def assert_fine(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)

    # Checks of particular pages, at phone size

    def complaints_come_first(self) -> None:
        page = self.page
        cards = page.locator("ul.cards > li.card")
        self.expect(cards.count() > 0, "the complaint list shows no complaint")
        top = page.evaluate(
            "document.querySelector('ul.cards > li.card').getBoundingClientRect().top + scrollY"
        )
        self.expect(top < PHONE["height"] / 2, f"the first complaint starts {top:.0f} px down")
        for index in range(min(cards.count(), 10)):
            card = cards.nth(index)
            colour = re.search(r"status-(red|yellow|green|grey)", card.get_attribute("class"))
            label = card.locator(".badge").first.inner_text().strip()
            self.expect(bool(colour and label), f"complaint card {index} has no status colour+text")

    def photo_is_large(self) -> None:
        photo = self.box("img.photo")
        self.expect(
            photo is not None and photo["width"] >= 0.8 * PHONE["width"],
            f"the citizen's photo is not across the screen: {photo}",
        )

    def answer_button_in_reach(self) -> None:
        page = self.page
        page.evaluate("document.querySelector('#answer h2').scrollIntoView({block: 'start'})")
        button = self.box("#answer .primary")
        height = PHONE["height"]
        self.expect(
            button is not None
            and height / 2 <= button["y"]
            and button["y"] + button["height"] <= height
            and button["width"] >= 0.75 * PHONE["width"],
            f"the answer's send button is out of the thumb's reach: {button}",
        )
        page.evaluate("scrollTo(0, 0)")

    def answer_with_a_photo(self, note: str) -> None:
        page = self.page
        page.fill("#answer textarea[name=note]", note)
        page.set_input_files(
            "#answer input[type=file]",
            {"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1600, 1200)},
        )
        with page.expect_navigation():
            page.click("#answer .primary")
        self.expect(note in page.content(), "the answer did not appear in the history")

    def answer_photos_fit(self) -> None:
        fits = self.page.evaluate("""() => [...document.querySelectorAll(".history img")]
          .map((image) => [image.getBoundingClientRect(), image.closest(".panel")
            .getBoundingClientRect()])
          .every(([image, card]) => image.left >= card.left && image.right <= card.right)""")
        self.expect(self.page.locator(".history img").count() > 0, "no answer photo shown")
        self.expect(fits, "an answer's photo spills out of its card")

    def menu_reaches_sign_out(self) -> None:
        page = self.page
        page.click(".menu-box > summary")
        links = page.locator("nav.menu a")
        self.expect(links.count() > 0 and links.first.is_visible(), "the menu did not open")
        self.expect(page.locator(".account .primary").is_visible(), "sign-out is not reachable")
        self._layout("the open menu (phone)")
        page.click(".menu-box > summary")

    def menu_on_one_line(self) -> None:
        """On a laptop the menu stays open beside the account, its entries on one line."""
        page = self.page
        page.set_viewport_size(LAPTOP)
        tops = page.evaluate(
            "[...document.querySelectorAll('nav.menu a')].map((link) => link.offsetTop)"
        )
        self.expect(len(set(tops)) == 1, f"the menu takes {len(set(tops))} lines on a laptop")
        page.set_viewport_size(PHONE)


def jpeg(width: int, height: int) -> bytes:
    output = BytesIO()
    Image.new("RGB", (width, height), "orange").save(output, "JPEG")
    return output.getvalue()


def submit_report(city: City, username: str, title: str) -> None:
    """Send an activity report through the form without JavaScript, as ``username``."""
    client = city.app.test_client()
    client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    form = client.get("/reports/new").text
    fields = dict(re.findall(r'name="(csrf_token|client_id|date)" value="([^"]+)"', form))
    activity = re.search(r'name="activity_type".*?<option >([^<]+)</option>', form, re.S)[1]
    sent = client.post(
        "/reports/new",
        data={**fields, "activity_type": activity, "title": title, "participants": "12"},
    )
    assert sent.status_code == 302, sent.text


@pytest.fixture
def visit(browser, city, artifacts):
    visits: list[Visit] = []

    def open_tab(**options) -> Visit:
        visits.append(Visit(browser, city, artifacts, **options))
        return visits[-1]

    yield open_tab
    for each in visits:
        each.close()


def test_ward_staff_answer_and_report_from_a_phone(city: City, visit) -> None:
    tab = visit()
    tab.go("/login", "sign-in page")
    tab.sign_in("lurah")
    tab.check("complaint list")
    tab.complaints_come_first()
    tab.screenshot("ward-staff-complaints")

    tab.go(f"/complaints/{city.complaint}", "complaint page")
    tab.photo_is_large()
    tab.answer_button_in_reach()
    tab.screenshot("ward-staff-complaint")
    tab.answer_with_a_photo("Sampah sudah diangkut petugas kebersihan pagi ini.")
    tab.check("complaint page with an answer")
    tab.answer_photos_fit()

    tab.go("/reports", "activity reports")
    tab.go("/reports/new", "new activity report")
    tab.page.select_option("select[name=activity_type]", index=1)
    tab.page.fill("input[name=title]", "Kerja bakti saluran air RW 03")
    tab.page.click("form[data-report-form] .primary")
    tab.page.wait_for_url(re.compile(r"/reports/\d+$"))
    tab.check("activity report")
    tab.go("/reports/recap", "recap")
    tab.go("/inbox", "inbox")
    tab.go("/inbox/settings", "how I am told")
    tab.screenshot("ward-staff-how-i-am-told")
    tab.go("/-/kept", "kept on the phone")
    tab.go("/-/offline", "no signal")
    tab.menu_reaches_sign_out()
    tab.assert_fine()


def test_the_camat_reviews_and_answers_from_a_phone(city: City, visit) -> None:
    submit_report(city, "lurah", "Posyandu balita bulan ini")
    tab = visit()
    tab.sign_in("camat")
    tab.check("complaint list")
    tab.complaints_come_first()
    tab.screenshot("camat-complaints")
    tab.go(f"/complaints/{city.complaint}", "complaint page")
    tab.answer_button_in_reach()
    tab.go("/reports/review", "review queue")
    tab.screenshot("camat-review-queue")
    with tab.page.expect_navigation():
        tab.page.click("ul.cards .title")
    tab.check("activity report with the review form")
    tab.go("/complaints/rankings", "rankings")
    tab.go("/complaints/weekly", "weekly report")
    tab.go("/reports/recap?by=kelurahan", "recap per kelurahan")
    tab.assert_fine()


def test_an_agency_officer_works_the_queue_and_the_menu_needs_no_javascript(
    city: City, visit
) -> None:
    from playwright.sync_api import expect

    tab = visit()
    tab.sign_in("dinas")
    tab.check("complaint list")
    tab.complaints_come_first()
    tab.screenshot("agency-officer-complaints")
    tab.go(f"/complaints/{city.complaint}", "complaint page")
    tab.photo_is_large()
    tab.go("/complaints/rankings?by=agency", "rankings by agency")
    tab.go("/complaints/weekly", "weekly report")
    tab.screenshot("agency-officer-weekly")
    tab.assert_fine()

    bare = visit(javascript=False)
    bare.sign_in("dinas")
    page = bare.page
    menu, sign_out = page.locator("nav.menu a").first, page.locator(".account .primary")
    expect(menu).to_be_hidden()
    page.click(".menu-box > summary")
    expect(menu).to_be_visible()
    expect(page.locator(".language")).to_be_visible()
    page.set_viewport_size(LAPTOP)
    page.reload()
    expect(menu).to_be_visible()
    expect(sign_out).to_be_visible()
    page.set_viewport_size(PHONE)
    page.click(".menu-box > summary")
    sign_out.click()
    expect(page.locator("input[name=username]")).to_be_visible()


@pytest.mark.parametrize("city", [PLUGIN_DATA], indirect=True)
def test_the_operator_and_the_admin_watch_the_city(city: City, visit) -> None:
    operator = visit()
    operator.sign_in("operator")
    operator.check("complaint list")
    operator.screenshot("operator-complaints")
    operator.go(f"/complaints/{city.complaint}", "complaint page (operator)")
    operator.go("/complaints/weekly", "weekly report (operator)")
    operator.screenshot("operator-weekly")
    operator.go("/reports", "activity reports (operator)")
    operator.go("/jobs/", "job seekers and vacancies")
    operator.screenshot("operator-jobs")
    operator.go("/jobs/vacancies", "open vacancies")
    operator.go("/finance/", "budget realization")
    operator.screenshot("operator-finance")
    operator.go("/finance/import", "a finance file to import")
    operator.go("/hr/", "staffing figures")
    operator.screenshot("operator-staffing")
    operator.go("/sources", "data sources")
    operator.screenshot("operator-sources")
    operator.go("/sources/qlue-tangerang", "a source that is down")
    operator.assert_fine()

    admin = visit()
    admin.sign_in("admin")
    admin.menu_on_one_line()
    admin.go("/complaints?lang=en", "complaint list in English")
    admin.expect(admin.page.locator("html").get_attribute("lang") == "en", "no English")
    admin.menu_reaches_sign_out()
    admin.go("/sources/qlue-city", "a source's runs (admin)")
    admin.go("/live/", "live room settings")
    admin.go("/complaints/rankings?by=kelurahan", "rankings per kelurahan")
    admin.screenshot("admin-rankings")
    admin.go("/users", "user administration")
    admin.screenshot("admin-users")
    admin.go("/users/new", "a new user")
    admin.go("/users/import", "users from a CSV")
    admin.go("/inbox/defaults", "how people are told until they choose")
    admin.screenshot("admin-notification-defaults")
    admin.go("/jobs/seekers", "job seekers (admin)")
    with admin.page.expect_navigation():
        admin.page.click("ul.cards .title")
    admin.check("a job seeker and the vacancies that fit")
    admin.go("/hr/staff", "staff list with names (admin)")
    admin.screenshot("admin-staff-list")
    missing = admin.page.goto(f"{city.url}/complaints/999999")
    admin.expect(missing is not None and missing.status == 404, "no 404 for a missing complaint")
    admin.check("error page")
    admin.assert_fine()
