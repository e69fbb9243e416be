"""The public vacancies: a page anyone may read without signing in, a page for each vacancy with
its schema.org JobPosting for job search engines, and the same postings as a JSON-LD feed.

Only the vacancies of :func:`published_vacancies` are shown, and only their own facts: these
pages never read a job seeker. The list page marks itself up as an ItemList of the vacancies'
addresses, as search engines ask of a page that lists jobs; each posting is marked up on its own
page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import html_text
from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import format_currency, format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.api import Area, Record, read_session
from simpul_jobs.publish import description_of, job_posting
from simpul_jobs.queries import published_vacancies
from simpul_jobs.views import EMPLOYMENT_TYPES, PAGE_SIZE, newest_page, today_and_zone

FEED_NAME = "Lowongan kerja"
UNITS = {
    "HOUR": _l("per hour"),
    "DAY": _l("per day"),
    "WEEK": _l("per week"),
    "MONTH": _l("per month"),
    "YEAR": _l("per year"),
}

blueprint = Blueprint("jobs_public", __name__, url_prefix="/jobs", template_folder="templates")


@blueprint.get("/lowongan")
def vacancies() -> str:
    today, zone = today_and_zone()
    where = published_vacancies(today, zone)
    with read_session() as session:
        records, total, pages, page = newest_page(session, where)
        names = place_names(session, [record.area_code for record in records])
    summary = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "url": vacancy_url(record)}
            for position, record in enumerate(records, start=(page - 1) * PAGE_SIZE + 1)
        ],
    }
    return render_template(
        "jobs/public_vacancies.html",
        records=records,
        names=names,
        total=total,
        page=page,
        pages=pages,
        summary=summary,
        employment_types=EMPLOYMENT_TYPES,
    )


@blueprint.get("/lowongan/<int:record_id>")
def vacancy(record_id: int) -> str:
    today, zone = today_and_zone()
    with read_session() as session:
        record = session.scalar(
            select(Record).where(Record.id == record_id, *published_vacancies(today, zone))
        )
        if record is None:
            abort(404)
        names = place_names(session, [record.area_code])
        posting = job_posting(record, vacancy_url(record), names, zone)
        return render_template(
            "jobs/public_vacancy.html",
            record=record,
            names=names,
            posting=posting,
            description=html_text.extract_text(description_of(record)),
            employment_types=EMPLOYMENT_TYPES,
        )


@blueprint.get("/lowongan.jsonld")
def feed() -> Response:
    """Every published vacancy as one ItemList of JobPostings, so that a reader (a job board, this
    hub's own ``jobposting_feed`` source) has the complete listing in one document."""
    today, zone = today_and_zone()
    with read_session() as session:
        records = session.scalars(
            select(Record)
            .where(*published_vacancies(today, zone))
            .order_by(Record.created_at.desc(), Record.id.desc())
        ).all()
        names = place_names(session, [record.area_code for record in records])
        postings = [job_posting(r, vacancy_url(r), names, zone) for r in records]
    document = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": FEED_NAME,
        "numberOfItems": len(postings),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": {k: v for k, v in posting.items() if k != "@context"},
            }
            for position, posting in enumerate(postings, start=1)
        ],
    }
    return current_app.response_class(
        current_app.json.dumps(document), mimetype="application/ld+json"
    )


@blueprint.app_template_filter("vacancy_salary")
def salary_text(salary: dict[str, Any] | None) -> str:
    """``Rp4.500.000 – Rp5.000.000 per bulan``: a vacancy's pay, in the reader's language."""
    if not salary:
        return ""
    amounts = dict.fromkeys(Decimal(salary[key]) for key in ("min", "max"))
    currency = salary.get("currency")
    shown = [
        format_currency(amount, currency) if currency else format_decimal(amount)
        for amount in amounts
    ]
    unit = UNITS.get(salary.get("unit") or "")
    return " – ".join(shown) + (f" {unit}" if unit else "")


def vacancy_url(record: Record) -> str:
    return url_for("jobs_public.vacancy", record_id=record.id, _external=True)


def place_names(session: Session, codes: list[str | None]) -> dict[str, str]:
    """Names of the kelurahan ``codes``, of the kecamatan and of the city they lie in."""
    wanted = set()
    for code in filter(None, codes):
        parts = code.split(".")
        wanted |= {".".join(parts[:size]) for size in range(2, len(parts) + 1)}
    rows = session.execute(select(Area.code, Area.name).where(Area.code.in_(wanted))).all()
    return {code: name for code, name in rows}
