"""The simulated HR system's state: its groups (work units) and users (civil servants) as SCIM
resources, and how people are hired, moved, suspended and leave. Thread-safe.

Every change stamps the resource with a new ``meta.lastModified``, later than any before it; a
user's move also stamps the groups they left and joined, whose members changed.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from simpul_hr.scim import (
    CIVIL_SERVICE,
    ENTERPRISE,
    FORMATION,
    GROUP_SCHEMA,
    USER_SCHEMA,
    format_time,
    parse_time,
)
from simpul_hr.simulator.organization import Unit
from simpul_hr.simulator.people import Identity, PersonFactory

EMAIL_DOMAIN = "manadokota.go.id"
ONE_MICROSECOND = timedelta(microseconds=1)
VACANT_HEADS = 0.05
"""The share of head posts left empty at the start (an acting head, "Plt.", fills in)."""
INACTIVE_SHARE = 0.02
Resource = dict[str, Any]


@dataclass(frozen=True)
class Worker:
    """What the attendance system knows of a person."""

    nip: str
    unit: str
    active: bool
    hired_on: date


class Roster:
    """Groups and users by id; every method holds the lock."""

    def __init__(self, units: list[Unit], factory: PersonFactory, size: int) -> None:
        """The groups of ``units`` and ``size`` people in their posts (at most every post)."""
        self.units = {unit.name: unit for unit in units}
        self._factory = factory
        self._rng = factory.rng
        self._last = datetime.now(UTC)
        self._lock = threading.Lock()
        self.groups: dict[str, Resource] = {}
        self.users: dict[str, Resource] = {}
        self._given: set[str] = set()
        for unit in units:
            group = self._group(unit)
            self.groups[group["id"]] = group
        for unit_name, position in self._initial_posts(size):
            self._add_user(self._factory.identity(), self.units[unit_name], position, past=True)

    def listing(self, resource_type: str, keep: Callable[[Resource], bool]) -> list[Resource]:
        """The users or groups ``keep`` accepts, in the order they last changed."""
        with self._lock:
            found = self.users if resource_type == "Users" else self.groups
            chosen = [resource for resource in found.values() if keep(resource)]
        return sorted(chosen, key=lambda r: (r["meta"]["lastModified"], r["id"]))

    def get(self, resource_type: str, resource_id: str) -> Resource | None:
        with self._lock:
            return (self.users if resource_type == "Users" else self.groups).get(resource_id)

    def members(self, unit_name: str) -> list[Resource]:
        with self._lock:
            return [user for user in self.users.values() if department(user) == unit_name]

    def workers(self, zone: tzinfo) -> list[Worker]:
        """The people whose attendance the simulator makes up: all but those given to it, who
        have only the attendance given for them. ``zone`` is the city's, for the hiring day."""
        with self._lock:
            return [
                Worker(
                    nip=nip,
                    unit=department(user) or "",
                    active=user.get("active", True),
                    hired_on=parse_time(user["meta"]["created"]).astimezone(zone).date(),
                )
                for user in self.users.values()
                if user["id"] not in self._given and (nip := employee_number(user))
            ]

    def replace_user(self, user_id: str, body: Mapping[str, Any]) -> Resource | None:
        """SCIM PUT: the user as ``body`` has them, keeping their id and creation time."""
        with self._lock:
            old = self.users.get(user_id)
            if old is None:
                return None
            new = {**body, "id": user_id, "meta": {**old["meta"], "lastModified": self._stamp()}}
            self.users[user_id] = new
            self._touch_units(department(old), department(new))
            return new

    def delete_user(self, user_id: str) -> bool:
        with self._lock:
            user = self.users.pop(user_id, None)
            if user is not None:
                self._touch_units(department(user))
            return user is not None

    def give(self, specs: list[Mapping[str, Any]]) -> list[Resource]:
        """Add the people ``specs`` describe (nip, name, unit, position, and optionally rank,
        area_code and active), hired now; a unit the city does not have is kept as given."""
        with self._lock:
            added = []
            for spec in specs:
                given, _, family = str(spec.get("name", "Pegawai Baru")).partition(" ")
                identity = Identity(spec["nip"], given, family, "", date.today())
                self._factory.known(spec["nip"])
                unit = self.units.get(spec["unit"]) or Unit(spec["unit"], spec["unit"], "", ())
                user = self._add_user(identity, unit, spec["position"], rank=spec.get("rank"))
                user[CIVIL_SERVICE]["postingAreaCode"] = spec.get("area_code", unit.area_code)
                user["active"] = spec.get("active", True)
                self._given.add(user["id"])
                self._touch_units(unit.name)
                added.append(user)
            return added

    def tick(
        self, hires: int = 0, moves: int = 0, leavers: int = 0, suspensions: int = 0
    ) -> dict[str, list[str]]:
        """Hire people into free posts, move people to free posts in other units, let people
        leave, and suspend people or take them back; the ids of the users changed each way."""
        with self._lock:
            return {
                "hired": [self._hire() for _ in range(hires)],
                "moved": [self._move(user_id) for user_id in self._sample(moves)],
                "left": [self._leave(user_id) for user_id in self._sample(leavers)],
                "suspended": [self._suspend(user_id) for user_id in self._sample(suspensions)],
            }

    def _initial_posts(self, size: int) -> list[tuple[str, str]]:
        """The posts filled at the start: heads first (but a few), then the other seats."""
        heads, others = [], []
        for unit in self.units.values():
            posts = unit.posts()
            heads.append(posts[0])
            others += posts[1:]
        self._rng.shuffle(heads)
        self._rng.shuffle(others)
        kept = len(heads) - round(len(heads) * VACANT_HEADS)
        return (heads[:kept] + others + heads[kept:])[:size]

    def _free_posts(self, except_unit: str | None = None) -> list[tuple[str, str]]:
        held = Counter((department(user), position(user)) for user in self.users.values())
        free = []
        for unit in self.units.values():
            if unit.name == except_unit:
                continue
            for post in unit.posts():
                if held[post] > 0:
                    held[post] -= 1
                else:
                    free.append(post)
        return free

    def _hire(self) -> str:
        free = self._free_posts()
        unit_name, title = self._rng.choice(free) if free else self._rng.choice(self._all_posts())
        user = self._add_user(self._factory.identity(), self.units[unit_name], title)
        self._touch_units(unit_name)
        return user["id"]

    def _move(self, user_id: str) -> str:
        user = self.users[user_id]
        free = self._free_posts(except_unit=department(user)) or self._all_posts()
        unit_name, title = self._rng.choice(free)
        unit = self.units[unit_name]
        moved = {
            **user,
            "title": title,
            ENTERPRISE: {
                **user[ENTERPRISE],
                "department": unit.name,
                "organization": unit.organization,
            },
            CIVIL_SERVICE: {
                **user[CIVIL_SERVICE],
                "position": title,
                "postingAreaCode": unit.area_code,
            },
            "meta": {**user["meta"], "lastModified": self._stamp()},
        }
        self.users[user_id] = moved
        self._touch_units(department(user), unit.name)
        return user_id

    def _leave(self, user_id: str) -> str:
        self._touch_units(department(self.users.pop(user_id)))
        return user_id

    def _suspend(self, user_id: str) -> str:
        user = self.users[user_id]
        self.users[user_id] = {
            **user,
            "active": not user.get("active", True),
            "meta": {**user["meta"], "lastModified": self._stamp()},
        }
        return user_id

    def _sample(self, count: int) -> list[str]:
        return self._rng.sample(sorted(self.users), min(count, len(self.users)))

    def _all_posts(self) -> list[tuple[str, str]]:
        return [post for unit in self.units.values() for post in unit.posts()]

    def _add_user(
        self,
        identity: Identity,
        unit: Unit,
        title: str,
        *,
        rank: str | None = None,
        past: bool = False,
    ) -> Resource:
        """A new user in ``unit`` as ``title``; ``past`` ones were hired and last changed at
        seeded times before now."""
        created, modified = self._history() if past else (self._stamp(),) * 2
        user_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        user = {
            "schemas": [USER_SCHEMA, ENTERPRISE, CIVIL_SERVICE],
            "id": user_id,
            "userName": identity.nip,
            "name": {
                "formatted": identity.display_name,
                "givenName": identity.given_name,
                "familyName": identity.family_name,
            },
            "displayName": identity.display_name,
            "title": title,
            "active": not past or self._rng.random() >= INACTIVE_SHARE,
            "emails": [{"value": email(identity), "type": "work", "primary": True}],
            ENTERPRISE: {
                "employeeNumber": identity.nip,
                "organization": unit.organization,
                "department": unit.name,
            },
            CIVIL_SERVICE: {
                "position": title,
                "rank": rank or self._factory.rank(title),
                "postingAreaCode": unit.area_code,
            },
            "meta": {"resourceType": "User", "created": created, "lastModified": modified},
        }
        self.users[user_id] = user
        return user

    def _group(self, unit: Unit) -> Resource:
        created, modified = self._history()
        return {
            "schemas": [GROUP_SCHEMA, FORMATION],
            "id": str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            "displayName": unit.name,
            FORMATION: {
                "organization": unit.organization,
                "areaCode": unit.area_code,
                "formation": [{"position": p, "count": c} for p, c in unit.formation],
            },
            "meta": {"resourceType": "Group", "created": created, "lastModified": modified},
        }

    def _history(self) -> tuple[str, str]:
        """A creation and a last change between four years and a month ago."""
        created = self._last - timedelta(days=self._rng.uniform(400, 1460))
        modified = created + timedelta(days=self._rng.uniform(0, 360))
        return format_time(created), format_time(modified)

    def _touch_units(self, *names: str | None) -> None:
        for group in self.groups.values():
            if group["displayName"] in names:
                group["meta"] = {**group["meta"], "lastModified": self._stamp()}

    def _stamp(self) -> str:
        """Now, or just after the latest change if the clock is behind it."""
        self._last = max(datetime.now(UTC), self._last + ONE_MICROSECOND)
        return format_time(self._last)


def department(user: Mapping[str, Any]) -> str | None:
    enterprise = user.get(ENTERPRISE)
    return enterprise.get("department") if isinstance(enterprise, Mapping) else None


def employee_number(user: Mapping[str, Any]) -> str | None:
    enterprise = user.get(ENTERPRISE)
    return enterprise.get("employeeNumber") if isinstance(enterprise, Mapping) else None


def position(user: Mapping[str, Any]) -> str | None:
    civil = user.get(CIVIL_SERVICE)
    return civil.get("position") if isinstance(civil, Mapping) else None


def email(identity: Identity) -> str:
    local = f"{identity.given_name}.{identity.family_name}.{identity.nip[-3:]}".lower()
    return f"{local}@{EMAIL_DOMAIN}"
