"""The wall at 1920x1080 in a real browser: a city-wide complaints map shows every city, the flood
map fits its gauges without cutting a dot, a figure with no colour has a look of its own, the
trend chart has a text alternative, and axe-core finds no WCAG A or AA violation.

Headless Chromium driven by Playwright, as in ``test_live_browser.py``. With ``ARTIFACTS`` set,
a screenshot is saved there as ``live-wall.png``.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from sqlalchemy import select

from hub.api import Widget, hookimpl
from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Area, Playlist, Record, Screen, Source
from hub.models.base import utcnow
from hub.simulators import RunningServer
from hub.state import current_hub
from hub.testing import add_records

pytestmark = pytest.mark.slow

WAIT_MS = 15_000
FULL_HD = {"width": 1920, "height": 1080}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SETU = "31.75.10.1005"
GAUGES = [
    # title, status, latitude, longitude: a band along a river, east to west
    ("Pintu Air A", "normal", -6.300, 106.850),
    ("Pintu Air B", "siaga_3", -6.301, 106.890),
    ("Pintu Air C", "siaga_2", -6.299, 106.930),
    ("Pintu Air D", "siaga_1", -6.300, 106.970),
]


def staffing(session, area_code, now):
    return {"value": 42, "caption": "posts filled"}


def complaints_a_day(session, area_code, now):
    return {
        "labels": ["1 Nov", "2 Nov", "3 Nov"],
        "series": [{"label": "Received", "values": [4, 9, 6], "colour": "yellow"}],
    }


class WallPlugin:
    @hookimpl
    def register_widgets(self):
        return [
            Widget("wall.staffing", "Staffing", "kpi", staffing),
            Widget("wall.trend", "Complaints a day", "trend", complaints_a_day),
        ]


def record(source_id: int, number: int, **values) -> Record:
    now = utcnow()
    return Record(
        source_id=source_id,
        external_id=f"wall-{number}",
        created_at=now - timedelta(hours=2),
        updated_at=now - timedelta(hours=1),
        content_hash=f"wall-{number}",
        **values,
    )


@pytest.fixture
def wall_url(make_app, sqlite_url, redis_url):
    """A kiosk address of one screen for everywhere, served on loopback: complaints in Jakarta
    Timur and Manado, flood gauges in a line along a river, a figure with no colour and a
    trend."""
    app = make_app(sqlite_url, plugins={"wall": WallPlugin()}, only=("complaints", "floods"))
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "en")
        manado = session.scalar(
            select(Area.code).where(Area.code.like("71.71.__.____")).order_by(Area.code)
        )
        source = Source(name="wall", type="qlue")
        session.add(source)
        session.flush()
        places = [(SETU, -6.33, 106.90)] * 3 + [(manado, 1.49, 124.84)] * 2
        complaints = [
            record(
                source.id,
                index,
                kind="complaint",
                status="open",
                category="Sampah",
                area_code=area,
                title="Sampah menumpuk",
                latitude=lat,
                longitude=lon,
            )
            for index, (area, lat, lon) in enumerate(places)
        ]
        gauges = [
            record(
                source.id,
                100 + index,
                kind="flood_gauge",
                status=status,
                area_code=SETU,
                title=title,
                latitude=lat,
                longitude=lon,
                attributes={
                    "level_cm": 120,
                    "river": "Ciliwung",
                    "thresholds_cm": {"siaga_3": 100, "siaga_2": 150, "siaga_1": 200},
                },
            )
            for index, (title, status, lat, lon) in enumerate(GAUGES)
        ]
        add_records(app, session, [*complaints, *gauges])
        widgets = ["complaints.map", "floods.gauges", "wall.staffing", "wall.trend"]
        session.add(Screen(name="everywhere", title="Everywhere", widgets=widgets, columns=3))
        playlist = Playlist(name="everywhere", title="Everywhere", screens=["everywhere"])
        session.add(playlist)
        session.flush()
        token = create_token(session, "wall", playlist, None)
    with RunningServer(app) as server:
        yield f"{server.url}/live/k/{token}?lang=en"


MAP_FIT = """(tile) => [...document.querySelectorAll(`[data-widget="${tile}"] svg.map`)].map(
  (map) => {
    const [, , width, height] = map.getAttribute("viewBox").split(" ").map(Number);
    const dots = [...map.querySelectorAll("circle")].map((c) => ["cx", "cy", "r"].map(
      (name) => Number(c.getAttribute(name))));
    const low = (axis) => Math.min(...dots.map((dot) => dot[axis] - dot[2]));
    const high = (axis) => Math.max(...dots.map((dot) => dot[axis] + dot[2]));
    const body = map.closest(".tile-body").getBoundingClientRect();
    return {
      title: map.getAttribute("aria-label"),
      dots: dots.length,
      inside: low(0) >= 0 && low(1) >= 0 && high(0) <= width && high(1) <= height,
      spread: Math.max((high(0) - low(0)) / width, (high(1) - low(1)) / height),
      share: map.getBoundingClientRect().height / body.height,
    };
  })"""
"""Each map of a tile: its label, its dots, whether all lie wholly inside it, how much of its
width or height they span, and how much of the tile's height it takes."""


def looks(page, widget: str) -> tuple[str, str, str]:
    """A tile's freshness, the filter on its body and the colour of its first figure."""
    tile = page.locator(f'[data-widget="{widget}"]')
    freshness = re.search(r"freshness-(\w+)", tile.get_attribute("class")).group(1)
    body = tile.locator(".tile-body").evaluate("(node) => getComputedStyle(node).filter")
    figure = tile.locator(".tile-body p, .tile-body li").first
    return freshness, body, figure.evaluate("(node) => getComputedStyle(node).color")


def test_the_wall_shows_every_city_fits_its_maps_and_reads_out_its_charts(browser, wall_url):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=FULL_HD)
    page.goto(wall_url)
    expect(page.locator('[data-widget="complaints.map"] svg.map').first).to_be_visible(
        timeout=WAIT_MS
    )

    cities = page.evaluate(MAP_FIT, "complaints.map")
    assert [(re.sub(r":.*", "", city["title"]), city["dots"]) for city in cities] == [
        ("Kota Administrasi Jakarta Timur", 1),
        ("Kota Manado", 1),
    ]
    (floods,) = page.evaluate(MAP_FIT, "floods.gauges")
    assert floods["dots"] == len(GAUGES) and floods["inside"], floods
    assert floods["spread"] > 0.9 and floods["share"] > 0.6, floods

    assert looks(page, "wall.staffing") == ("live", "none", "rgb(233, 238, 243)")
    assert looks(page, "floods.gauges")[:2] == ("unknown", "grayscale(1)")

    trend = page.locator('[data-widget="wall.trend"] svg').get_attribute("aria-label")
    assert trend == "Complaints a day. From 1 Nov to 3 Nov. Received went from 4 to 6, highest 9"

    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("(o) => axe.run(o).then((r) => r.violations)", AXE_OPTIONS)
    assert not violations, AxeResults({"violations": violations}).generate_report()
    if os.environ.get("ARTIFACTS"):
        page.screenshot(path=str(Path(os.environ["ARTIFACTS"]) / "live-wall.png"))
    page.close()
