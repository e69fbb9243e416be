"""The latest activity reports of the kelurahan, as accepted by their reviewers, with a photo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from features.reports.models import ACCEPTED, KIND, ActivityReport
from features.reports.queries import report_rows
from hub.api import FEED, PHOTO, Widget, within

FEED_SIZE = 6


def latest_reports_widget() -> Widget:
    return Widget(
        "reports.latest",
        _l("Latest activity reports"),
        FEED,
        latest_reports,
        record_kinds=(KIND,),
    )


def latest_reports(session: Session, area: str | None, now: datetime) -> dict[str, Any]:
    where = [ActivityReport.status == ACCEPTED, ActivityReport.reviewed_at <= now]
    if area:
        where.append(within(ActivityReport.area_code, area))
    rows = session.execute(
        report_rows(*where)
        .options(selectinload(ActivityReport.attachments))
        .order_by(None)
        .order_by(ActivityReport.reviewed_at.desc(), ActivityReport.id.desc())
        .limit(FEED_SIZE)
    ).all()
    return {"items": [_item(row) for row in rows]}


def _item(row: Any) -> dict[str, Any]:
    report = row.ActivityReport
    item = {
        "title": report.title,
        "caption": " · ".join(
            part for part in (report.activity_type, row.village_name, row.district_name) if part
        ),
        "at": report.reviewed_at.isoformat(),
        "colour": "green",
    }
    photo = next(
        (each for each in report.attachments if each.kind == PHOTO and each.thumbnail_digest),
        None,
    )
    if photo is not None:
        item["image"] = url_for("report_overview.feed_thumbnail", attachment_id=photo.id)
    return item
