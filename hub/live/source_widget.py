"""The health of every source: is each city app read, and as of when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hub.live.freshness import source_states
from hub.widgets import HEALTH, Widget

if TYPE_CHECKING:
    from hub.state import Hub

SOURCE_HEALTH = "sources.health"


def source_health_widget(hub: Hub) -> Widget:
    def health(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
        return {"sources": [_source(hub, state) for state in source_states(session)]}

    return Widget(SOURCE_HEALTH, _l("Data sources"), HEALTH, health, refresh_seconds=15)


def _source(hub: Hub, state: Any) -> dict[str, Any]:
    source_type = hub.source_types.get(state.type)
    return {
        "name": state.name,
        "state": state.health,
        "as_of": state.as_of.isoformat() if state.as_of else None,
        "caption": str(source_type.title) if source_type else state.type,
    }
