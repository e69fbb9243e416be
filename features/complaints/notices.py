"""Telling people what happens to complaints, in the transaction of the change.

New complaints in a sync page are told to the people who handle them, one message per group of
people with the same area and agency, folding into what they have not read or been sent today
("12 aduan baru di Setu"). A hand-off is told to those it reaches, an assignment to the person
assigned, and a reopening (the citizen's dispute, or an operator's) to those who handle it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from features.complaints.audience import handlers, handles, people
from features.complaints.models import ComplaintCase
from features.complaints.settings import (
    ASSIGNED,
    HANDED_OFF,
    NEW,
    REOPENED,
    reminders_of,
    routing_of,
)
from features.complaints.statuses import FINISHED
from hub.api import Area, Hub, Message, Record, User, level_of, notify, utcnow

TITLE_LENGTH = 80
NOTE_LENGTH = 200
Text = Callable[[int], tuple[str, str]]
FILTERS = {"village": "kelurahan", "district": "kecamatan"}
"""The complaint list's filter for an area of each level."""


def new_complaints(hub: Hub, session: Session, cases: Sequence[Mapping], now: datetime) -> None:
    """Tell the people who handle them of the complaints a sync page saw first (the new
    cases' columns), those not finished already."""
    waiting = [case for case in cases if case["status"] not in FINISHED]
    if NEW not in reminders_of(hub).events or not waiting:
        return
    areas = {case["area_code"] for case in waiting}
    agencies = {case["agency_code"] for case in waiting}
    groups: dict[tuple[str | None, str | None], list[User]] = {}
    for user in people(session, areas, agencies):
        groups.setdefault(_scope(user), []).append(user)
    names = area_names(session, {area for area, _ in groups})
    day = local_day(hub, now)
    for (area, agency), members in groups.items():
        count = sum(handles(members[0], c["area_code"], c["agency_code"]) for c in waiting)
        if count:
            message = Message(
                kind="complaint.new",
                url=_list_url(area),
                text=_new_text(names.get(area or "", area), _agency_name(hub, agency)),
                fold_key=f"complaints:new:{agency or ''}:{area or ''}:{day}",
                count=count,
            )
            notify(hub, session, members, message, now)


def handed_off(
    hub: Hub,
    session: Session,
    actor: User,
    case: ComplaintCase,
    before: tuple[str | None, str | None],
    note: str,
) -> None:
    """Tell the people a hand-off reaches: those who did not handle the complaint at its
    ``before`` area and agency."""
    if HANDED_OFF not in reminders_of(hub).events:
        return
    area, agency = before
    users = people(session, (case.area_code, area), (case.agency_code, agency))
    told = [
        user
        for user in users
        if handles(user, case.area_code, case.agency_code)
        and not handles(user, area, agency)
        and user.id != actor.id
    ]
    title = titles(session, [case.record_id])[case.record_id]
    text = _handed_off_text(case.record_id, title, _person(actor), note)
    notify(hub, session, told, Message("complaint.handed_off", complaint_url(case), text))


def assigned(hub: Hub, session: Session, actor: User, case: ComplaintCase, assignee: User) -> None:
    """Tell the person a complaint is assigned to, unless they took it themselves."""
    if ASSIGNED not in reminders_of(hub).events or assignee.id == actor.id:
        return
    title = titles(session, [case.record_id])[case.record_id]
    text = _assigned_text(case.record_id, title, _person(actor))
    notify(hub, session, [assignee], Message("complaint.assigned", complaint_url(case), text))


