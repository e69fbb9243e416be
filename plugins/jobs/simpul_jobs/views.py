"""The jobs pages: figures for everyone, seekers and vacancies, and the matching that only the
labour agency sees."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, defer

from hub.api import (
    Area,
    Record,
    Source,
    Table,
    area_scope,
    current_user,
    download,
    has_role,
    is_within,
    read_session,
    roles_required,
)
from simpul_jobs import figures
from simpul_jobs.dates import iso_moment
from simpul_jobs.kinds import CLOSED, OPEN, PLACEMENT, SEEKER, SEEKER_KIND, VACANCY, VACANCY_KIND
from simpul_jobs.matching import seekers_for, vacancies_for
from simpul_jobs.privacy import EXPORT, LABOUR_AGENCY, seeker_row
from simpul_jobs.queries import SOURCE_TYPES, attribute, in_area, live, open_vacancies

ALL_ROLES = ("admin", "operator", "officer", "ward_staff")
CITY_WIDE = ("admin", "operator")
PAGE_SIZE = 50
EMPLOYMENT_TYPES = {
    "FULL_TIME": _l("Full time"),
    "PART_TIME": _l("Part time"),
    "CONTRACTOR": _l("Contract"),
    "TEMPORARY": _l("Temporary"),
    "INTERN": _l("Internship"),
    "VOLUNTEER": _l("Volunteer"),
    "PER_DIEM": _l("Daily paid"),
    "OTHER": _l("Other"),
}
"""Labels of schema.org's employmentType values."""

blueprint = Blueprint(
    "jobs", __name__, url_prefix="/jobs", template_folder="templates", static_folder="static"
)


@blueprint.get("/")
@roles_required(*ALL_ROLES)
def index() -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        districts = district_options(session)
        area, error = chosen_area(districts)
        return render_template(
            "jobs/index.html",
            districts=districts,
            area=area,
            error=error,
            today=today,
            weeks=figures.registrations_per_week(session, today, area, zone),
            vacancies=figures.open_vacancy_totals(session, today, area, zone),
            placement=figures.placement_rate(session, today, area, zone),
            expiring=figures.expiring_cards(session, today, area),
            by_sector=figures.seekers_per_opening(session, today, "sector", area, zone),
            by_education=figures.seekers_per_opening(session, today, "education", area, zone),
            kecamatan_rows=figures.by_kecamatan(session, today, area, zone),
            sources=job_sources(session),
        )


