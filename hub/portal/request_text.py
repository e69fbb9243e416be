"""Refusing a request that holds text the database cannot store.

A NUL (U+0000) in an address, a query or a form field would reach the database and fail there
(PostgreSQL refuses it) as a server error. It is refused first with a 400 that says why, shown
as each page or API shows its errors. The address and the query are checked before any view
runs; the body (form fields, the names of uploaded files, JSON) when it is first read, which
the CSRF check does before the view for every form of the portal, and which leaves the size
limit a page sets for its own uploads in force.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, request
from flask_babel import gettext
from werkzeug.exceptions import BadRequest

from hub.storable import is_storable

CODE = "unstorable_text"


class UnstorableText(BadRequest):
    """A request holding a character the database cannot store, in ``field`` if it is known."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(
            gettext(
                "The request holds a character that cannot be stored (such as a NUL, U+0000). "
                "Remove it and send again."
            )
        )
        self.field = field


class CheckedRequest(Request):
    """A request whose body is refused when it holds text the database cannot store."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        _refuse(self.form.items(multi=True))
        _refuse((name, upload.filename or "") for name, upload in self.files.items(multi=True))

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        body = super().get_json(force=force, silent=silent, cache=cache)
        if not is_storable(body):
            raise UnstorableText()
        return body


def init_request_text(app: Flask) -> None:
    """Check every request of ``app``: its address and query first, its body when read."""
    app.request_class = CheckedRequest
    app.before_request(refuse_unstorable_address)


def refuse_unstorable_address() -> None:
    if not is_storable(request.path):
        raise UnstorableText()
    _refuse(request.args.items(multi=True))


def _refuse(fields: Any) -> None:
    """Raise :class:`UnstorableText` for the first ``(name, value)`` that cannot be stored."""
    for name, value in fields:
        if not (is_storable(name) and is_storable(value)):
            raise UnstorableText(name if is_storable(name) else None)
