"""Portal accounts from a SCIM source: the people holding the positions an admin chose get an
account scoped to their post; anyone else the source provisioned loses theirs.

A kelurahan post makes a ``ward_staff`` account scoped to the kelurahan, a kecamatan post (the
camat) an ``officer`` account scoped to the kecamatan. Leaving the post, becoming inactive or
being removed from the provider disables the account; an account an administrator disabled
stays disabled until they enable it again. The sign-in name is the NIP: a person without one
gets no account.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.api import Account, Hub, Record, Source, disable_account, provision_account
from simpul_hr.kinds import ACTIVE, STAFF
from simpul_hr.normalize_scim import SCIM_ID_PREFIX

SCIM = "scim"
ROLE_BY_LEVEL = {3: "ward_staff", 2: "officer"}
"""The role of a post by its area code's level: dots in a kelurahan code (``71.71.04.1005``)
and in a kecamatan code (``71.71.04``)."""


@dataclass(frozen=True)
class ProvisioningRule:
    """Which positions get an account (compared without regard to case)."""

    positions: frozenset[str]

    @classmethod
    def of(cls, positions: Iterable[str]) -> ProvisioningRule:
        return cls(frozenset(position.casefold() for position in positions))

    def account_for(self, staff: Record) -> Account | None:
        """The account the person of ``staff`` should have now, None if they should have none."""
        if staff.deleted_at is not None or staff.status != ACTIVE:
            return None
        if staff.external_id.startswith(SCIM_ID_PREFIX):
            return None
        if (staff.title or "").casefold() not in self.positions or not staff.area_code:
            return None
        role = ROLE_BY_LEVEL.get(staff.area_code.count("."))
        if role is None:
            return None
        name = (staff.attributes or {}).get("name") or staff.external_id
        return Account(
            username=staff.external_id, full_name=name, role=role, area_code=staff.area_code
        )


def provision_staff(hub: Hub, session: Session, changes: Iterable[Any]) -> None:
    """Create, update or disable the accounts of the staff records in ``changes`` (the
    ``records_changed`` hook's record changes)."""
    staff = [change for change in changes if change.kind == STAFF]
    if not staff:
        return
    records = {
        record.id: record
        for record in session.scalars(
            select(Record).where(Record.id.in_([change.record_id for change in staff]))
        )
    }
    rules: dict[int, ProvisioningRule | None] = {}
    for change in staff:
        if change.source_id not in rules:
            rules[change.source_id] = rule_of(hub, session, change.source_id)
        rule, record = rules[change.source_id], records.get(change.record_id)
        if rule is None or record is None:
            continue
        account = rule.account_for(record)
        if account is None:
            disable_account(session, change.source_id, record.external_id)
        else:
            provision_account(session, change.source_id, account)


def rule_of(hub: Hub, session: Session, source_id: int) -> ProvisioningRule | None:
    """The rule of a ``scim`` source, from its ``provision_positions``; None for other types."""
    source = session.get(Source, source_id)
    if source is None or source.type != SCIM:
        return None
    declared = hub.settings.source(source.name)
    settings = hub.source_type(SCIM).validate(source.name, declared.settings)
    return ProvisioningRule.of(settings["provision_positions"] or ())
