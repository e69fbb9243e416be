"""Language and time zone: Bahasa Indonesia by default, English on request, city time."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from hub.config import LANGUAGES

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def init_i18n(app: Flask) -> None:
    """Set up Flask-Babel; ``?lang=en`` or ``?lang=id`` switches and is remembered."""
    Babel(app, locale_selector=select_locale)
    app.before_request(remember_language)
    app.context_processor(lambda: {"language_links": language_links, "language": language})


def remember_language() -> None:
    language = request.args.get("lang")
    if language in LANGUAGES:
        session["lang"] = language


def select_locale() -> str | None:
    for language in (request.args.get("lang"), session.get("lang")):
        if language in LANGUAGES:
            return language
    return None


def language() -> str:
    """The language of the current page (``"id"`` or ``"en"``)."""
    return str(get_locale())


def language_links() -> list[tuple[str, str, str]]:
    """``(code, name, url)`` for every language but the current one, on the current page."""
    current = language()
    args = request.args.to_dict()
    return [
        (code, LANGUAGE_NAMES[code], f"{request.path}?{urlencode({**args, 'lang': code})}")
        for code in LANGUAGES
        if code != current
    ]
