"""The complaint pages: a filtered list and one complaint's detail."""

from __future__ import annotations

import math
from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func

from features.complaints.kind import KIND
from features.complaints.queries import (
    complaint_rows,
    complaints,
    filter_options,
    newest_first,
    visible_complaints,
)
from features.complaints.views.filters import parse_filters
from features.complaints.views.handling import render_detail
from hub.api import RecordKind, current_hub, health_of_all

PAGE_SIZE = 50

blueprint = Blueprint("complaints", __name__, template_folder="../templates")


def complaint_kind() -> RecordKind:
    return current_hub().record_kinds[KIND]


@blueprint.get("/complaints")
@login_required
def index() -> str:
    kind = complaint_kind()
    visible = visible_complaints(current_user)
    with current_hub().db.read_session() as session:
        options = filter_options(session, visible, kind, request.args.get("kecamatan", ""))
        filters, errors = parse_filters(request.args, options)
        where = visible + filters.clauses()
        total = session.scalar(complaints(func.count()).where(*where))
        pages = max(1, math.ceil(total / PAGE_SIZE))
        filters = replace(filters, page=min(filters.page, pages))
        rows = session.execute(
            newest_first(complaint_rows().where(*where))
            .offset((filters.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        sources = health_of_all(session)
    return render_template(
        "complaints/index.html",
        kind=kind,
        rows=rows,
        total=total,
        pages=pages,
        filters=filters,
        options=options,
        errors=errors,
        sources=sources,
    )


@blueprint.get("/complaints/<int:record_id>")
@login_required
def detail(record_id: int) -> tuple[str, int]:
    return render_detail(record_id)
