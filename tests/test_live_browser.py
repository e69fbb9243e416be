"""The wall in a real browser: a kiosk screen shows a new complaint without reloading, from the
data its event stream brings (it reads no data again).

Headless Chromium driven by Playwright (``python3 dev.py test`` installs both). Outside CI the test
is skipped, with the reason, when either is missing; with CI=true it fails instead. With
``ARTIFACTS`` set, a screenshot of the wall is saved there as ``live-screen.png``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist
from hub.simulators import RunningServer
from hub.state import current_hub
from hub.testing import run_sync

WAIT_MS = 15_000


@pytest.mark.slow
def test_a_kiosk_screen_shows_a_new_complaint_from_its_event_stream(
    browser, make_app, sqlite_url, redis_url, serve_simulator
):
    from playwright.sync_api import expect

    qlue = serve_simulator("qlue", size=12, seed=7)
    app = make_app(sqlite_url, only=None, sources=(qlue.source("qlue-city"),))
    app.config["LIVE_HEARTBEAT_SECONDS"] = 1.0
    run_sync(app, "qlue-city")
    with current_hub(app).db.session() as session:
        ensure_defaults(session, current_hub(app), "id")
        playlist = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        playlist.screens = ["complaints"]
        token = create_token(session, "test wall", playlist, None)

    with RunningServer(app) as server:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{server.url}/live/k/{token}")
        backlog = page.locator('[data-widget="complaints.backlog"] .kpi-value')
        expect(backlog).to_have_text(re.compile(r"^\d+$"), timeout=WAIT_MS)
        expect(page.locator("body")).to_have_attribute("data-events", "open", timeout=WAIT_MS)
        waiting = int(backlog.inner_text())
        page.evaluate("window.sameDocument = true")
        reads: list[str] = []
        page.on(
            "request", lambda request: reads.append(request.url) if "/data" in request.url else None
        )

        created = qlue.control("/_sim/tick", {"new": 1})["created"][0]
        title = qlue.control(f"/_sim/reports/{created}")["title"]
        assert run_sync(app, "qlue-city").created == 1

        newest = page.locator('[data-widget="complaints.latest"] .item-title').first
        expect(newest).to_have_text(title, timeout=WAIT_MS)
        expect(backlog).to_have_text(str(waiting + 1), timeout=WAIT_MS)
        assert page.evaluate("window.sameDocument") is True
        assert reads == []
        if os.environ.get("ARTIFACTS"):
            page.screenshot(path=str(Path(os.environ["ARTIFACTS"]) / "live-screen.png"))
        page.close()
