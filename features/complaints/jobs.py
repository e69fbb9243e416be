"""The complaints' jobs, run by the hub's workers."""

from __future__ import annotations

from datetime import datetime

from features.complaints import outbox, photos
from hub.api import Hub, open_storage, worker_hub


def deliver_write_back(message_id: int) -> str:
    """Deliver one outbox message to its source; return its new state."""
    hub = worker_hub()
    return outbox.deliver(hub, hub.db, open_storage(hub.settings), message_id)


def send_due_write_backs(hub: Hub, now: datetime) -> None:
    """The periodic task: hand every answer that is due to the workers."""
    outbox.enqueue_due(hub.db, hub.queue, now)


def copy_photo(record_id: int, url: str, attempt: int) -> str:
    """Copy the photo of one complaint, as claimed for ``attempt``, into the hub's file store;
    return its state."""
    hub = worker_hub()
    limit = min(photos.MAX_BYTES, hub.settings.upload_max_bytes)
    claim = photos.Claim(record_id, url, attempt)
    return photos.copy(hub, open_storage(hub.settings), claim, limit)


def copy_due_photos(hub: Hub, now: datetime) -> None:
    """The periodic task: hand the complaints' photos that are due to the workers."""
    photos.enqueue_due(hub.db, hub.queue, now)
