"""The ``[complaints]`` table of the configuration: the agencies, how categories route, the
hosts besides each source's own that the citizens' photos may be fetched from, and who is told
what (the reminders).

[complaints]
photo_hosts = ["cdn.qlue.id"]

[complaints.reminders]
approaching_share = 0.75           # remind at this share of a target time
escalate = ["district", "regency"] # an overdue complaint goes up one level per step
events = ["new", "handed_off", "assigned", "reopened", "approaching", "overdue", "digest",
          "summary"]

[complaints.agencies]
dinas-bina-marga = "Dinas Bina Marga"

[complaints.categories."Jalan rusak"]
agency = "dinas-bina-marga"
response_hours = 24
completion_hours = 72
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from features.complaints.routing import Routing, read_routing
from hub.api import ConfigError, Hub, SettingsSection

SECTION = "complaints"
TABLES = ("agencies", "categories")
PHOTO_HOSTS, REMINDERS = "photo_hosts", "reminders"
NEW, HANDED_OFF, ASSIGNED, REOPENED = "new", "handed_off", "assigned", "reopened"
APPROACHING, OVERDUE, DIGEST, SUMMARY = "approaching", "overdue", "digest", "summary"
EVENTS = (NEW, HANDED_OFF, ASSIGNED, REOPENED, APPROACHING, OVERDUE, DIGEST, SUMMARY)
"""What people may be told of; ``events`` turns some off."""
LEVELS_ABOVE = ("district", "regency", "province")
"""The levels of the area hierarchy above a kelurahan, from the nearest."""
HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def host_name(value: str) -> str:
    """``value`` as a host is compared: lowercase, without a final dot."""
    host = value.strip().lower().removesuffix(".")
    if not HOST_NAME.fullmatch(host):
        raise ValueError("must be a host name such as cdn.qlue.id, without scheme, port or path")
    return host


def event_name(value: str) -> str:
    if value not in EVENTS:
        raise ValueError(f"unknown event {value!r} (known: {', '.join(EVENTS)})")
    return value


def escalation_steps(steps: tuple[str, ...]) -> tuple[str, ...]:
    """The levels an overdue complaint goes up to, each above the one before."""
    for step in steps:
        if step not in LEVELS_ABOVE:
            raise ValueError(
                f"{step!r} is not a level of the area hierarchy above a kelurahan"
                f" (the levels, going up: {', '.join(LEVELS_ABOVE)})"
            )
    if any(LEVELS_ABOVE.index(a) >= LEVELS_ABOVE.index(b) for a, b in pairwise(steps)):
        raise ValueError(f"each step must be a level above the one before ({', '.join(steps)})")
    return steps


class ReminderSettings(BaseModel):
    """Who is told what: the share of a target time at which a reminder goes, the levels an
    overdue complaint goes up to (one per further target time overdue), and the events told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    approaching_share: float = Field(0.75, gt=0, lt=1)
    escalate: Annotated[tuple[str, ...], AfterValidator(escalation_steps)] = ("district", "regency")
    events: frozenset[Annotated[str, AfterValidator(event_name)]] = frozenset(EVENTS)


class TableSettings(BaseModel):
    """The ``[complaints]`` table's own settings, besides its routing tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    photo_hosts: tuple[Annotated[str, AfterValidator(host_name)], ...] = ()
    """Hosts any source's photos may be fetched from (a CDN), besides the source's own."""
    reminders: ReminderSettings = ReminderSettings()


@dataclass(frozen=True)
class ComplaintSettings:
    """The ``[complaints]`` table, read."""

    routing: Routing
    photo_hosts: tuple[str, ...]
    reminders: ReminderSettings


def read_settings(table: Mapping[str, Any]) -> ComplaintSettings:
    known = (*TABLES, PHOTO_HOSTS, REMINDERS)
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} (known: {', '.join(known)})")
    own = TableSettings.model_validate({k: v for k, v in table.items() if k not in TABLES})
    routing = read_routing(table.get("agencies", {}), table.get("categories", {}))
    return ComplaintSettings(routing, own.photo_hosts, own.reminders)


SETTINGS = SettingsSection(SECTION, read_settings, TableSettings)


def routing_of(hub: Hub) -> Routing:
    """How ``hub`` routes complaints to agencies, with each category's deadlines."""
    return hub.section(SECTION).routing


def photo_hosts_of(hub: Hub) -> tuple[str, ...]:
    """The hosts ``hub`` fetches any source's photos from, besides the source's own."""
    return hub.section(SECTION).photo_hosts


def reminders_of(hub: Hub) -> ReminderSettings:
    """Who ``hub`` tells what about complaints."""
    return hub.section(SECTION).reminders
