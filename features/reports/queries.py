"""Reading reports with the names of their kelurahan and kecamatan."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from features.reports.models import ActivityReport
from hub.api import Area, User

Village = aliased(Area, name="village")
District = aliased(Area, name="district")


def report_rows(*where: ColumnElement[bool]) -> Select:
    """Rows of ``(ActivityReport, village_name, district_name)`` for the reports ``where``
    selects, newest activity first."""
    return (
        select(
            ActivityReport, Village.name.label("village_name"), District.name.label("district_name")
        )
        .join(Village, Village.code == ActivityReport.area_code)
        .outerjoin(District, District.code == Village.parent_code)
        .where(*where)
        .order_by(ActivityReport.date.desc(), ActivityReport.id.desc())
    )


def count(session: Session, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(ActivityReport).where(*where)) or 0


def names_of(session: Session, *user_ids: int | None) -> dict[int, str]:
    """The full name (or user name) of each user in ``user_ids``."""
    wanted = [user_id for user_id in user_ids if user_id is not None]
    rows = session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(wanted))
    )
    return {user_id: full_name or username for user_id, full_name, username in rows}
