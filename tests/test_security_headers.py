"""Every response tells the browser to run only the hub's own scripts and style sheets, never to
show the portal inside another site's frame, not to guess content types, and to send the page's
address only to the hub itself; and no template needs more than that policy allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint, Flask, render_template_string

from hub.api import hookimpl

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(
    path
    for folder in ("hub", "features", "plugins")
    for path in (ROOT / folder).rglob("*.html")
    if "templates" in path.parts
)
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy of ``response``, directive by directive."""
    directives = [part.split() for part in response.headers["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives}


class NoncePlugin:
    """A plugin whose page has a style element of its own, as the policy lets it have one."""

    @hookimpl
    def register_blueprints(self) -> list[Blueprint]:
        blueprint = Blueprint("styled", __name__)

        @blueprint.get("/styled")
        def styled() -> str:
            return render_template_string(
                '<style nonce="{{ csp_nonce() }}">p { color: red; }</style>'
                '<style nonce="{{ csp_nonce() }}">b { color: blue; }</style>'
            )

        return [blueprint]


@pytest.fixture
def app(make_app, sqlite_url: str) -> Flask:
    return make_app(sqlite_url, plugins={"styled": NoncePlugin()})


@pytest.mark.parametrize(
    "path", ["/login", "/sources", "/static/simpul.css", "/no-such-page", "/styled"]
)
def test_every_response_carries_the_security_headers(app: Flask, path: str) -> None:
    response = app.test_client().get(path)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"][0] == "'self'"
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_no_inline_script_or_style_element_is_allowed_without_a_nonce(app: Flask) -> None:
    directives = policy(app.test_client().get("/login"))

    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert not NONCE.search(" ".join(directives["style-src"] + directives["script-src"]))


def test_a_page_gets_a_fresh_nonce_for_its_own_style_elements(app: Flask) -> None:
    client = app.test_client()

    first, second = client.get("/styled"), client.get("/styled")

    nonces = []
    for response in (first, second):
        (nonce,) = NONCE.findall(" ".join(policy(response)["style-src"]))
        assert response.text.count(f'nonce="{nonce}"') == 2
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_needs_more_than_the_policy_allows(template: Path) -> None:
    """No inline script, no style element without the page's nonce, no event handler attribute
    and no javascript: address (a script of data, type application/json or application/ld+json,
    is not run)."""
    text = template.read_text()

    scripts = re.findall(r"<script\b[^>]*>", text)
    data = ("application/json", "application/ld+json")
    assert [s for s in scripts if "src=" not in s and not any(t in s for t in data)] == []
    styles = re.findall(r"<style\b[^>]*>", text)
    assert [s for s in styles if 'nonce="{{ csp_nonce() }}"' not in s] == []
    assert re.findall(r"\son[a-z]+\s*=", text) == []
    assert "javascript:" not in text.lower()