def reopened(
    hub: Hub, session: Session, cases: Collection[ComplaintCase], actor: User | None = None
) -> None:
    """Tell the people who handle each complaint that it is open again: disputed by the
    citizen (no ``actor``), or reopened by ``actor``."""
    if REOPENED not in reminders_of(hub).events or not cases:
        return
    users = people(
        session,
        {case.area_code for case in cases},
        {case.agency_code for case in cases},
        {case.assignee_id for case in cases},
    )
    found = titles(session, [case.record_id for case in cases])
    by = _person(actor) if actor else None
    for case in cases:
        told = [user for user in handlers(users, case) if actor is None or user.id != actor.id]
        text = _reopened_text(case.record_id, found[case.record_id], by)
        notify(hub, session, told, Message("complaint.reopened", complaint_url(case), text))


def titles(session: Session, record_ids: Iterable[int]) -> dict[int, str]:
    """Each complaint's title, cut to a length a message title can hold."""
    rows = session.execute(select(Record.id, Record.title).where(Record.id.in_(list(record_ids))))
    return {record_id: short(title, TITLE_LENGTH) for record_id, title in rows}


def area_names(session: Session, codes: Collection[str | None]) -> dict[str, str]:
    wanted = [code for code in codes if code]
    if not wanted:
        return {}
    return dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(wanted))).all())


def complaint_url(case: ComplaintCase) -> str:
    return f"/complaints/{case.record_id}"


def local_day(hub: Hub, now: datetime | None = None) -> date:
    """The day ``now`` is in the city."""
    return (now or utcnow()).astimezone(ZoneInfo(hub.settings.timezone)).date()


def short(text: str | None, length: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _scope(user: User) -> tuple[str | None, str | None]:
    """The area and agency of the complaints ``user`` is told of: people of one scope are
    told the same."""
    return user.area_code, user.agency_code if user.role == "officer" else None


def _list_url(area: str | None) -> str:
    name = FILTERS.get(level_of(area)) if area else None
    return f"/complaints?{name}={area}" if name else "/complaints"


def _agency_name(hub: Hub, code: str | None) -> str | None:
    agency = routing_of(hub).agency(code) if code else None
    return agency.name if agency else code


def _person(user: User) -> str:
    return user.full_name or user.username


def _new_text(area: str | None, agency: str | None) -> Text:
    def text(count: int) -> tuple[str, str]:
        if agency and area:
            title = ngettext(
                "%(num)d new complaint for %(agency)s in %(area)s",
                "%(num)d new complaints for %(agency)s in %(area)s",
                count,
                agency=agency,
                area=area,
            )
        elif agency:
            title = ngettext(
                "%(num)d new complaint for %(agency)s",
                "%(num)d new complaints for %(agency)s",
                count,
                agency=agency,
            )
        else:
            title = ngettext(
                "%(num)d new complaint in %(area)s",
                "%(num)d new complaints in %(area)s",
                count,
                area=area,
            )
        body = gettext("They wait for a first response: open the list and answer the oldest first.")
        return title, body

    return text


def _handed_off_text(record_id: int, title: str, person: str, note: str) -> Text:
    def text(_count: int) -> tuple[str, str]:
        return (
            gettext("Complaint #%(id)d is handed off to you: %(title)s", id=record_id, title=title),
            gettext(
                "%(person)s handed it off: “%(note)s” Open it and take it on.",
                person=person,
                note=short(note, NOTE_LENGTH),
            ),
        )

    return text


def _assigned_text(record_id: int, title: str, person: str) -> Text:
    def text(_count: int) -> tuple[str, str]:
        return (
            gettext("Complaint #%(id)d is assigned to you: %(title)s", id=record_id, title=title),
            gettext(
                "%(person)s assigned it to you: open it, handle it and answer the citizen.",
                person=person,
            ),
        )

    return text


def _reopened_text(record_id: int, title: str, person: str | None) -> Text:
    def text(_count: int) -> tuple[str, str]:
        if person:
            body = gettext("%(person)s reopened it. Look at it again and answer.", person=person)
        else:
            body = gettext("The citizen disputed the result. Look at it again and answer.")
        line = gettext("Complaint #%(id)d is open again: %(title)s", id=record_id, title=title)
        return line, body

    return text
