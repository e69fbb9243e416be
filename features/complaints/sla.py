"""Service levels: when a complaint is overdue."""

from __future__ import annotations

from datetime import datetime

from features.complaints.models import ComplaintCase
from features.complaints.statuses import FINISHED
from hub.api import utcnow

RESPONSE, COMPLETION = "response", "completion"


def overdue(case: ComplaintCase, now: datetime | None = None) -> str | None:
    """``"response"`` when the first response is late, ``"completion"`` when the fix is late,
    else None."""
    now = now or utcnow()
    if case.first_response_at is None and case.response_due_at and case.response_due_at < now:
        return RESPONSE
    finished = case.status in FINISHED
    if not finished and case.completion_due_at and case.completion_due_at < now:
        return COMPLETION
    return None
