"""Error pages in the portal's style."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def error_page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[400])
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    return render_template("error.html", code=code, title=title, message=message), code
