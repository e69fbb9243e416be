"""The event stream of one connected screen: server-sent events from the process's relay.

The stream opens with the id of the latest event. A screen that reconnects sends the id it saw
last (``Last-Event-ID``); if events went by meanwhile it is told to ``refresh`` everything at once
(so is a screen whose stream fell behind). Then every event is relayed as it comes; so is the new
data of the screens the stream shows, in its language (without the reasons of errors unless the
viewer may see them). The bytes of each event are made once, for every stream of the process
that relays it. A comment line keeps a stream that sent nothing for a heartbeat alive. The stream
checks which of its screens it may still show whenever the configuration changed, and its grant
at each heartbeat (one check a second for all the streams of a token); it ends when the grant is
revoked (telling the screen so), and ends after a while anyway, so that a screen left running for
days reconnects through the access checks and no server thread outlives a screen that went away.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

from hub.live.events import CONFIG, DATA, REFRESH, REVOKED, LiveEvent, server_sent
from hub.live.relay import Inbox, InboxClosed, Relay

RETRY_MS = 3000
POLL_SECONDS = 1.0
HEARTBEAT = b": heartbeat\n\n"


def sse(event_type: str, data: dict, event_id: int | None = None) -> bytes:
    """One server-sent event carrying ``data``."""
    return server_sent(event_type, json.dumps(data, separators=(",", ":")), event_id)


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
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[bytes]:
    """Relay the events ``inbox`` (already open) receives as server-sent events; close it when
    done. ``screens`` tells, after each change to the configuration, which screens the stream
    may show."""
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        if seen_id is not None and seen_id != str(last_id):
            yield sse(REFRESH, {"id": last_id}, last_id)
        else:
            yield sse("ready", {"id": last_id}, last_id)
        started = beat = sent = clock()
        while clock() - started < lifetime:
            event = inbox.get(timeout=min(POLL_SECONDS, heartbeat))
            if inbox.missed:
                inbox.missed = False
                sent = clock()
                yield sse(REFRESH, {})
            revoked = event is not None and event.type == REVOKED
            if revoked and token_id is not None and event.token == token_id:
                yield sse(REVOKED, {}, event.id)
                return
            frame = None if event is None else _frame(inbox, event, detailed, screens)
            if frame is not None:
                sent = clock()
                yield frame
            now = clock()
            if now - beat >= heartbeat:
                if not still_allowed():
                    yield sse(REVOKED, {})
                    return
                beat = now
            if now - sent >= heartbeat:
                sent = now
                yield HEARTBEAT
    except InboxClosed:
        return
    finally:
        relay.close(inbox)


def _frame(
    inbox: Inbox,
    event: LiveEvent,
    detailed: bool,
    screens: Callable[[], frozenset[str]] | None,
) -> bytes | None:
    """What the stream sends of ``event``: nothing of another token's revocation or of the
    data of a screen it does not show."""
    if event.type == REVOKED:
        return None
    if event.type == DATA:
        if not inbox.wants(event):
            return None
        return event.detailed_frame if detailed else event.frame
    if event.type == CONFIG and screens is not None:
        inbox.screens = screens()
    return event.frame
