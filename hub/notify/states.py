"""The states of a delivery in the outbox."""

PENDING, SENDING, SENT, FAILED, DROPPED = "pending", "sending", "sent", "failed", "dropped"
"""Waiting (for its time, or for a retry); handed to a worker; taken by the channel; refused by
the channel for good (the reason is kept); not sent because the person has left or turned the
channel off meanwhile."""
