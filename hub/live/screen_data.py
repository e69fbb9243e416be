"""What a wall screen draws: each of its widgets' data, or a placeholder saying why not.

A widget no installed plugin provides is *missing*; one that failed is an *error*, with the
reason shown only to administrators. Every widget says how current its data is, and the screen
says when newer data is being computed (``pending``: ask again in a moment).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext

from hub.live.cache import Cached
from hub.live.freshness import LIVE, SourceState, freshness
from hub.live.screens import ScreenView
from hub.models.base import utcnow

if TYPE_CHECKING:
    from hub.live.room import LiveRoom, WidgetResult

OK, ERROR, MISSING = "ok", "error", "missing"
DEFAULT_REFRESH = 60


def screen_data(
    room: LiveRoom, screen: ScreenView, detailed: bool, versions: dict[str, int] | None
) -> dict[str, Any]:
    """The data of every widget of ``screen``, from the cache; ``detailed`` adds the reasons of
    errors."""
    installed = [room.widgets[name] for name in screen.widgets if name in room.widgets]
    results = {widget.name: room.result(widget, screen.area_code, versions) for widget in installed}
    return screen_body(room, screen, results, detailed)


def screen_body(
    room: LiveRoom,
    screen: ScreenView,
    results: dict[str, Cached[WidgetResult]],
    detailed: bool,
) -> dict[str, Any]:
    """What a screen draws from its widgets' ``results`` (by widget name)."""
    now = utcnow()
    states = room.source_states()
    installed = [room.widgets[name] for name in screen.widgets if name in room.widgets]
    return {
        "screen": {
            "name": screen.name,
            "title": screen.title,
            "area": screen.area_name,
            "area_code": screen.area_code,
            "columns": screen.columns,
        },
        "follows": sorted({kind for widget in installed for kind in widget.record_kinds}),
        "refresh_seconds": min(
            (widget.refresh_seconds for widget in installed), default=DEFAULT_REFRESH
        ),
        "generated_at": now.isoformat(),
        "pending": not all(result.current for result in results.values()),
        "widgets": [
            _widget(room, name, results.get(name), now, states, detailed) for name in screen.widgets
        ],
    }


def _widget(
    room: LiveRoom,
    name: str,
    cached: Cached[WidgetResult] | None,
    now: datetime,
    states: list[SourceState],
    detailed: bool,
) -> dict[str, Any]:
    widget = room.widgets.get(name)
    if widget is None or cached is None:
        return {
            "name": name,
            "title": name,
            "kind": None,
            "status": MISSING,
            "message": gettext("No installed plugin provides this widget."),
        }
    result = cached.value
    current = freshness(widget, states, now)
    as_of = result.computed_at if current.state == LIVE else current.as_of
    body: dict[str, Any] = {
        "name": name,
        "title": str(widget.title),
        "kind": widget.kind,
        "freshness": current.state,
        "as_of": as_of.isoformat() if as_of else None,
        "sources": list(current.sources),
    }
    if result.error is None:
        body.update(status=OK, data=result.data)
    else:
        body.update(status=ERROR, message=gettext("This widget could not be shown."))
        if detailed:
            body["detail"] = result.error
    return body
