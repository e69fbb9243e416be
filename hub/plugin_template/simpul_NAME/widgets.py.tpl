"""The ${title} plugin's tiles for the live room's wall screens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.api import Record, Widget, within
from ${package}.normalize import KIND


def open_items(session: Session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """How many items are not closed yet, in the screen's area."""
    query = select(func.count()).where(
        Record.kind == KIND, Record.deleted_at.is_(None), Record.status != "closed"
    )
    if area_code:
        query = query.where(within(Record.area_code, area_code))
    count = session.scalar(query) or 0
    return {
        "value": count,
        "caption": str(_l("not closed yet")),
        "colour": "red" if count else "green",
    }


WIDGETS = [
    Widget(
        "${name}.open",
        _l("${title}: open items"),
        "kpi",
        open_items,
        (KIND,),
    )
]
