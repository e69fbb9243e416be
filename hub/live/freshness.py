"""Whether a widget's data is current: the health and "data as of" of the sources it follows.

A widget follows the enabled sources of its ``source_types`` and those that store records of
its ``record_kinds``. Its data is as of the oldest of their "data as of"; it is *down* when one
of them is down or needs re-authentication, *stale* when one has not been read successfully for
three of its intervals (ten minutes at least), and *unknown* before every one was read once. A
widget that follows no source shows the hub's own data, which is always *live*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.models import Source, SourceKind
from hub.sync.health import DOWN, NEEDS_REAUTH, source_health
from hub.widgets import Widget

FRESH, STALE, DOWN_STATE, UNKNOWN, LIVE = "fresh", "stale", "down", "unknown", "live"
STALE_AFTER_INTERVALS = 3
MIN_STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SourceState:
    """One enabled source as the screens see it."""

    name: str
    type: str
    health: str
    as_of: datetime | None
    interval_seconds: int
    kinds: frozenset[str]

    def stale_at(self) -> datetime | None:
        if self.as_of is None:
            return None
        wait = max(
            timedelta(seconds=self.interval_seconds * STALE_AFTER_INTERVALS), MIN_STALE_AFTER
        )
        return self.as_of + wait


@dataclass(frozen=True)
class Freshness:
    state: str
    as_of: datetime | None
    sources: tuple[str, ...] = ()


def source_states(session: Session) -> list[SourceState]:
    """Every enabled source with its health, "data as of" and the kinds it stores."""
    kinds: dict[int, set[str]] = {}
    for source_id, kind in session.execute(select(SourceKind.source_id, SourceKind.kind)):
        kinds.setdefault(source_id, set()).add(kind)
    sources = session.scalars(select(Source).where(Source.enabled).order_by(Source.name))
    states = []
    for source in sources:
        health = source_health(session, source.id)
        states.append(
            SourceState(
                source.name,
                source.type,
                health.state,
                health.data_as_of,
                source.interval_seconds,
                frozenset(kinds.get(source.id, ())),
            )
        )
    return states


def freshness(widget: Widget, states: list[SourceState], now: datetime) -> Freshness:
    """How current ``widget``'s data is at ``now``."""
    wanted = set(widget.record_kinds)
    followed = [s for s in states if s.type in widget.source_types or s.kinds & wanted]
    if not followed:
        return Freshness(LIVE, now)
    names = tuple(state.name for state in followed)
    times = [state.as_of for state in followed]
    as_of = None if None in times else min(t for t in times if t is not None)
    if any(state.health in (DOWN, NEEDS_REAUTH) for state in followed):
        return Freshness(DOWN_STATE, as_of, names)
    if as_of is None:
        return Freshness(UNKNOWN, None, names)
    if any(state.stale_at() < now for state in followed):
        return Freshness(STALE, as_of, names)
    return Freshness(FRESH, as_of, names)
