"""Live events: what changed, told to every wall screen through Redis pub/sub.

Writers (sync workers, web processes) publish once their transaction has committed; each web
process relays the channel to its connected screens as server-sent events. Every event takes its
id from one counter in Redis, so a screen that reconnects can say which event it saw last; and a
version counter per record kind tells each process when its cached widget data is out of date.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import redis
from redis.client import PubSub

log = logging.getLogger(__name__)

CHANGED, CONFIG, REVOKED, REFRESH = "changed", "config", "revoked", "refresh"
DATA = "data"
"""A screen's new data, computed once after a change for every screen showing it."""
CONFIG_KIND = "live:config"
"""The version that counts changes to screens, playlists and screen tokens."""
MAX_AREAS = 50
SOCKET_TIMEOUT = 5.0
CLAIM_SECONDS = 30


@dataclass(frozen=True)
class LiveEvent:
    """One event: records of ``kinds`` changed in ``areas`` (None: anywhere), the screens'
    configuration changed, the screen token ``token`` was revoked, or (:data:`DATA`, with the
    id of the change it follows) the ``data`` of ``screen`` in ``language``."""

    id: int
    type: str
    kinds: tuple[str, ...] = ()
    areas: tuple[str, ...] | None = None
    token: int | None = None
    screen: str | None = None
    language: str | None = None
    data: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.type == DATA:
            return {
                "id": self.id,
                "type": self.type,
                "screen": self.screen,
                "language": self.language,
                "data": self.data,
            }
        return {
            "id": self.id,
            "type": self.type,
            "kinds": list(self.kinds),
            "areas": None if self.areas is None else list(self.areas),
            "token": self.token,
        }

    @cached_property
    def frame(self) -> bytes:
        """The event as one server-sent event, made once for every stream relaying it: a
        screen's data as a viewer who may not see why widgets failed gets it."""
        if self.type != DATA:
            return server_sent(self.type, _json(self.as_dict()), self.id)
        widgets = (self.data or {}).get("widgets", ())
        if not any("detail" in widget for widget in widgets):
            return self.detailed_frame
        shown = [{key: value for key, value in w.items() if key != "detail"} for w in widgets]
        return server_sent(DATA, _json({**(self.data or {}), "widgets": shown}), self.id)

    @cached_property
    def detailed_frame(self) -> bytes:
        """The event as one server-sent event, with the reasons of errors."""
        if self.type != DATA:
            return self.frame
        return server_sent(DATA, _json(self.data), self.id)

    @classmethod
    def from_json(cls, text: str | bytes) -> LiveEvent | None:
        """The event a message carries; None for a message that is not one."""
        try:
            body = json.loads(text)
            areas = body.get("areas")
            return cls(
                int(body["id"]),
                str(body["type"]),
                tuple(str(kind) for kind in body.get("kinds") or ()),
                None if areas is None else tuple(str(area) for area in areas),
                body.get("token"),
                body.get("screen"),
                body.get("language"),
                body.get("data"),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def server_sent(event_type: str, text: str, event_id: int | None = None) -> bytes:
    """One server-sent event carrying ``text`` (JSON, on one line)."""
    lines = [] if event_id is None else [f"id: {event_id}"]
    lines += [f"event: {event_type}", f"data: {text}"]
    return ("\n".join(lines) + "\n\n").encode()


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class LiveChannel:
    """The live room's keys on one Redis, under one hub's namespace: the pub/sub channel, the
    event counter, and the version of each record kind."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.client = client
        self.channel = f"{namespace}:live:events"
        self.sequence_key = f"{namespace}:live:sequence"
        self.versions_key = f"{namespace}:live:versions"

    def publish(
        self,
        event_type: str,
        kinds: Iterable[str] = (),
        areas: Iterable[str] | None = None,
        token: int | None = None,
    ) -> LiveEvent:
        """Count the event, bump the versions of ``kinds`` and tell every subscriber."""
        kinds = tuple(sorted(set(kinds)))
        area_list = None if areas is None else tuple(sorted(set(areas)))
        if area_list is not None and len(area_list) > MAX_AREAS:
            area_list = None
        pipeline = self.client.pipeline(transaction=True)
        pipeline.incr(self.sequence_key)
        for kind in kinds:
            pipeline.hincrby(self.versions_key, kind, 1)
        event = LiveEvent(pipeline.execute()[0], event_type, kinds, area_list, token)
        self.client.publish(self.channel, json.dumps(event.as_dict()))
        return event

    def publish_data(self, change_id: int, screen: str, language: str, data: dict) -> None:
        """Tell every subscriber a screen's data after change ``change_id`` (not counted: a
        screen that missed it has missed no change)."""
        event = LiveEvent(change_id, DATA, screen=screen, language=language, data=data)
        self.client.publish(self.channel, json.dumps(event.as_dict(), separators=(",", ":")))

    def claim(self, name: str) -> bool:
        """True for the one process that asks first for ``name`` within
        :data:`CLAIM_SECONDS`."""
        key = f"{self.channel}:claim:{name}"
        return bool(self.client.set(key, 1, nx=True, ex=CLAIM_SECONDS))

    def last_id(self) -> int:
        return int(self.client.get(self.sequence_key) or 0)

    def versions(self) -> dict[str, int]:
        """The version of every record kind that has changed."""
        return {
            kind.decode(): int(version)
            for kind, version in self.client.hgetall(self.versions_key).items()
        }

    def subscribe(self) -> PubSub:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
        except Exception:
            pubsub.close()
            raise
        return pubsub


def live_channel(redis_url: str, queue_name: str) -> LiveChannel:
    """The live channel of a hub on ``redis_url``, with a client of its own that gives up after
    :data:`SOCKET_TIMEOUT` seconds."""
    client = redis.Redis.from_url(
        redis_url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
    )
    return LiveChannel(client, queue_name)


def publish_quietly(channel: LiveChannel, event_type: str, **details: Any) -> LiveEvent | None:
    """Publish, logging rather than raising when Redis is out of reach: the screens then catch
    up on their next regular refresh, and whatever was being stored is stored anyway."""
    try:
        return channel.publish(event_type, **details)
    except redis.RedisError as error:
        log.warning("live event %s not published: %s", event_type, error)
        return None
