"""The chat channel: WhatsApp, Telegram, ntfy, a webhook and the many other services Apprise
speaks, each reached by an Apprise URL the person enters (``tgram://token/chat``,
``ntfy://ntfy.sh/topic``, ``json://host/path``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import apprise
from flask_babel import lazy_gettext as _l

from hub.notify.channels import Channel, ChannelDown, OutgoingMessage

if TYPE_CHECKING:
    from hub.state import Hub


def check_address(address: str) -> str | None:
    if apprise.Apprise.instantiate(address.strip()) is None:
        return str(_l("This is not a chat address Apprise knows, such as tgram://token/chat."))
    return None


def send(hub: Hub, message: OutgoingMessage) -> None:
    service = apprise.Apprise()
    service.add(message.to)
    if not service.notify(title=message.title, body=f"{message.body}\n{message.url}"):
        raise ChannelDown("the chat service did not take the message")


CHAT = Channel(
    name="chat",
    title=_l("Chat app"),
    address_label=_l("Chat address (Apprise URL)"),
    hint="tgram://bottoken/ChatID",
    send=send,
    check=check_address,
)
