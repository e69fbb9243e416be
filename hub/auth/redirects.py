"""Where sign-in may send a user back to: a path on this site, never another site.

Browsers are lenient with what a ``Location`` says: they drop tabs and line breaks, read a
backslash as a slash and ``//host`` (or ``///host``) as another host. So a target is taken only
if it holds none of those characters, if its path still starts with a single slash however many
times it is percent-decoded (as a chain of proxies and apps might), and if a browser would
resolve it, from any page of the site, to a page of the same site.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

SITE = "http://site.invalid/"
"""Any absolute address of the site, to resolve a target against as a browser would."""
UNSAFE = re.compile(r"[^\x21-\x7e]|\\")
"""Anything but printable ASCII (control characters, spaces, letters a browser may map to
others), and backslashes: what a browser may drop or read as a slash."""


def local_path(target: str) -> str | None:
    """``target`` if it is a path on this site (``/sources?state=down``), else None."""
    if UNSAFE.search(target) or _fully_unquoted(target).startswith("//"):
        return None
    path = _fully_unquoted(urlsplit(target).path)
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    resolved, site = urlsplit(urljoin(SITE, target)), urlsplit(SITE)
    if (resolved.scheme, resolved.netloc) != (site.scheme, site.netloc):
        return None
    return target


def _fully_unquoted(text: str) -> str:
    """``text`` percent-decoded until nothing changes, as a chain of decoders could leave it."""
    while (decoded := unquote(text)) != text:
        text = decoded
    return text
