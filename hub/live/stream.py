"""The event stream of one connected screen: server-sent events from the process's relay.

The stream opens with the id of the latest event. A screen that reconnects sends the id it saw
last (``Last-Event-ID``); if events went by meanwhile it is told to ``refresh`` everything at once
(so is a screen whose stream fell behind). Then every event is relayed as it comes, with a
comment line as heartbeat; so is the new data of the screens the stream shows, in its language
(without the reasons of errors unless the viewer may see them). The stream checks which of its
screens it may still show whenever the configuration changed, and its grant at each heartbeat
(one check a second for all the streams of a token); it ends when the grant is
revoked (telling the screen so), and ends after a while anyway, so that a screen left running for
days reconnects through the access checks and no server thread outlives a screen that went away.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

from hub.live.events import CONFIG, DATA, REFRESH, REVOKED, LiveEvent
from hub.live.relay import Inbox, InboxClosed, Relay
from hub.live.screen_data import without_details

RETRY_MS = 3000
POLL_SECONDS = 1.0


def sse(event_type: str, data: dict | str, event_id: int | None = None) -> str:
    """One server-sent event; ``data`` an object, or one already in JSON."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    lines = [] if event_id is None else [f"id: {event_id}"]
    lines += [f"event: {event_type}", f"data: {text}"]
    return "\n".join(lines) + "\n\n"


def event_stream(
    relay: Relay,
    inbox: Inbox,
    last_id: int,
    seen_id: str | None,
    token_id: int | None,
    still_allowed: Callable[[], bool],
    heartbeat: float,
    lifetime: float,
    detailed: bool = False,
    screens: Callable[[], frozenset[str]] | None = None,
) -> Iterator[str]:
    """Relay the events ``inbox`` (already open) receives as server-sent events; close it when
    done. ``screens`` tells, after each change to the configuration, which screens the stream
    may show."""
    try:
        yield f"retry: {RETRY_MS}\n\n"
        if seen_id is not None and seen_id != str(last_id):
            yield sse(REFRESH, {"id": last_id}, last_id)
        else:
            yield sse("ready", {"id": last_id}, last_id)
        started = beat = time.monotonic()
        while time.monotonic() - started < lifetime:
            event = inbox.get(timeout=min(POLL_SECONDS, heartbeat))
            if inbox.missed:
                inbox.missed = False
                yield sse(REFRESH, {})
            if event is not None and event.type == REVOKED:
                if token_id is not None and event.token == token_id:
                    yield sse(REVOKED, {}, event.id)
                    return
            elif event is not None and event.type == DATA:
                if _shows(inbox, event):
                    body = event.data_json if detailed else without_details(event)
                    yield sse(DATA, body, event.id)
            elif event is not None:
                if event.type == CONFIG and screens is not None:
                    inbox.screens = screens()
                yield sse(event.type, event.as_dict(), event.id)
            if time.monotonic() - beat >= heartbeat:
                if not still_allowed():
                    yield sse(REVOKED, {})
                    return
                yield ": heartbeat\n\n"
                beat = time.monotonic()
    except InboxClosed:
        return
    finally:
        relay.close(inbox)


def _shows(inbox: Inbox, event: LiveEvent) -> bool:
    return (
        event.data is not None
        and event.screen in inbox.screens
        and event.language == inbox.language
    )
