"""How people are told until they choose: every message at once or one digest a day, and quiet
hours. An administrator sets these defaults on ``/inbox/defaults``; until then ``[notify]``'s
``digest_only`` and ``quiet_hours`` hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hub.audit import audit
from hub.models.base import utcnow
from hub.models.notification import NotificationDefaults
from hub.models.user import User
from hub.notify.quiet import clock, quiet_span
from hub.notify.settings import NotifySettings
from hub.problems import InvalidFields, Problem

ROW = 1


@dataclass(frozen=True)
class Defaults:
    """The choices of everyone who made none; quiet hours in minutes after midnight."""

    digest_only: bool
    quiet: tuple[int | None, int | None]

    def form(self) -> dict[str, object]:
        """The defaults as the page's form shows them."""
        return {
            "digest_only": self.digest_only,
            "quiet_from": clock(self.quiet[0]),
            "quiet_until": clock(self.quiet[1]),
        }


def read_defaults(session: Session, rules: NotifySettings) -> Defaults:
    """The defaults an administrator set, else those of the configuration (``rules``)."""
    stored = session.get(NotificationDefaults, ROW)
    if stored is None:
        return Defaults(rules.digest_only, rules.quiet_span())
    return Defaults(stored.digest_only, (stored.quiet_from, stored.quiet_until))


def save_defaults(session: Session, admin: User, form: Mapping[str, str]) -> None:
    """Store the defaults the form sent, or raise :class:`InvalidFields` naming each bad field
    (then nothing changes)."""

    problems: list[Problem] = []
    quiet = quiet_span(
        form.get("quiet_from", "").strip(), form.get("quiet_until", "").strip(), problems
    )
    if problems:
        raise InvalidFields(problems)
    stored = session.get(NotificationDefaults, ROW) or NotificationDefaults(id=ROW)
    stored.digest_only = form.get("digest_only") == "on"
    stored.quiet_from, stored.quiet_until = quiet
    stored.updated_at = utcnow()
    session.add(stored)
    audit(
        session,
        admin,
        "notify.defaults",
        "notification_defaults",
        ROW,
        digest_only=stored.digest_only,
        quiet_hours=f"{clock(quiet[0])}-{clock(quiet[1])}" if quiet[0] is not None else "",
    )
