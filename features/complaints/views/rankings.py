"""The rankings page, the weekly performance report, and downloads of the complaint list.

Rankings and the weekly report are for admins, operators and officers, over the whole city: they
compare areas and agencies. A camat reads the weekly report of their own kecamatan. A complaint
list download is for anyone who can read the list, and holds exactly what the list shows them:
the same filters, within their own scope.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal, format_percent, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from features.complaints.cases import KIND
from features.complaints.exports import complaint_export_rows, complaint_table
from features.complaints.models import ComplaintCase
from features.complaints.queries import filter_options, visible_complaints
from features.complaints.rankings import (
    AGENCY,
    GROUPINGS,
    KELURAHAN,
    Period,
    Scope,
    leaderboard,
    rank,
    total_of,
)
from features.complaints.settings import routing_of
from features.complaints.views.filters import (
    BAD_END_DATE,
    BAD_START_DATE,
    UNKNOWN_DISTRICT,
    parse_filters,
)
from features.complaints.weekly import IsoWeek, WeeklyReport, weekly_report, weekly_table
from hub.api import Area, Table, User, current_hub, download, level_of, roles_required, utcnow

READERS = ("admin", "operator", "officer")
DEFAULT_DAYS = 7
LEADERBOARD_SIZE = 5
NOT_A_WEEK = _l("“%(value)s” is not a week: write it as YYYY-Www, for example 2024-W19.")
UNKNOWN_GROUPING = _l("Unknown grouping “%(value)s”.")
UNKNOWN_AGENCY = _l("Unknown agency “%(value)s”.")

blueprint = Blueprint(
    "rankings", __name__, url_prefix="/complaints", template_folder="../templates"
)


@dataclass(frozen=True)
class RankingChoice:
    """What the rankings page shows: a grouping, over the days ``date_from`` to ``date_to``."""

    grouping: str
    date_from: date
    date_to: date

    def period(self, zone: ZoneInfo) -> Period:
        end = self.date_to + timedelta(days=1)
        return Period(_midnight(self.date_from, zone), _midnight(end, zone))


@dataclass(frozen=True)
class WeeklyChoice:
    """What the weekly report covers: a week, and optionally a kecamatan and an agency."""

    week: IsoWeek
    district: str = ""
    agency: str = ""

    def query_args(self) -> dict[str, str]:
        args = {"week": str(self.week), "kecamatan": self.district, "agency": self.agency}
        return {name: value for name, value in args.items() if value}

    def scope(self) -> Scope:
        return Scope(area=self.district or None, agency=self.agency or None)


@blueprint.context_processor
def number_formats() -> dict[str, Any]:
    return {"percent": percent, "hours": hours, "points": points}


@blueprint.get("/rankings")
@roles_required(*READERS)
def index() -> str:
    hub = current_hub()
    zone = _zone()
    choice, errors = parse_ranking_choice(request.args, _today(zone))
    period, now = choice.period(zone), utcnow()
    with hub.db.read_session() as session:
        rows = rank(session, choice.grouping, period, now, routing_of(hub))
        total = total_of(session, rows, period)
    return render_template(
        "rankings/index.html",
        choice=choice,
        groupings=GROUPINGS,
        rows=rows,
        total=total,
        board=leaderboard(rows, LEADERBOARD_SIZE),
        links_to_list=choice.grouping != AGENCY,
        errors=errors,
        now=now,
    )


@blueprint.get("/weekly")
@login_required
def weekly() -> str:
    held_to = weekly_district(current_user)
    routing = routing_of(current_hub())
    with current_hub().db.read_session() as session:
        choice, errors = parse_weekly_choice(session, request.args, _today(_zone()), held_to)
        report = _weekly_report(session, choice)
        districts = district_options(session)
        if held_to:
            districts = [area for area in districts if area.code == held_to]
        district = session.get(Area, choice.district) if choice.district else None
    return render_template(
        "rankings/weekly.html",
        choice=choice,
        report=report,
        groupings=GROUPINGS,
        districts=districts,
        district=district,
        agencies=routing.agencies,
        agency=routing.agency(choice.agency),
        errors=errors,
    )


@blueprint.get("/weekly.csv")
@login_required
def weekly_csv() -> Response | tuple[str, int]:
    report, errors = _requested_weekly_report()
    if errors:
        return _refused(errors)
    return download(_weekly_table(report), "csv", _weekly_name(report))


@blueprint.get("/weekly.xlsx")
@login_required
def weekly_xlsx() -> Response | tuple[str, int]:
    report, errors = _requested_weekly_report()
    if errors:
        return _refused(errors)
    return download(_weekly_table(report), "xlsx", _weekly_name(report))


@blueprint.get("/export.csv")
@login_required
def export_csv() -> Response | tuple[str, int]:
    where, errors = _list_filters()
    if errors:
        return _refused(errors)
    return download(complaint_table(_complaint_rows(where)), "csv", _list_name())


@blueprint.get("/export.xlsx")
@login_required
def export_xlsx() -> Response | tuple[str, int]:
    where, errors = _list_filters()
    if errors:
        return _refused(errors)
    return download(complaint_table(_complaint_rows(where)), "xlsx", _list_name())


def parse_ranking_choice(args: Mapping[str, str], today: date) -> tuple[RankingChoice, list[str]]:
    """The grouping (``by``) and days (``from``, ``to``) asked for; by default the kelurahan
    over the last seven days. A value that is not allowed is replaced and explained."""
    errors: list[str] = []
    grouping = args.get("by", "").strip() or KELURAHAN
    if grouping not in GROUPINGS:
        errors.append(UNKNOWN_GROUPING % {"value": grouping})
        grouping = KELURAHAN
    date_from = _day(args, "from", today - timedelta(days=DEFAULT_DAYS - 1), BAD_START_DATE, errors)
    date_to = _day(args, "to", today, BAD_END_DATE, errors)
    if date_from > date_to:
        errors.append(gettext("The start date is after the end date."))
        date_from, date_to = date_to, date_from
    return RankingChoice(grouping, date_from, date_to), errors


def parse_weekly_choice(
    session: Session, args: Mapping[str, str], today: date, held_to: str | None = None
) -> tuple[WeeklyChoice, list[str]]:
    """The week (``week``, by default the last full week), kecamatan and agency asked for;
    the kecamatan is ``held_to`` when the reader may see only that one."""
    errors: list[str] = []
    week = IsoWeek.containing(today).previous()
    text = args.get("week", "").strip()
    if text:
        try:
            week = IsoWeek.parse(text)
        except ValueError:
            errors.append(NOT_A_WEEK % {"value": text})
    district = args.get("kecamatan", "").strip()
    if (
        district
        and session.scalar(select(Area.code).where(Area.code == district, Area.level == "district"))
        is None
    ):
        errors.append(UNKNOWN_DISTRICT % {"value": district})
        district = ""
    if held_to:
        district = held_to
    agency = args.get("agency", "").strip()
    if agency and routing_of(current_hub()).agency(agency) is None:
        errors.append(UNKNOWN_AGENCY % {"value": agency})
        agency = ""
    return WeeklyChoice(week, district, agency), errors


def weekly_district(user: User) -> str | None:
    """The kecamatan ``user``'s weekly report is held to: a camat (ward staff of a kecamatan)
    reads only theirs, the staff of a city's office the whole report; others get 403."""
    if user.role in READERS:
        return None
    level = level_of(user.area_code) if user.area_code else None
    if user.role != "ward_staff" or level not in ("district", "regency"):
        abort(403)
    return user.area_code if level == "district" else None


