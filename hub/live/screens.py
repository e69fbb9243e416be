"""Screens and playlists: reading them, and the default ones that tell the city's story.

The defaults are made on first use (or by ``simpul live defaults``) when the live room has no
screen yet: the screens the plugins declare through ``register_screens`` (the hub's own first:
complaints, their map, ward reports with the health of every source), rotating on one playlist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.models import Area, Playlist, Screen

if TYPE_CHECKING:
    from hub.state import Hub

DEFAULT_PLAYLIST = "wall"
DEFAULT_INTERVAL = 20


@dataclass(frozen=True)
class ScreenView:
    """A screen as the wall draws it."""

    name: str
    title: str
    area_code: str | None
    area_name: str | None
    widgets: tuple[str, ...]
    columns: int


def ensure_defaults(session: Session, hub: Hub, language: str) -> bool:
    """Make the default screens of ``hub``'s plugins and their playlist (titles in
    ``language``) if there is no screen yet; True if they were made."""
    if session.scalar(select(func.count()).select_from(Screen)):
        return False
    defaults = list(hub.screens.values())
    with force_locale(language):
        for default in defaults:
            session.add(
                Screen(
                    name=default.name,
                    title=str(default.title),
                    widgets=list(default.widgets),
                    columns=default.columns,
                )
            )
        if session.scalar(select(Playlist).where(Playlist.name == DEFAULT_PLAYLIST)) is None:
            session.add(
                Playlist(
                    name=DEFAULT_PLAYLIST,
                    title=str(_l("Command centre wall")),
                    screens=[default.name for default in defaults],
                    interval_seconds=DEFAULT_INTERVAL,
                )
            )
    return True


def screen_view(session: Session, name: str) -> ScreenView | None:
    row = session.execute(
        select(Screen, Area.name)
        .outerjoin(Area, Area.code == Screen.area_code)
        .where(Screen.name == name)
    ).first()
    if row is None:
        return None
    screen, area_name = row
    return ScreenView(
        screen.name,
        screen.title,
        screen.area_code,
        area_name,
        tuple(str(widget) for widget in screen.widgets or ()),
        screen.columns,
    )


def playlist_screens(session: Session, playlist: Playlist) -> list[Screen]:
    """The screens of ``playlist`` that exist, in its order."""
    names = [str(name) for name in playlist.screens or ()]
    found = {s.name: s for s in session.scalars(select(Screen).where(Screen.name.in_(names)))}
    return [found[name] for name in names if name in found]


def all_screens(session: Session) -> list[Screen]:
    return list(session.scalars(select(Screen).order_by(Screen.name)))


def all_playlists(session: Session) -> list[Playlist]:
    return list(session.scalars(select(Playlist).order_by(Playlist.name)))