@blueprint.get("/seekers")
@roles_required(*ALL_ROLES)
def seekers() -> str:
    with read_session() as session:
        districts = district_options(session)
        area, error = chosen_area(districts)
        where = seeker_filters(area)
        total = session.scalar(select(func.count()).select_from(Record).where(*where)) or 0
        pages, page = paging(total)
        records = session.scalars(
            newest_seekers(where).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
        rows = [seeker_row(record, current_user.role) for record in records]
        names = area_names(session, [row["area_code"] for row in rows])
    return render_template(
        "jobs/seekers.html",
        rows=rows,
        names=names,
        total=total,
        page=page,
        pages=pages,
        districts=districts,
        area=area,
        error=error,
        kind=SEEKER_KIND,
        agency=has_role(*LABOUR_AGENCY),
    )


@blueprint.get("/seekers.csv")
@roles_required(*ALL_ROLES)
def seekers_export() -> Response:
    """The seekers on the list, without anyone's personal data, whoever asks."""
    _, zone = today_and_zone()
    with read_session() as session:
        area, error = chosen_area(district_options(session))
        if error:
            abort(400)
        records = session.scalars(newest_seekers(seeker_filters(area))).all()
        rows = [seeker_row(record, current_user.role, EXPORT) for record in records]
        names = area_names(session, [row["area_code"] for row in rows])
    return download(seekers_table(rows, names, zone), "csv", "pencari-kerja")


@blueprint.get("/seekers/<int:record_id>")
@roles_required(*LABOUR_AGENCY)
def seeker(record_id: int) -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        record = one_record(session, SEEKER, record_id)
        fits = vacancies_for(session, record, today, zone)
        placements = session.scalars(
            select(Record)
            .where(
                *live(PLACEMENT),
                Record.source_id == record.source_id,
                attribute("seeker") == record.external_id,
            )
            .order_by(Record.created_at.desc())
        ).all()
        names = area_names(session, [record.area_code, *(f.record.area_code for f in fits)])
        return render_template(
            "jobs/seeker.html",
            row=seeker_row(record, current_user.role),
            fits=fits,
            placements=placements,
            names=names,
            kind=SEEKER_KIND,
        )


@blueprint.get("/vacancies")
@roles_required(*ALL_ROLES)
def vacancies() -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        districts = district_options(session)
        area, error = chosen_area(districts)
        open_here = [*open_vacancies(today, zone), *in_area(area)]
        sectors = session.scalars(
            select(Record.category)
            .where(*open_here, Record.category.is_not(None))
            .distinct()
            .order_by(Record.category)
        ).all()
        sector = request.args.get("sector", "")
        where = [*open_here, *([Record.category == sector] if sector in sectors else [])]
        records, total, pages, page = newest_page(session, where)
        names = area_names(session, [record.area_code for record in records])
        return render_template(
            "jobs/vacancies.html",
            records=records,
            names=names,
            total=total,
            page=page,
            pages=pages,
            districts=districts,
            area=area,
            error=error,
            sectors=sectors,
            sector=sector,
            agency=has_role(*LABOUR_AGENCY),
        )


@blueprint.get("/vacancies/<int:record_id>")
@roles_required(*LABOUR_AGENCY)
def vacancy(record_id: int) -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        record = one_record(session, VACANCY, record_id)
        scope = area_scope(Record.area_code, current_user)
        fits = seekers_for(session, record, today, scope)
        rows = [(seeker_row(f.record, current_user.role), f.shared_skills) for f in fits]
        names = area_names(session, [record.area_code, *(f.record.area_code for f in fits)])
        description = (record.payload or {}).get("description")
        return render_template(
            "jobs/vacancy.html",
            record=record,
            status=vacancy_status(record, datetime.now(zone)),
            description=description if isinstance(description, str) else "",
            rows=rows,
            names=names,
            kind=VACANCY_KIND,
            employment_types=EMPLOYMENT_TYPES,
        )


@blueprint.app_template_filter("parse_iso")
def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 time kept in a record's attributes, for the ``when`` filter."""
    return datetime.fromisoformat(value) if value else None


def today_and_zone() -> tuple[date, ZoneInfo]:
    """Today in the city, and the city's time zone."""
    zone = ZoneInfo(str(get_timezone()))
    return datetime.now(zone).date(), zone


def own_area() -> str | None:
    """The area the signed-in user's seekers and figures are limited to; None for the city.

    Admins and operators see the whole city, as do officers without an area; ward staff
    without an area see nothing.
    """
    if has_role(*CITY_WIDE):
        return None
    if current_user.area_code:
        return current_user.area_code
    if has_role("officer"):
        return None
    abort(403)


def district_options(session: Session) -> list[Area]:
    """The kecamatan with seekers or vacancies that the signed-in user may choose, by name."""
    own = own_area()
    district = func.substr(Record.area_code, 1, 8)
    codes = select(district).where(
        Record.kind.in_((SEEKER, VACANCY)), Record.deleted_at.is_(None), *in_area(own)
    )
    found = session.scalars(
        select(Area).where(Area.level == "district", Area.code.in_(codes)).order_by(Area.name)
    ).all()
    return [area for area in found if own is None or is_within(area.code, own)]


def chosen_area(districts: list[Area]) -> tuple[str | None, str | None]:
    """The kecamatan asked for with ``?kecamatan=`` if it is one of ``districts``, else the
    signed-in user's own area; and the error to show if it is not one of them."""
    requested = request.args.get("kecamatan", "")
    if requested in {area.code for area in districts}:
        return requested, None
    error = _("There is no kecamatan %(code)s to choose.", code=requested) if requested else None
    return own_area(), error


def seeker_filters(area: str | None) -> list[ColumnElement[bool]]:
    """The seekers the signed-in user may list, in ``area`` and with the ``?status=`` asked for."""
    where = [*live(SEEKER), area_scope(Record.area_code, current_user), *in_area(area)]
    status = request.args.get("status", "")
    if SEEKER_KIND.status(status):
        where.append(Record.status == status)
    return where


def newest_seekers(where: list[ColumnElement[bool]]) -> Select:
    return (
        select(Record)
        .options(defer(Record.payload))
        .where(*where)
        .order_by(Record.created_at.desc(), Record.id.desc())
    )


def one_record(session: Session, kind: str, record_id: int) -> Record:
    """The live record ``record_id`` of ``kind`` in the signed-in user's area, or 404."""
    record = session.scalar(
        select(Record).where(
            Record.id == record_id, *live(kind), area_scope(Record.area_code, current_user)
        )
    )
    if record is None:
        abort(404)
    return record


def newest_page(session: Session, where: list) -> tuple[list[Record], int, int, int]:
    """The ``?page=`` asked for of the records ``where`` selects, newest first (without their
    payloads), with how many there are, the number of pages and the page number."""
    total = session.scalar(select(func.count()).select_from(Record).where(*where)) or 0
    pages, page = paging(total)
    records = session.scalars(
        select(Record)
        .options(defer(Record.payload))
        .where(*where)
        .order_by(Record.created_at.desc(), Record.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(records), total, pages, page


def paging(total: int) -> tuple[int, int]:
    """The number of pages for ``total`` rows, and the ``?page=`` asked for within them."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    asked = request.args.get("page", "1")
    page = int(asked) if asked.isdigit() else 1
    return pages, min(max(1, page), pages)


def area_names(session: Session, codes: list[str | None]) -> dict[str, str]:
    """Names of the areas ``codes``, and of the kecamatan they lie in."""
    wanted = {code for code in codes if code} | {c.rsplit(".", 1)[0] for c in codes if c}
    return dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(wanted))).all())


def vacancy_status(vacancy: Record, now: datetime) -> str:
    """Open or closed now: the deadline decides, whatever the status of the last sync was."""
    deadline = (vacancy.attributes or {}).get("deadline")
    return CLOSED if deadline and deadline < iso_moment(now) else OPEN


def job_sources(session: Session) -> list[Source]:
    return list(
        session.scalars(select(Source).where(Source.type.in_(SOURCE_TYPES)).order_by(Source.name))
    )


def seekers_table(rows: list[dict[str, Any]], names: dict[str, str], zone: ZoneInfo) -> Table:
    """The seeker ``rows`` as a table to download, one seeker a line."""
    header = [
        _("AK/1 number"),
        _("Status"),
        _("Education"),
        _("Skills"),
        _("Preferred sector"),
        _("Kelurahan code"),
        _("Kelurahan"),
        _("Registered"),
        _("AK/1 valid until"),
    ]
    lines = [
        [
            row["registration"],
            row["status"],
            row["education"],
            "; ".join(row["skills"]),
            row["sector"],
            row["area_code"],
            names.get(row["area_code"] or "", ""),
            row["registered_at"].astimezone(zone).date(),
            row["ak1_valid_until"],
        ]
        for row in rows
    ]
    return Table(header, lines, _("Job seekers"))
