"""Error pages in the portal's style."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from hub.portal.replies import wants_json
from hub.portal.request_text import CODE as UNSTORABLE_CODE
from hub.portal.request_text import UnstorableText
from hub.problems import Problem

ERROR_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("This page does not exist, or it is outside your area.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
}
CSRF_MESSAGE = _l(
    "The form has expired or was not sent from this site. Reload the page and try again."
)


def init_errors(app: Flask) -> None:
    for code in ERROR_MESSAGES:
        app.register_error_handler(code, error_page)
    app.register_error_handler(CSRFError, error_page)


def error_page(error: HTTPException) -> tuple[str | Response, int]:
    code = error.code or 500
    if isinstance(error, UnstorableText):
        return unstorable_text(error)
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[400])
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    return render_template("error.html", code=code, title=title, message=message), code


def unstorable_text(error: UnstorableText) -> tuple[str | Response, int]:
    """The refusal as a page; as JSON to a caller that asks for it (a form sent from a phone's
    queue, which then keeps it as refused) and at the address of a JSON API."""
    problem = Problem(UNSTORABLE_CODE, error.description, error.field, error.code)
    if wants_json() or "/api/" in request.path or request.path.endswith(".json"):
        return jsonify(problem.as_json()), problem.status
    title = ERROR_MESSAGES[400][0]
    page = render_template("error.html", code=problem.status, title=title, message=problem.message)
    return page, problem.status
