"""Reading the administrators' forms for screens, playlists and screen tokens.

Each reader returns the values and, by field, what is wrong with them; nothing is saved unless
there is nothing wrong. A screen may name widgets that no installed plugin provides (they are
shown as placeholders until the plugin is installed); a playlist must name existing screens.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from hub.widgets import MAX_COLUMNS
from hub.widgets import NAME as WIDGET_NAME
from hub.widgets import SCREEN_NAME as SLUG

RESERVED = ("new",)
TITLE_LIMIT = 200
MAX_WIDGETS = 24
MAX_SCREENS = 24
MIN_INTERVAL, MAX_INTERVAL = 5, 3600

Errors = dict[str, str]


@dataclass
class ScreenForm:
    name: str = ""
    title: str = ""
    area_code: str | None = None
    columns: int = 3
    widgets: list[str] = field(default_factory=list)


@dataclass
class PlaylistForm:
    name: str = ""
    title: str = ""
    interval_seconds: int = 20
    screens: list[str] = field(default_factory=list)


def read_screen(form: Mapping[str, Any], areas: Collection[str]) -> tuple[ScreenForm, Errors]:
    """A screen from ``form``; ``areas`` are the codes a screen may be limited to."""
    errors: Errors = {}
    values = ScreenForm(
        name=_name(form, errors),
        title=_title(form, errors),
        area_code=(form.get("area") or "").strip() or None,
        columns=_whole(form, "columns", 1, MAX_COLUMNS, errors, default=3),
        widgets=_lines(form, "widgets"),
    )
    if values.area_code is not None and values.area_code not in areas:
        errors["area"] = gettext("Choose the whole city or one of the areas listed.")
    _check_names(values.widgets, WIDGET_NAME, MAX_WIDGETS, "widgets", errors)
    return values, errors


def read_playlist(form: Mapping[str, Any], screens: Collection[str]) -> tuple[PlaylistForm, Errors]:
    """A playlist from ``form``; ``screens`` are the names of the existing screens."""
    errors: Errors = {}
    values = PlaylistForm(
        name=_name(form, errors),
        title=_title(form, errors),
        interval_seconds=_whole(form, "interval", MIN_INTERVAL, MAX_INTERVAL, errors, default=20),
        screens=_lines(form, "screens"),
    )
    _check_names(values.screens, SLUG, MAX_SCREENS, "screens", errors)
    unknown = [name for name in values.screens if name not in screens]
    if unknown and "screens" not in errors:
        errors["screens"] = gettext("There is no screen named %(name)s.", name=unknown[0])
    return values, errors


def _name(form: Mapping[str, Any], errors: Errors) -> str:
    name = (form.get("name") or "").strip()
    if not SLUG.match(name) or name in RESERVED:
        errors["name"] = gettext(
            "Use 1 to 64 lower-case letters, digits and dashes, such as east-wall."
        )
    return name


def _title(form: Mapping[str, Any], errors: Errors) -> str:
    title = (form.get("title") or "").strip()
    if not title or len(title) > TITLE_LIMIT:
        errors["title"] = gettext(
            "A title is needed, of at most %(limit)d characters.", limit=TITLE_LIMIT
        )
    return title


def _whole(
    form: Mapping[str, Any],
    key: str,
    low: int,
    high: int,
    errors: Errors,
    default: int,
) -> int:
    raw = (form.get(key) or "").strip()
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[key] = gettext("Give a whole number from %(low)d to %(high)d.", low=low, high=high)
        return default
    return value


def _lines(form: Mapping[str, Any], key: str) -> list[str]:
    return [line.strip() for line in (form.get(key) or "").splitlines() if line.strip()]


def _check_names(
    names: list[str], pattern: re.Pattern[str], limit: int, key: str, errors: Errors
) -> None:
    if not names:
        errors[key] = gettext("Name at least one, one per line.")
    elif len(names) > limit:
        errors[key] = gettext("At most %(limit)d, please.", limit=limit)
    elif len(set(names)) != len(names):
        errors[key] = gettext("Each may appear only once.")
    else:
        bad = next((name for name in names if not pattern.match(name)), None)
        if bad is not None:
            errors[key] = gettext("%(name)s is not a valid name.", name=bad)
