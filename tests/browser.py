"""Headless Chromium for the browser tests, driven by Playwright (``python3 dev.py test``
installs both): outside CI a test is skipped, with the reason, when either is missing; with
CI=true it fails instead."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    """The Chromium executable; skips (fails in CI) when it or Playwright is missing."""
    chromium = shutil.which("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium_missing = "the Python package playwright is not installed"
    else:
        chromium_missing = "" if chromium else "no chromium executable on PATH"
    if chromium_missing:
        message = f"{chromium_missing}: run python3 dev.py test, or apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI needs it)", pytrace=False)
        pytest.skip(message)
    return chromium


POLICY_WATCH = """window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.policyViolations.push(
  `${event.violatedDirective} refused ${event.blockedURI || "inline"} on ${event.documentURI}` +
  ` (${event.sourceFile || "the page"}:${event.lineNumber}) ${event.sample}`));"""
"""An init script keeping every Content-Security-Policy violation of a page in
``window.policyViolations``."""


def watch_policy(context) -> None:
    """Keep the policy violations of every page of a Playwright ``context``: read them with
    :func:`policy_violations` before the page leaves."""
    context.add_init_script(POLICY_WATCH)


def policy_violations(page) -> list[str]:
    return page.evaluate("window.policyViolations || []")
