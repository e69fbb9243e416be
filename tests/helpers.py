"""Helpers shared by the hub's tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

PASSWORD = "correct horse"
PASSWORD_HASH = generate_password_hash(PASSWORD)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
