"""A person's choices of how to be told: an address per channel (on or off), every message at
once or one digest a day, and quiet hours; read for the settings page and checked when saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.audit import audit
from hub.models.notification import ChannelAddress, NotificationChoice
from hub.models.user import User
from hub.notify.defaults import read_defaults
from hub.notify.quiet import clock, quiet_span
from hub.notify.settings import SECTION
from hub.problems import InvalidFields, Problem

if TYPE_CHECKING:
    from hub.state import Hub

ADDRESS_LIMIT = 2000


@dataclass
class Choices:
    """What the settings page shows: per channel its address and whether it is on; the digest
    choice; quiet hours as ``"21:00"`` strings (empty: none)."""

    addresses: dict[str, str] = field(default_factory=dict)
    enabled: dict[str, bool] = field(default_factory=dict)
    digest_only: bool = False
    quiet_from: str = ""
    quiet_until: str = ""

    @classmethod
    def from_form(cls, hub: Hub, form: Mapping[str, str]) -> Choices:
        """The typed addresses only: a push subscription is not on the form."""
        typed = [name for name, channel in hub.channels.items() if channel.entered]
        return cls(
            addresses={name: form.get(f"address-{name}", "").strip() for name in typed},
            enabled={name: form.get(f"enabled-{name}") == "on" for name in typed},
            digest_only=form.get("digest_only") == "on",
            quiet_from=form.get("quiet_from", "").strip(),
            quiet_until=form.get("quiet_until", "").strip(),
        )


def read_choices(session: Session, hub: Hub, user: User) -> Choices:
    """``user``'s choices, the defaults where they made none."""
    defaults = read_defaults(session, hub.section(SECTION))
    choice = session.get(NotificationChoice, user.id)
    quiet = (choice.quiet_from, choice.quiet_until) if choice else defaults.quiet
    addresses = session.scalars(select(ChannelAddress).where(ChannelAddress.user_id == user.id))
    found = {address.channel: address for address in addresses}
    return Choices(
        addresses={name: found[name].address if name in found else "" for name in hub.channels},
        enabled={name: name in found and found[name].enabled for name in hub.channels},
        digest_only=choice.digest_only if choice else defaults.digest_only,
        quiet_from=clock(quiet[0]),
        quiet_until=clock(quiet[1]),
    )


def save_choices(session: Session, hub: Hub, user: User, form: Mapping[str, str]) -> None:
    """Store the choices the form sent, or raise :class:`InvalidFields` naming each bad one
    (then nothing changes)."""
    choices = Choices.from_form(hub, form)
    problems = _address_problems(hub, choices)
    quiet = quiet_span(choices.quiet_from, choices.quiet_until, problems)
    if problems:
        raise InvalidFields(problems)
    session.execute(
        delete(ChannelAddress).where(
            ChannelAddress.user_id == user.id, ChannelAddress.channel.not_in(_not_typed(hub))
        )
    )
    for name, address in choices.addresses.items():
        if address:
            session.add(
                ChannelAddress(
                    user_id=user.id,
                    channel=name,
                    address=address,
                    enabled=choices.enabled[name],
                )
            )
    choice = session.get(NotificationChoice, user.id) or NotificationChoice(user_id=user.id)
    choice.digest_only = choices.digest_only
    choice.quiet_from, choice.quiet_until = quiet
    session.add(choice)
    audit(
        session,
        user,
        "notify.choices",
        "user",
        user.id,
        channels=sorted(name for name, address in choices.addresses.items() if address),
    )


def _not_typed(hub: Hub) -> list[str]:
    return [name for name, channel in hub.channels.items() if not channel.entered]


def _address_problems(hub: Hub, choices: Choices) -> list[Problem]:
    problems = []
    for name, address in choices.addresses.items():
        field_name = f"address-{name}"
        if len(address) > ADDRESS_LIMIT:
            problems.append(Problem("address", _l("This address is too long."), field_name))
        elif address and (message := hub.channels[name].check(address)):
            problems.append(Problem("address", message, field_name))
    return problems
