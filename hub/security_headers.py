"""Security headers on every response of the portal.

The Content-Security-Policy lets a page run only the hub's own scripts and style sheets (its
static files and the plugins'), show images only from the hub (photos are copied and served by
it) or ``data:`` addresses, post forms only to the hub, and be shown in no frame at all: the
wall screens and kiosks open the portal's own pages, never another site's frame. Style
attributes are allowed (``style-src-attr``): pages draw bars whose widths are computed per row,
and an attribute can load nothing, as every fetch stays under the policy. A template that needs
an inline ``<style>`` or ``<script>`` element gives it ``nonce="{{ csp_nonce() }}"``; the nonce
is new for each response and only a response that used it names it.

``X-Frame-Options`` repeats ``frame-ancestors`` for older browsers; ``Referrer-Policy:
same-origin`` keeps the token links (kiosks, set-password links) from leaking to other sites
while the form checks over HTTPS still see the referrer of the hub's own pages. A view that
sets one of these headers itself keeps its own.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NONCE_DIRECTIVES = ("script-src", "style-src")


def init_security_headers(app: Flask) -> None:
    """Send the security headers with every response of ``app``; give templates ``csp_nonce``."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)


def csp_nonce() -> str:
    """The current response's nonce for inline ``<script>`` and ``<style>`` elements."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str | None = None) -> str:
    """The policy, allowing the inline elements that carry ``nonce`` if one is given."""
    directives = dict(POLICY)
    if nonce is not None:
        for name in NONCE_DIRECTIVES:
            directives[name] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _add_headers(response: Response) -> Response:
    policy = content_security_policy(g.get("csp_nonce"))
    response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
