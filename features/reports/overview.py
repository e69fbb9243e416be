"""Reading the reports in aggregate: the recap page with its CSV and XLSX downloads, and the feed
of the latest accepted reports for the wall screens.

The feed and its thumbnails are for a kiosk with a valid screen token (in the ``X-Screen-Token``
header or ``?token=``), which sees every accepted report, and for signed-in people, who see the
accepted reports they may read. They show no descriptions, authors or coordinates.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Row, select, true
from sqlalchemy.orm import selectinload

from features.reports.access import readable
from features.reports.filters import ReportFilters, area_options, parse_filters
from features.reports.models import ACCEPTED, ActivityReport, ReportAttachment
from features.reports.queries import report_rows
from features.reports.recap import GROUPINGS, RecapRow, recap, recap_table
from features.reports.settings import report_settings
from hub.api import (
    PHOTO,
    Format,
    Problem,
    current_hub,
    download,
    open_storage,
    screen_token_granted,
)

FEED_SIZE = 20

blueprint = Blueprint(
    "report_overview", __name__, url_prefix="/reports", template_folder="templates"
)


@blueprint.get("/recap")
@login_required
def recap_page() -> str:
    filters, grouping, rows, problems = _recap()
    with current_hub().db.read_session() as session:
        districts, villages = area_options(session, current_user, filters.district)
    return render_template(
        "reports/recap.html",
        filters=filters,
        grouping=grouping,
        groupings=GROUPINGS,
        rows=rows,
        most=max((row.reports for row in rows), default=0),
        problems=problems,
        districts=districts,
        villages=villages,
        activity_types=report_settings(current_hub()).activity_types,
        downloads=_download_args(filters, grouping),
    )


@blueprint.get("/recap.csv")
@login_required
def recap_csv() -> Response:
    return _download("csv")


@blueprint.get("/recap.xlsx")
@login_required
def recap_xlsx() -> Response:
    return _download("xlsx")


@blueprint.get("/feed.json")
def feed() -> Response | tuple[Response, int]:
    """The latest accepted reports (of ``?kecamatan=CODE`` if given), with thumbnail URLs."""
    scope = _feed_scope()
    if scope is None:
        message = gettext("Sign in, or read the feed with a wall screen's token.")
        return _private(jsonify(error=message)), 403
    filters, _problems = parse_filters(
        {"kecamatan": request.args.get("kecamatan", "")},
        report_settings(current_hub()).activity_types,
    )
    where = [ActivityReport.status == ACCEPTED, scope, *filters.clauses()]
    with current_hub().db.read_session() as session:
        rows = session.execute(
            report_rows(*where)
            .options(selectinload(ActivityReport.attachments))
            .order_by(None)
            .order_by(ActivityReport.reviewed_at.desc(), ActivityReport.id.desc())
            .limit(FEED_SIZE)
        ).all()
        items = [_feed_item(row) for row in rows]
    response = _private(jsonify(reports=items))
    response.cache_control.max_age = 60
    return response


@blueprint.get("/feed/thumbnails/<int(max=2147483647):attachment_id>")
def feed_thumbnail(attachment_id: int) -> Response:
    scope = _feed_scope()
    if scope is None:
        abort(403)
    with current_hub().db.read_session() as session:
        digest = session.scalar(
            select(ReportAttachment.thumbnail_digest)
            .join(ActivityReport)
            .where(ReportAttachment.id == attachment_id, ActivityReport.status == ACCEPTED, scope)
        )
    if not digest:
        abort(404)
    response = send_file(
        open_storage(current_hub().settings).open(digest), mimetype="image/jpeg", etag=digest
    )
    response.cache_control.max_age = 3600
    return _private(response)


def _feed_scope() -> ColumnElement[bool] | None:
    """The reports the feed may show to this request: the ones a signed-in person may read,
    all of them to a kiosk with a valid screen token; None to anyone else."""
    if current_user.is_authenticated:
        return readable(current_user)
    return true() if screen_token_granted() else None


def _private(response: Response) -> Response:
    """Kept by the browser only: what the feed shows depends on who asks."""
    response.cache_control.private = True
    response.vary.add("Cookie")
    response.vary.add("X-Screen-Token")
    return response


def _recap() -> tuple[ReportFilters, str, list[RecapRow], list[Problem]]:
    settings = current_hub().settings
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    defaults = ReportFilters(date_from=today.replace(day=1), date_to=today)
    filters, problems = parse_filters(
        request.args, report_settings(current_hub()).activity_types, defaults
    )
    grouping = request.args.get("by", "kelurahan")
    grouping = grouping if grouping in GROUPINGS else "kelurahan"
    where = [readable(current_user), *filters.clauses()]
    with current_hub().db.read_session() as session:
        rows = recap(session, where, grouping)
    return filters, grouping, rows, problems


def _download_args(filters: ReportFilters, grouping: str) -> dict[str, str]:
    """The recap's query arguments for its downloads; a cleared date stays cleared (empty)
    rather than falling back on the default period."""
    args = {"by": grouping, **filters.query_args()}
    args.setdefault("from", "")
    args.setdefault("to", "")
    return args


def _download(fmt: Format) -> Response:
    filters, grouping, rows, _problems = _recap()
    period = (filters.date_from, filters.date_to)
    days = "-".join(day.isoformat() for day in period if day is not None)
    return download(recap_table(rows, grouping, period), fmt, f"recap-{days}" if days else "recap")


def _feed_item(row: Row) -> dict[str, object]:
    report = row.ActivityReport
    return {
        "id": report.id,
        "activity_type": report.activity_type,
        "title": report.title,
        "date": report.date.isoformat(),
        "kelurahan": row.village_name,
        "kecamatan": row.district_name,
        "participants": report.participants,
        "accepted_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
        "thumbnails": [
            url_for("report_overview.feed_thumbnail", attachment_id=item.id)
            for item in report.attachments
            if item.kind == PHOTO and item.thumbnail_digest
        ],
    }
