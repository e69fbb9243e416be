"""Reminders: a deadline that approaches, and one that passed, told on the scheduler's ticks.

Each target (the first response, the completion) has milestones: the reminder at
``approaching_share`` of the target time, told to those who handle the complaint; then the
deadline missed, told to them, to the people one level up (the kecamatan's office) and to the
agency's head; then each further full target time overdue one level higher again (the city's),
and to the agency's head again, for as many steps as ``escalate`` has. A milestone is told only
while it is the current one: a complaint first looked at long after a deadline skips the steps
it missed.

A case keeps ``remind_at``, when its next milestone begins. A tick locks the cases whose moment
came (at most ``BATCH``, skipping those another scheduler holds), tells their current
milestones, and moves ``remind_at`` on. Every message has a ``once_key``, so each is made once
per person however many schedulers tick at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from features.complaints.audience import above, ancestor, handlers, people
from features.complaints.models import ComplaintCase
from features.complaints.notices import area_names, complaint_url, titles
from features.complaints.settings import APPROACHING, OVERDUE, ReminderSettings, reminders_of
from features.complaints.statuses import FINISHED
from hub.api import Hub, Message, Record, User, notify

RESPONSE, COMPLETION = "response", "completion"
BATCH = 100
"""The most complaints one tick looks at; the rest wait for the next ticks."""


class Targets(Protocol):
    """What of a case its milestones follow from: a case, or its columns as attributes."""

    status: str
    received_at: datetime
    first_response_at: datetime | None
    response_due_at: datetime | None
    completion_due_at: datetime | None


@dataclass(frozen=True)
class Milestone:
    """One moment to tell people about one target of a complaint: ``step`` 0 is the reminder
    before the deadline, ``step`` n the n-th step overdue. It is current from ``starts`` until
    ``ends``."""

    measure: str
    step: int
    starts: datetime
    ends: datetime
    due: datetime

    def once_key(self, record_id: int) -> str:
        if self.step:
            return f"complaint:{record_id}:overdue:{self.measure}:step{self.step}"
        return f"complaint:{record_id}:approaching:{self.measure}"


@dataclass(frozen=True)
class Label:
    """How a message names a complaint: its number, title and kelurahan."""

    record_id: int
    title: str
    area: str | None


def milestones(case: Targets, rules: ReminderSettings) -> list[Milestone]:
    """Every milestone of the targets ``case`` has yet to meet, of the events told."""
    found = []
    for measure, due in _open_targets(case):
        period = due - case.received_at
        if period.total_seconds() <= 0:
            continue
        if APPROACHING in rules.events:
            found.append(
                Milestone(measure, 0, case.received_at + period * rules.approaching_share, due, due)
            )
        if OVERDUE in rules.events:
            for step in range(1, max(1, len(rules.escalate)) + 1):
                starts = due + period * (step - 1)
                found.append(Milestone(measure, step, starts, starts + period, due))
    return found


def first_look(case: Targets, rules: ReminderSettings, now: datetime) -> datetime | None:
    """When a case first needs looking at: the start of its current or next milestone."""
    return min((m.starts for m in milestones(case, rules) if m.ends > now), default=None)


def remind_due(hub: Hub, now: datetime) -> int:
    """The periodic task: tell the current milestones of the cases whose moment came; return
    how many cases it looked at."""
    rules = reminders_of(hub)
    with hub.db.session() as session:
        cases = session.scalars(
            select(ComplaintCase)
            .where(ComplaintCase.remind_at <= now)
            .order_by(ComplaintCase.remind_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if cases:
            _remind(hub, session, cases, rules, now)
    return len(cases)


def _remind(
    hub: Hub, session: Session, cases: list[ComplaintCase], rules: ReminderSettings, now: datetime
) -> None:
    """Tell each case's current milestones, to everyone concerned (read in one query), and
    move its ``remind_at`` to its next one."""
    ids = [case.record_id for case in cases]
    gone = set(
        session.scalars(select(Record.id).where(Record.id.in_(ids), Record.deleted_at.is_not(None)))
    )
    areas = {case.area_code for case in cases}
    ancestors = {ancestor(case.area_code, level) for case in cases for level in rules.escalate}
    users = people(
        session,
        areas | ancestors,
        {case.agency_code for case in cases},
        {case.assignee_id for case in cases},
    )
    found, names = titles(session, ids), area_names(session, areas)
    for case in cases:
        ahead = [] if case.record_id in gone else milestones(case, rules)
        label = Label(case.record_id, found.get(case.record_id, ""), names.get(case.area_code))
        for milestone in ahead:
            if milestone.starts <= now < milestone.ends:
                told = _audience(users, case, milestone, rules.escalate)
                notify(hub, session, told, _message(hub, case, milestone, label), now)
        case.remind_at = min((m.starts for m in ahead if m.starts > now), default=None)


def _audience(
    users: list[User], case: ComplaintCase, milestone: Milestone, levels: tuple[str, ...]
) -> list[User]:
    """Before the deadline, those who handle the complaint; at the deadline, they and the
    first level up; at each further step, the next level up. The agency's head at each step."""
    if milestone.step == 0:
        return handlers(users, case)
    level = levels[milestone.step - 1] if milestone.step <= len(levels) else None
    own = handlers(users, case) if milestone.step == 1 else []
    return [*own, *above(users, case, level)]


def _message(hub: Hub, case: ComplaintCase, milestone: Milestone, label: Label) -> Message:
    zone = ZoneInfo(hub.settings.timezone)
    due = milestone.due.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    kind = "complaint.overdue" if milestone.step else "complaint.approaching"
    return Message(
        kind=kind,
        url=complaint_url(case),
        text=_text(milestone, label, due),
        once_key=milestone.once_key(case.record_id),
    )


def _text(milestone: Milestone, label: Label, due: str) -> Callable[[int], tuple[str, str]]:
    response = milestone.measure == RESPONSE
    values = {"id": label.record_id, "title": label.title, "due": due, "area": label.area or "-"}

    def text(_count: int) -> tuple[str, str]:
        if not milestone.step:
            title = (
                gettext("Complaint #%(id)d: the first response is due at %(due)s", **values)
                if response
                else gettext("Complaint #%(id)d: completion is due at %(due)s", **values)
            )
            return title, gettext("%(title)s (%(area)s). Answer it before then.", **values)
        title = (
            gettext("Complaint #%(id)d is overdue for a first response", **values)
            if response
            else gettext("Complaint #%(id)d is overdue for completion", **values)
        )
        body = gettext(
            "%(title)s (%(area)s) passed its deadline, %(due)s. Answer it now, or see that it"
            " is answered.",
            **values,
        )
        return title, body

    return text


def _open_targets(case: Targets) -> list[tuple[str, datetime]]:
    """The targets ``case`` has yet to meet, with their deadlines."""
    if case.status in FINISHED:
        return []
    targets = []
    if case.first_response_at is None and case.response_due_at:
        targets.append((RESPONSE, case.response_due_at))
    if case.completion_due_at:
        targets.append((COMPLETION, case.completion_due_at))
    return targets
