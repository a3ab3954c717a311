"""The yearly report's pages (issue 22): choose a year and generate, read a report's figures
as tables with charts beside them, edit a draft's overview, publish, download its document
and CSVs; and the current year's figures live.

Wellbeing coordinators and admins generate, edit and publish; reviewers and auditors read.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import report_charts, report_tables
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, Stale, ValidationFailed
from ..operations import yearly_reports as ops
from ..operations.context import today
from .access import roles_required

bp = Blueprint("reports", __name__)

READERS = ops.READERS
EDITORS = ops.EDITORS
# Which table each chart stands beside: a person looks at the chart and reads the numbers.
CHART_BESIDE = {
    "groups": "groups",
    "coverage": "by_body",
    "flags_by_month": "flags_by_month",
    "follow_ups": "follow_ups",
}


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_DECLARATION = re.compile(r"^[a-z-]+$")


def _presentation_attributes(svg: str) -> str:
    """The SVG with matplotlib's inline styles as SVG presentation attributes.

    The pages' Content-Security-Policy allows no inline style (style-src falls back to
    'self'), so a browser ignores ``style="fill: #0063a6"`` and draws every shape black;
    ``fill="#0063a6"`` is an attribute the policy does not cover.
    """

    def attributes(match: re.Match[str]) -> str:
        pairs = []
        for declaration in match.group(1).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if _DECLARATION.match(name) and value:
                pairs.append(f' {name}="{value}"')
        return "".join(pairs)

    return _STYLE_ATTRIBUTE.sub(attributes, _STYLE_ELEMENT.sub("", svg))


def charts(figures: dict[str, Any], language: str) -> dict[str, dict[str, Any]]:
    """{table id: {"id", "svg", "alt"}} of the charts that show something, beside their
    tables."""
    result = {}
    for chart_id, table_id in CHART_BESIDE.items():
        if not report_charts.has_data(chart_id, figures):
            continue
        # The SVG is drawn on the server by matplotlib from the report's own figures, its
        # texts escaped there; it names itself by its text alternative (role="img").
        result[table_id] = {
            "id": chart_id,
            "svg": Markup(
                _presentation_attributes(report_charts.chart_svg(chart_id, figures, language))
            ),
            "alt": report_charts.chart_alt(chart_id, figures, language),
        }
    return result


def _view(figures: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "tables": report_tables.tables(figures, language),
        "charts": charts(figures, language),
        "cell_text": report_tables.cell_text,
        "is_coverage": report_tables.is_coverage_column,
    }


def _report(report_id: int):
    try:
        return ops.report_of(current_user, report_id)
    except NotFound:
        abort(404)


@bp.get("/reports/yearly")
@roles_required(*READERS)
def yearly_index():
    year = today().year
    return render_template(
        "reports/yearly_index.html",
        reports=ops.reports_of(current_user),
        years=list(range(year, year - 10, -1)),
        default_year=year - 1,
        may_edit=current_user.has_role(*EDITORS),
    )


@bp.post("/reports/yearly")
@roles_required(*EDITORS)
def generate():
    try:
        report = ops.generate(current_user, current_user.organisation, request.form.get("year"))
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for message in messages:
                flash(str(message), "danger")
        return redirect(url_for(".yearly_index"))
    flash(str(_l("The report of %(year)s was generated as a draft.", year=report.year)), "success")
    return redirect(url_for(".yearly_report", report_id=report.id))


@bp.get("/reports/yearly/<int:report_id>")
@roles_required(*READERS)
def yearly_report(report_id: int):
    report = _report(report_id)
    language = request_language()
    return render_template(
        "reports/yearly_report.html",
        report=report,
        figures=report.figures,
        figures_intact=ops.figures_intact(report),
        may_edit=current_user.has_role(*EDITORS) and report.status == "draft",
        errors={},
        overview=report.overview or {},
        language=language,
        csv_url=_csv_url(report.id, language),
        documents=[(lang, ops.document_name(lang)) for lang in ops.DOCUMENT_LANGUAGES],
        **_view(report.figures, language),
    )


@bp.post("/reports/yearly/<int:report_id>/overview")
@roles_required(*EDITORS)
def edit_overview(report_id: int):
    report = _report(report_id)
    wanted = {lang: request.form.get(f"overview_{lang}", "") for lang in ops.DOCUMENT_LANGUAGES}
    try:
        ops.edit_overview(current_user, report.id, wanted, _version())
    except ValidationFailed as exc:
        language = request_language()
        return (
            render_template(
                "reports/yearly_report.html",
                report=report,
                figures=report.figures,
                figures_intact=ops.figures_intact(report),
                may_edit=True,
                errors={k: [str(m) for m in v] for k, v in exc.errors.items()},
                overview=wanted,
                language=language,
                csv_url=_csv_url(report.id, language),
                documents=[(lang, ops.document_name(lang)) for lang in ops.DOCUMENT_LANGUAGES],
                **_view(report.figures, language),
            ),
            422,
        )
    except (Stale, Conflict, Forbidden) as exc:
        flash(str(exc), "danger")
        return redirect(url_for(".yearly_report", report_id=report.id))
    flash(str(_l("The overview was saved.")), "success")
    return redirect(url_for(".yearly_report", report_id=report.id))


@bp.post("/reports/yearly/<int:report_id>/publish")
@roles_required(*EDITORS)
def publish(report_id: int):
    report = _report(report_id)
    try:
        ops.publish(current_user, report.id, _version())
    except (Stale, Conflict, Forbidden) as exc:
        flash(str(exc), "danger")
        return redirect(url_for(".yearly_report", report_id=report.id))
    flash(
        str(_l("The report was published. Its documents and figures no longer change.")),
        "success",
    )
    return redirect(url_for(".yearly_report", report_id=report.id))


@bp.get("/reports/yearly/<int:report_id>/files/<name>")
@roles_required(*READERS)
def file(report_id: int, name: str):
    report = _report(report_id)
    try:
        if report.status == "published":
            row, content = ops.stored_file(current_user, report.id, name)
            content_type = row.content_type
        else:
            content_type, content = ops.draft_file(current_user, report.id, name)
    except NotFound:
        abort(404)
    except Conflict as exc:
        return render_template("reports/file_altered.html", message=str(exc)), 409
    response = current_app.response_class(content, mimetype=content_type.split(";")[0])
    if content_type.startswith("text/"):
        response.headers["Content-Type"] = content_type
    year = report.year
    response.headers["Content-Disposition"] = f'attachment; filename="yearly-{year}-{name}"'
    return response


@bp.get("/reports/live")
@roles_required("reviewer", "coordinator", "admin")
def live():
    language = request_language()
    figures = ops.live_figures(current_user.organisation)
    return render_template(
        "reports/live.html", figures=figures, language=language, **_view(figures, language)
    )


def _csv_url(report_id: int, language: str):
    def url(table_id: str) -> str:
        name = ops.csv_name(table_id, language)
        return url_for(".file", report_id=report_id, name=name)

    return url


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None