def district_options(session: Session) -> Sequence[Area]:
    """The kecamatan that have complaints, by name."""
    case_areas = select(ComplaintCase.area_code).distinct().scalar_subquery()
    parents = select(Area.parent_code).where(Area.code.in_(case_areas))
    return session.scalars(
        select(Area)
        .where(Area.level == "district", or_(Area.code.in_(parents), Area.code.in_(case_areas)))
        .order_by(Area.name)
    ).all()


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else format_percent(fraction, "#,##0.0%")


def hours(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, "#,##0.0")


def points(change: float | None) -> str:
    """A change in a rate, in percentage points with its sign."""
    return "—" if change is None else format_decimal(change * 100, "+#,##0.0;-#,##0.0")


def _weekly_report(session: Session, choice: WeeklyChoice) -> WeeklyReport:
    hub = current_hub()
    return weekly_report(session, choice.week, _zone(), routing_of(hub), utcnow(), choice.scope())


def _requested_weekly_report() -> tuple[WeeklyReport, list[str]]:
    held_to = weekly_district(current_user)
    with current_hub().db.read_session() as session:
        choice, errors = parse_weekly_choice(session, request.args, _today(_zone()), held_to)
        return _weekly_report(session, choice), errors


def _weekly_table(report: WeeklyReport) -> Table:
    header, *rows = weekly_table(report)
    return Table(header, rows, str(report.week))


def _weekly_name(report: WeeklyReport) -> str:
    parts = ["weekly", str(report.week), report.scope.area, report.scope.agency]
    return "-".join(part for part in parts if part)


def _list_filters() -> tuple[list[ColumnElement[bool]], list[str]]:
    """The complaint list's conditions for the signed-in user and the filters asked for."""
    kind = current_hub().record_kinds[KIND]
    visible = visible_complaints(current_user)
    with current_hub().db.read_session() as session:
        options = filter_options(session, visible, kind, request.args.get("kecamatan", ""))
    filters, errors = parse_filters(request.args, options)
    return visible + filters.clauses(), errors


def _complaint_rows(where: list[ColumnElement[bool]]) -> Iterator[list[Any]]:
    hub = current_hub()
    kind = hub.record_kinds[KIND]
    with hub.db.read_session() as session:
        yield from complaint_export_rows(session, where, utcnow(), kind, routing_of(hub), _zone())


def _list_name() -> str:
    return f"complaints-{_today(_zone()).isoformat()}"


def _refused(errors: list[str]) -> tuple[str, int]:
    page = render_template(
        "error.html",
        code=400,
        title=gettext("This cannot be downloaded"),
        message=" ".join(errors),
    )
    return page, 400


def _day(
    args: Mapping[str, str], name: str, default: date, message: Any, errors: list[str]
) -> date:
    value = args.get(name, "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(message % {"value": value})
        return default


def _zone() -> ZoneInfo:
    return ZoneInfo(current_hub().settings.timezone)


def _today(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone)
