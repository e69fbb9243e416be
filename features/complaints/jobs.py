"""The complaints' jobs, run by the hub's workers."""

from __future__ import annotations

from datetime import datetime

from features.complaints import outbox
from hub.api import Hub, open_storage, worker_hub


def deliver_write_back(message_id: int) -> str:
    """Deliver one outbox message to its source; return its new state."""
    hub = worker_hub()
    return outbox.deliver(hub, hub.db, open_storage(hub.settings), message_id)


def send_due_write_backs(hub: Hub, now: datetime) -> None:
    """The periodic task: hand every answer that is due to the workers."""
    outbox.enqueue_due(hub.db, hub.queue, now)
