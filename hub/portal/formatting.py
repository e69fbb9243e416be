"""Template filters: times in the city's zone, JSON, payload excerpts and safe links."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_time, get_timezone, gettext

PAYLOAD_EXCERPT = 2000
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
"""Indonesia's three time zones as people write them."""


def init_formatting(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(pretty_json)
    app.add_template_filter(excerpt)
    app.add_template_filter(web_url)
    app.add_template_global(timezone_name)


def when(value: datetime | None, empty: str = "—") -> str:
    """A date and time in the portal's time zone, in the reader's language."""
    if value is None:
        return empty
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def timezone_name() -> str:
    """The page's time zone, spelled out with its abbreviation (“Waktu Indonesia Tengah (WITA)”)."""
    name = format_datetime(format="zzzz")
    short = ZONE_ABBREVIATIONS.get(str(get_timezone()))
    return f"{name} ({short})" if short else name


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def web_url(value: Any) -> str:
    """``value`` if it is an http(s) address, else empty: never a ``javascript:`` link."""
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else ""


def excerpt(value: str | None, limit: int = PAYLOAD_EXCERPT) -> str:
    if not value:
        return ""
    if len(value) <= limit:
        return value
    return value[:limit] + "\n" + gettext("… (%(count)d more characters)", count=len(value) - limit)
