"""API keys of the apps that submit requests over Open311. Only a key's SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from features.open311.models import ApiKey
from hub.api import audit, utcnow


class KeyRefused(ValueError):
    """A key change that cannot be made, with the reason."""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str) -> str:
    """Make a key named ``name`` (an app, "qlue-manado") and return it: it is shown only once."""
    name = name.strip()
    if not name:
        raise KeyRefused("a key needs a name")
    if _active(session, name):
        raise KeyRefused(f"an active key named {name!r} exists: revoke it first")
    key = secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, key_hash=key_hash(key)))
    audit(session, None, "open311.key.create", "api_key", name)
    return key


def revoke_key(session: Session, name: str) -> None:
    """Revoke the active key named ``name``: requests with it are refused from now on."""
    keys = _active(session, name)
    if not keys:
        raise KeyRefused(f"no active key named {name!r}")
    for key in keys:
        key.revoked_at = utcnow()
    audit(session, None, "open311.key.revoke", "api_key", name)


def all_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.name, ApiKey.created_at)))


def valid_key(session: Session, key: str) -> ApiKey | None:
    """The unrevoked key ``key`` is, if any."""
    found = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(key)))
    return found if found is not None and found.revoked_at is None else None


def _active(session: Session, name: str) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    )
