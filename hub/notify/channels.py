"""Channels: the ways a message reaches a person outside the portal.

The hub has e-mail, chat apps (through Apprise) and Web Push; a plugin adds one with
``register_channels``. The inbox in the portal is not a channel: every message is in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.state import Hub


class ChannelDown(Exception):
    """The channel cannot take the message now (a server down, a timeout): try again later."""


class ChannelRefused(Exception):
    """The channel refuses the message for good (a wrong address, an expired subscription).

    ``gone`` says the address itself will never work again (an expired push subscription):
    the hub forgets it, and later messages to it are dropped with the reason.
    """

    def __init__(self, reason: str, gone: bool = False) -> None:
        super().__init__(reason)
        self.gone = gone


@dataclass(frozen=True)
class OutgoingMessage:
    """A message as a channel sends it. ``url`` is absolute; ``key`` is the same on every attempt
    of one delivery, so that a channel able to tell repeats apart shows a retried one once."""

    to: str
    title: str
    body: str
    url: str
    key: str


@dataclass(frozen=True)
class Channel:
    """A way to reach people: ``send(hub, message)`` delivers one message or raises
    :class:`ChannelDown` or :class:`ChannelRefused`; ``check(address)`` says what is wrong
    with an address a person enters (``None`` when it is fine). ``address_label`` names the
    address on the profile page ("E-mail address"); ``hint`` shows an example."""

    name: str
    title: str
    address_label: str
    send: Callable[[Hub, OutgoingMessage], None]
    check: Callable[[str], str | None]
    hint: str = ""
    entered: bool = True
    """Whether the person types the address; a push subscription is made by the browser."""
