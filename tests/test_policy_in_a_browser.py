"""The Content-Security-Policy breaks no page: in headless Chromium, the portal's pages with
scripts, charts, maps and the wall screens (kiosk included) run with no policy violation."""

from __future__ import annotations

import pytest
from browser import policy_violations, watch_policy
from sqlalchemy import select, text

from hub.live.screens import ensure_defaults
from hub.live.tokens import create_token
from hub.models import Playlist
from hub.simulators import RunningServer
from hub.state import current_hub
from hub.testing import PASSWORD, run_sync

pytestmark = pytest.mark.slow

PAGES = [
    "/live/",
    "/live/admin/",
    "/complaints",
    "/complaints/rankings",
    "/complaints/weekly",
    "/reports",
    "/reports/recap",
    "/sources",
    "/users",
    "/inbox/settings",
]
"""Pages an admin opens, besides a complaint's page and a kiosk's screen."""
WAIT_MS = 15_000


def test_no_page_breaks_the_policy(
    browser, make_app, make_user, sqlite_url, redis_url, serve_simulator, tmp_path
) -> None:
    qlue = serve_simulator("qlue", size=12, seed=7)
    app = make_app(
        sqlite_url,
        only=None,
        redis_url=redis_url,
        sources=(qlue.source("qlue-city"),),
        storage_path=str(tmp_path / "files"),
    )
    run_sync(app, "qlue-city")
    make_user(app, "admin", "admin")
    with current_hub(app).db.session() as session:
        complaint = session.scalar(text("SELECT min(record_id) FROM complaint_cases"))
        ensure_defaults(session, current_hub(app), "id")
        wall = session.scalar(select(Playlist).where(Playlist.name == "wall"))
        token = create_token(session, "test wall", wall, None)

    with RunningServer(app) as server:
        context = browser.new_context()
        watch_policy(context)
        page = context.new_page()
        violations: list[str] = []

        def visit(path: str) -> None:
            response = page.goto(server.url + path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            page.wait_for_load_state("load")
            violations.extend(policy_violations(page))

        visit("/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form .primary")
        for path in [*PAGES, f"/complaints/{complaint}"]:
            visit(path)
        visit(f"/live/k/{token}")
        page.wait_for_selector("body[data-events=open]", timeout=WAIT_MS)
        violations.extend(policy_violations(page))
        context.close()

    assert violations == []
