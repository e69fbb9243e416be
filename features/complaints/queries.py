"""What the complaint pages read: the complaints a user may see, and the filters' options."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, aliased

from features.complaints.access import complaint_scope
from features.complaints.kind import KIND
from features.complaints.models import ComplaintCase
from features.complaints.views.filters import FilterOptions
from hub.api import Area, Record, RecordKind, Source, User

RecordArea = aliased(Area, name="record_area")
ParentArea = aliased(Area, name="parent_area")


def visible_complaints(user: User) -> list[ColumnElement[bool]]:
    """SQL conditions for the complaints ``user`` may read: not deleted, in their scope.

    They refer to :class:`ComplaintCase`: use them in :func:`complaints` queries.
    """
    return [Record.kind == KIND, Record.deleted_at.is_(None), complaint_scope(user)]


def complaints(*columns: Any) -> Select:
    """``select(*columns)`` over complaints joined with their cases."""
    return (
        select(*columns)
        .select_from(Record)
        .join(ComplaintCase, ComplaintCase.record_id == Record.id)
    )


def complaint_rows() -> Select:
    """Complaints with their case, their source's name, and their (routed) area's and its
    parent's names."""
    return (
        complaints(
            Record,
            ComplaintCase,
            Source.name.label("source_name"),
            RecordArea.name.label("area_name"),
            ParentArea.name.label("parent_name"),
        )
        .join(Source, Source.id == Record.source_id)
        .outerjoin(RecordArea, RecordArea.code == ComplaintCase.area_code)
        .outerjoin(ParentArea, ParentArea.code == RecordArea.parent_code)
    )


def newest_first(query: Select) -> Select:
    return query.order_by(Record.created_at.desc().nulls_last(), Record.id.desc())


def filter_options(
    session: Session, visible: list[ColumnElement[bool]], kind: RecordKind, district: str
) -> FilterOptions:
    """Statuses of ``kind``, and the categories and areas of the complaints in ``visible``.

    Kelurahan are limited to the chosen ``district`` when it is one of the options.
    """
    categories = session.scalars(
        complaints(Record.category)
        .where(*visible, Record.category.is_not(None))
        .distinct()
        .order_by(Record.category)
    ).all()
    areas = session.scalars(
        select(Area).where(Area.code.in_(complaints(ComplaintCase.area_code).where(*visible)))
    ).all()
    villages = sorted((a for a in areas if a.level == "village"), key=lambda a: a.name)
    district_codes = {a.parent_code for a in villages} | {
        a.code for a in areas if a.level == "district"
    }
    districts = session.scalars(
        select(Area).where(Area.code.in_(district_codes)).order_by(Area.name)
    ).all()
    if district in district_codes:
        villages = [a for a in villages if a.parent_code == district]
    return FilterOptions(kind.statuses, list(categories), list(districts), villages)
