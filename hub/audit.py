"""Writing the audit log. Every change a person makes through the hub is recorded here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.models import AuditEntry, User


def audit(
    session: Session,
    user: User | None,
    action: str,
    target_type: str,
    target_id: object,
    **detail: Any,
) -> AuditEntry:
    """Record that ``user`` did ``action`` ("complaint.answer") to a target, in ``session``'s
    transaction, so the entry exists exactly when the change does."""
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", "") or "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )
    session.add(entry)
    return entry
