"""The push channel: Web Push (VAPID) to the portal installed on a person's phone.

The address is the browser's ``PushSubscription`` as JSON (``endpoint``, ``keys.p256dh`` and
``keys.auth``): the person turns notifications on from "How I am told" and the browser makes it;
nobody types it. The hub signs each message with the ``[notify]`` table's VAPID key, the push
service (Google's, Mozilla's, Apple's) keeps it for a phone without signal for ``TTL`` seconds,
and the service worker (``hub/static/sw.js``) shows it.
"""

from __future__ import annotations

import base64
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import lazy_gettext as _l
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete
from sqlalchemy.orm import Session

from hub.audit import audit
from hub.models.notification import ChannelAddress
from hub.models.user import User
from hub.notify.channels import Channel, ChannelDown, ChannelRefused, OutgoingMessage
from hub.notify.choices import ADDRESS_LIMIT
from hub.notify.settings import SECTION, vapid_key
from hub.problems import Problem

if TYPE_CHECKING:
    from hub.state import Hub

NAME = "push"
TTL = 24 * 3600
"""How long a push service keeps a message for a phone that is off or without signal."""
BODY_LIMIT = 1000
"""Characters of a message's body sent; push services take about 4 KB in all."""
EXPIRED = (404, 410)
BUSY = (408, 425, 429)
"""Answers that mean "not now": retried, where any other 4xx refuses the message."""


def check_subscription(address: str) -> str | None:
    if len(address) > ADDRESS_LIMIT:
        return str(_l("This address is too long."))
    found = _subscription(address)
    if found is None:
        return str(_l("This is not a push subscription made by a browser."))
    if not _reachable(found["endpoint"]):
        return str(_l("A push subscription must be reached over https."))
    return None


def _reachable(endpoint: str) -> bool:
    """Over https, or over http on loopback (where the tests run a push service)."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


def _subscription(address: str) -> dict | None:
    """The endpoint and keys of a ``PushSubscription``'s JSON, or None if it is not one."""
    try:
        found = json.loads(address)
        endpoint, keys = found["endpoint"], found["keys"]
        point, secret = _unbase64(keys["p256dh"]), _unbase64(keys["auth"])
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(endpoint, str) or len(point) != 65 or point[0] != 4 or len(secret) != 16:
        return None
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def _unbase64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def send(hub: Hub, message: OutgoingMessage) -> None:
    rules = hub.section(SECTION)
    payload = {
        "title": message.title,
        "body": message.body[:BODY_LIMIT],
        "url": message.url,
        "tag": message.key,
    }
    try:
        webpush(
            json.loads(message.to),
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=_vapid(rules.vapid_private_key_file),
            vapid_claims={"sub": rules.vapid_subject},
            timeout=rules.push_timeout,
            ttl=TTL,
        )
    except WebPushException as error:
        raise _failure(error) from None
    except requests.RequestException as error:
        raise ChannelDown(f"the push service cannot be reached: {error}") from None


def _failure(error: WebPushException) -> ChannelDown | ChannelRefused:
    status = error.status_code
    if status in EXPIRED:
        reason = f"the subscription has expired (the push service answered {status})"
        return ChannelRefused(reason, gone=True)
    said = error.response.text[:200] if error.response is not None else error.message
    reason = f"the push service answered {status}: {said}"
    if status is not None and 400 <= status < 500 and status not in BUSY:
        return ChannelRefused(reason)
    return ChannelDown(reason)


@cache
def _vapid(path: str) -> Vapid:
    return Vapid(vapid_key(path))


def application_server_key(path: str) -> str:
    """The public half of the VAPID key in ``path``, as a browser subscribes with it: the
    uncompressed point, base64url without padding."""
    return _base64(_vapid(path).public_key)


def _base64(key: ec.EllipticCurvePublicKey) -> str:
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def write_key_pair(path: Path) -> str:
    """Write a new VAPID private key to ``path`` (readable by its owner only; never over an
    existing file) and return its public key."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(pem)
    return _base64(key.public_key())


def save_subscription(session: Session, user: User, address: str) -> None:
    """Make ``address`` (a ``PushSubscription``'s JSON) the person's push address, replacing the
    one of another phone; raise :class:`Problem` if it is not one."""
    problem = check_subscription(address)
    if problem:
        raise Problem("subscription", problem, "subscription")
    stored = session.get(ChannelAddress, (user.id, NAME))
    stored = stored or ChannelAddress(user_id=user.id, channel=NAME)
    stored.address, stored.enabled = json.dumps(_subscription(address)), True
    session.add(stored)
    audit(session, user, "notify.push", "user", user.id, on=True)


def forget_subscription(session: Session, user: User) -> None:
    """Send the person nothing more by push."""
    session.execute(
        delete(ChannelAddress).where(
            ChannelAddress.user_id == user.id, ChannelAddress.channel == NAME
        )
    )
    audit(session, user, "notify.push", "user", user.id, on=False)


PUSH = Channel(
    name=NAME,
    title=_l("Notifications on my phone"),
    address_label=_l("Push subscription"),
    send=send,
    check=check_subscription,
    entered=False,
)
