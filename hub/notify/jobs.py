"""The notification outbox's job on the workers (enqueued by name, imported by RQ)."""

from __future__ import annotations

from hub.notify import outbox
from hub.sync.jobs import worker_hub


def deliver(delivery_id: int) -> str:
    """Send one delivery; return its new state."""
    return outbox.deliver(worker_hub(), delivery_id)
