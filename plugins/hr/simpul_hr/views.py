"""The staffing pages: figures that count people, and a staff list that names them only for the
roles allowed to see personal data."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from hub.api import Area, Record, Source, current_user, has_role, read_session, roles_required
from simpul_hr import figures
from simpul_hr.figures import live
from simpul_hr.kinds import STAFF, STAFF_KIND
from simpul_hr.privacy import shows_personal_data, staff_row

READERS = ("admin", "operator", "officer")
STAFF_READERS = ("admin", "operator")
SOURCE_TYPES = ("scim", "attendance")
PAGE_SIZE = 50
TOP_UNITS = 20

blueprint = Blueprint(
    "hr", __name__, url_prefix="/hr", template_folder="templates", static_folder="static"
)


@blueprint.get("/")
@roles_required(*READERS)
def index() -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        kelurahan = defaultdict(list)
        for row in figures.headcount_per_kelurahan(session):
            kelurahan[row["kecamatan_code"]].append(row)
        open_posts = figures.vacancies(session)
        return render_template(
            "hr/index.html",
            today=today,
            totals=figures.staff_totals(session),
            opds=figures.headcount_per_opd(session),
            kecamatan=figures.headcount_per_kecamatan(session),
            kelurahan=kelurahan,
            vacancies=open_posts,
            top_units=[row for row in open_posts["units"] if row["vacant"]][:TOP_UNITS],
            attendance=figures.attendance_on(session, today, zone),
            trend=figures.attendance_trend(session, today, zone),
            sources=hr_sources(session),
            staff_list=has_role(*STAFF_READERS),
        )


@blueprint.get("/staff")
@roles_required(*STAFF_READERS)
def staff() -> str:
    with read_session() as session:
        units = session.scalars(
            select(Record.category)
            .where(*live(STAFF), Record.category.is_not(None))
            .distinct()
            .order_by(Record.category)
        ).all()
        unit = request.args.get("unit", "")
        where = [*live(STAFF), *([Record.category == unit] if unit in units else [])]
        total = session.scalar(select(func.count()).select_from(Record).where(*where)) or 0
        pages, page = paging(total)
        records = session.scalars(
            select(Record)
            .options(defer(Record.payload))
            .where(*where)
            .order_by(Record.category, Record.title, Record.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        personal = shows_personal_data(current_user.role)
        managers = manager_names(session, records) if personal else {}
        rows = [staff_row(record, current_user.role, managers) for record in records]
        return render_template(
            "hr/staff.html",
            rows=rows,
            names=area_names(session, [row["area_code"] for row in rows]),
            units=units,
            unit=unit if unit in units else "",
            total=total,
            page=page,
            pages=pages,
            personal=personal,
            kind=STAFF_KIND,
            sources=hr_sources(session),
            staff_list=True,
        )


def today_and_zone() -> tuple[date, ZoneInfo]:
    """Today in the city, and the city's time zone."""
    zone = ZoneInfo(str(get_timezone()))
    return datetime.now(zone).date(), zone


def manager_names(session: Session, records: list[Record]) -> dict[str, str]:
    """The names of the managers ``records`` name, by SCIM id: a provider may give only the id."""
    wanted = {
        manager["id"]
        for record in records
        if isinstance(manager := (record.attributes or {}).get("manager"), dict)
        and manager.get("id")
    }
    if not wanted:
        return {}
    scim_id = Record.attributes["scim_id"].as_string()
    found = session.execute(
        select(scim_id, Record.attributes["name"].as_string()).where(
            *live(STAFF), scim_id.in_(wanted)
        )
    )
    return {manager: name for manager, name in found if name}


def paging(total: int) -> tuple[int, int]:
    """The number of pages for ``total`` rows, and the ``?page=`` asked for within them."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    asked = request.args.get("page", "1")
    return pages, min(max(1, int(asked) if asked.isdigit() else 1), pages)


def area_names(session: Session, codes: list[str | None]) -> dict[str, str]:
    """Names of the areas ``codes``."""
    wanted = {code for code in codes if code}
    return dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(wanted))).all())


def hr_sources(session: Session) -> list[Source]:
    return list(
        session.scalars(select(Source).where(Source.type.in_(SOURCE_TYPES)).order_by(Source.name))
    )
