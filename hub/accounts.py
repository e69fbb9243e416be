"""Accounts provisioned from a source (a staffing app): created, changed and disabled with it.

A source that knows who holds which post keeps those people's portal accounts in step: an
account it provisioned follows the person's post and area, and is disabled when they leave it.
Accounts made by hand are never taken over, and an account an administrator disabled stays
disabled until an administrator enables it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit import audit
from hub.models import ROLES, AuditEntry, User
from hub.models.user import NO_PASSWORD

CREATED, UPDATED, UNCHANGED, DISABLED, REFUSED = (
    "created",
    "updated",
    "unchanged",
    "disabled",
    "refused",
)
LEFT_THE_POST = "left the post"
"""The reason in the audit log of a disable by the source, not by an administrator."""


@dataclass(frozen=True)
class Account:
    """The account a person should have: their sign-in name, role and scope."""

    username: str
    full_name: str
    role: str
    area_code: str | None = None
    agency_code: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} (expected {', '.join(ROLES)})")


def provision_account(session: Session, source_id: int, account: Account) -> str:
    """Create or update the account; ``"refused"`` if that name belongs to a hand-made one.

    A new account has no password yet (it cannot sign in until an admin sets one), so
    provisioning hundreds of posts costs no password hashing. An account the source disabled
    is enabled again; one an administrator disabled is updated but stays disabled.
    """
    user = session.scalars(select(User).filter_by(username=account.username)).one_or_none()
    if user is not None and user.provisioned_by != source_id:
        return REFUSED
    held = user is not None and not user.active and _disabled_by_hand(session, user.username)
    wanted = {
        "full_name": account.full_name,
        "role": account.role,
        "area_code": account.area_code,
        "agency_code": account.agency_code,
        "active": not held,
    }
    if user is None:
        user = User(
            username=account.username, provisioned_by=source_id, password_hash=NO_PASSWORD, **wanted
        )
        session.add(user)
        audit(session, None, "user.provision", "user", account.username, **_logged(wanted))
        return CREATED
    if all(getattr(user, name) == value for name, value in wanted.items()):
        return UNCHANGED
    for name, value in wanted.items():
        setattr(user, name, value)
    audit(session, None, "user.provision", "user", account.username, **_logged(wanted))
    return UPDATED


def disable_account(session: Session, source_id: int, username: str) -> str:
    """Disable an account the source provisioned (the person left the post)."""
    user = session.scalars(select(User).filter_by(username=username)).one_or_none()
    if user is None or user.provisioned_by != source_id or not user.active:
        return UNCHANGED
    user.active = False
    audit(session, None, "user.disable", "user", username, reason=LEFT_THE_POST)
    return DISABLED


def _disabled_by_hand(session: Session, username: str) -> bool:
    """Whether the account's latest disable or enable in the audit log is a disable by an
    administrator (on the portal or the command line), not by the source."""
    latest = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.target_type == "user",
            AuditEntry.target_id == username,
            AuditEntry.action.in_(("user.disable", "user.enable")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one_or_none()
    return (
        latest is not None
        and latest.action == "user.disable"
        and latest.detail.get("reason") != LEFT_THE_POST
    )


def _logged(values: dict) -> dict:
    return {name: value for name, value in values.items() if name != "active"}
