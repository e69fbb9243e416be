"""The finance pages: the year's figures, and the import of budget and realization files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.api import (
    Hub,
    Source,
    current_hub,
    current_user,
    has_role,
    read_session,
    roles_required,
    source_health,
)
from simpul_finance.figures import (
    BEHIND,
    COLOURS,
    LAG_POINTS,
    LAGGING,
    NO_BUDGET,
    ON_TRACK,
    budget_years,
    overview,
)
from simpul_finance.formatting import bar_width, day, month_name, percent, points, rupiah
from simpul_finance.imports import ImportFailed, Preview, commit, preview
from simpul_finance.kinds import BUDGET_LINE, REALIZATION
from simpul_finance.layouts import LAYOUTS, kind_name
from simpul_finance.mapping_form import MAPPABLE, chosen_columns, guessed_columns, layout_title
from simpul_finance.mappings import ColumnMap, save_mapping
from simpul_finance.uploads import UploadFolder

SOURCE_TYPES = ("finance", "finance-file")
READERS = ("admin", "operator", "officer")
IMPORTERS = ("admin", "operator")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FORM_BYTES = 64 * 1024
"""Room in an upload's request for the form's other fields and the multipart framing."""
PROBLEMS_SHOWN = 200
STANDING_LABELS = {
    ON_TRACK: _l("On track"),
    BEHIND: _l("Behind"),
    LAGGING: _l("Lagging"),
    NO_BUDGET: _l("No budget"),
}


def create_blueprint(hub: Hub) -> Blueprint:
    """The pages under ``/finance``, reading the finance sources configured in ``hub``."""
    blueprint = Blueprint(
        "finance",
        __name__,
        url_prefix="/finance",
        template_folder="templates",
        static_folder="static",
    )

    def finance_sources() -> list[str]:
        return [s.name for s in hub.settings.sources if s.type in SOURCE_TYPES]

    @blueprint.context_processor
    def formatting() -> dict[str, object]:
        return {
            "rupiah": rupiah,
            "percent": percent,
            "points": points,
            "width": bar_width,
            "day": day,
            "month_name": month_name,
            "kind_name": kind_name,
            "layout_title": layout_title,
        }

    @blueprint.url_value_preprocessor
    def limit_uploads(endpoint: str | None, values: dict | None) -> None:
        """Cap the size of an upload before anything reads the request's body (the CSRF check
        does, before any view)."""
        if endpoint == "finance.upload" and request.method == "POST":
            request.max_content_length = MAX_UPLOAD_BYTES + FORM_BYTES

    @blueprint.errorhandler(413)
    def too_large(error: Exception) -> tuple[str, int]:
        return upload_form(finance_sources(), too_large_message()), 413

    @blueprint.get("/")
    @roles_required(*READERS)
    def index() -> str:
        today = city_today()
        with read_session() as session:
            years = budget_years(session)
            year = chosen_year(request.args.get("year", ""), years, today)
            figures = overview(session, year, today)
            sources = session.scalars(
                select(Source).where(Source.type.in_(SOURCE_TYPES)).order_by(Source.name)
            ).all()
            health = [(source, source_health(session, source.id)) for source in sources]
        return render_template(
            "finance/index.html",
            figures=figures,
            years=years,
            sources=health,
            colours=COLOURS,
            standing_labels=STANDING_LABELS,
            lag_points=int(LAG_POINTS * 100),
            importer=has_role(*IMPORTERS),
        )

    @blueprint.get("/import")
    @roles_required(*IMPORTERS)
    def upload_page() -> str:
        return upload_form(finance_sources())

    @blueprint.post("/import")
    @roles_required(*IMPORTERS)
    def upload() -> str | tuple[str, int]:
        sources = finance_sources()
        source = request.form.get("source", "")
        sent = request.files.get("file")
        if source not in sources:
            return upload_form(sources, _("Choose the source to import into.")), 400
        if sent is None or not sent.filename:
            return upload_form(sources, _("Choose a CSV or XLSX file to upload.")), 400
        data = sent.stream.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return upload_form(sources, too_large_message()), 413
        filename = Path(sent.filename).name
        result = preview(data, source, city_today())
        if result.problems and result.unmapped is None:
            return preview_page(filename, source, result)
        token = uploads().save(data, filename, source, current_user.id)
        return preview_page(filename, source, result, token)

    @blueprint.route("/import/<token>/columns", methods=["GET", "POST"])
    @roles_required(*IMPORTERS)
    def map_columns(token: str) -> str | tuple[str, int]:
        """Choose the layout and the columns of an upload whose header is not known; saved for
        the source, then the upload is checked again."""
        kept = uploads().load(token, current_user.id)
        if kept is None or kept.source not in finance_sources():
            abort(404)
        result = preview(kept.data, kept.source, city_today())
        unmapped = result.unmapped
        if unmapped is None:
            return preview_page(kept.filename, kept.source, result, token)
        layout = request.values.get("layout", unmapped.suggested)
        if layout not in MAPPABLE:
            abort(404)
        if request.method == "GET":
            return preview_page(kept.filename, kept.source, result, token, layout)
        chosen = chosen_columns(request.form, layout, len(unmapped.headers))
        if isinstance(chosen, str):
            page = preview_page(kept.filename, kept.source, result, token, layout, chosen)
            return page, 400
        with current_hub().db.session() as session:
            save_mapping(
                session, kept.source, unmapped.signature, ColumnMap(layout, chosen), current_user.id
            )
        result = preview(kept.data, kept.source, city_today())
        return preview_page(kept.filename, kept.source, result, token)

    @blueprint.post("/import/<token>")
    @roles_required(*IMPORTERS)
    def confirm(token: str) -> Response | str:
        """Import a previewed upload, checked again against what is stored now."""
        kept = uploads().load(token, current_user.id)
        if kept is None or kept.source not in finance_sources():
            abort(404)
        uploads().discard(token)
        result = preview(kept.data, kept.source, city_today())
        if result.problems:
            return preview_page(kept.filename, kept.source, result)
        try:
            imported = commit(result, kept.source)
        except ImportFailed as failed:
            refused = Preview(result.rows, failed.problems, result.skipped)
            return preview_page(kept.filename, kept.source, refused)
        flash(
            _(
                "%(file)s is imported into %(source)s: %(created)d new, %(updated)d changed, "
                "%(unchanged)d unchanged.",
                file=kept.filename,
                source=kept.source,
                created=imported.created,
                updated=imported.updated,
                unchanged=imported.unchanged,
            ),
            "success",
        )
        return redirect(url_for("finance.upload_page"))

    return blueprint


def chosen_year(asked: str, years: list[int], today: date) -> int:
    """The year asked for if it has data; else this year, or the latest with data."""
    if asked.isdecimal() and int(asked) in years:
        return int(asked)
    return today.year if today.year in years or not years else years[0]


def city_today() -> date:
    """Today's date in the portal's time zone."""
    return datetime.now(get_timezone()).date()


def uploads() -> UploadFolder:
    return UploadFolder(Path(current_app.instance_path) / "finance-imports")


def too_large_message() -> str:
    return _("The file is larger than %(size)d MB: split it.", size=MAX_UPLOAD_BYTES // 2**20)


def upload_form(sources: list[str], error: str | None = None) -> str:
    return render_template("finance/import.html", sources=sources, error=error, layouts=LAYOUTS)


def preview_page(
    filename: str,
    source: str,
    result: Preview,
    token: str | None = None,
    layout: str | None = None,
    mapping_error: str | None = None,
) -> str:
    """What a file holds and its problems; with the button to import it when ``token`` is
    given and nothing is wrong, or the columns to choose when its header is not known."""
    unmapped = result.unmapped
    layout = layout or (unmapped.suggested if unmapped else None)
    return render_template(
        "finance/preview.html",
        filename=filename,
        source=source,
        token=token,
        result=result,
        problems=result.problems[:PROBLEMS_SHOWN],
        more_problems=max(0, len(result.problems) - PROBLEMS_SHOWN),
        kinds=(BUDGET_LINE, REALIZATION),
        layout=layout,
        layouts=MAPPABLE,
        fields=MAPPABLE[layout] if layout else (),
        guessed=guessed_columns(unmapped.headers, layout) if unmapped and layout else {},
        mapping_error=mapping_error,
    )
