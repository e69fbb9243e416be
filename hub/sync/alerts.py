"""Telling the operators and administrators when a source goes down or refuses the hub's
credentials: once per turn for the worse, folded while unread."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.models import Source, User
from hub.models.user import OPERATORS
from hub.notify.messages import Message, notify
from hub.sync.health import DOWN, NEEDS_REAUTH, Health, source_health

if TYPE_CHECKING:
    from hub.state import Hub

UNWELL = (DOWN, NEEDS_REAUTH)


def tell_if_unwell(hub: Hub, session: Session, source: Source, before: Health) -> None:
    """After a run closed in ``session``: if the source has just turned down or needs new
    credentials, tell every active operator and administrator."""
    after = source_health(session, source.id)
    if after.state not in UNWELL or after.state == before.state:
        return
    people = session.scalars(select(User).where(User.role.in_(OPERATORS), User.active.is_(True)))
    notify(hub, session, list(people), _message(source.name, after.state))


def _message(name: str, state: str) -> Message:
    def text(count: int) -> tuple[str, str]:
        if state == NEEDS_REAUTH:
            return (
                gettext("Source %(name)s refuses the hub's credentials", name=name),
                gettext("Renew its key or password; until then nothing new arrives from it."),
            )
        return (
            gettext("Source %(name)s is down", name=name),
            gettext("Its last syncs failed; what the portal shows of it is getting old."),
        )

    return Message(
        kind=f"source.{state}",
        url=f"/sources/{quote(name)}",
        text=text,
        fold_key=f"source:{name}:{state}",
    )
