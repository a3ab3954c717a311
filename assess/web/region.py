"""The regional view for the wellbeing coordinators (issue 22), and the organisation's
consent to it on the organisation settings page (admins)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_login import current_user
from markupsafe import Markup

from .. import report_charts
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import ValidationFailed
from ..operations import organisations as org_ops
from ..operations import regional as ops
from .access import roles_required
from .admin import bp as admin_bp
from .reports import _presentation_attributes

bp = Blueprint("region", __name__)

# The rows of the side-by-side table: (label, how to read the value from the core figures).
ROWS = [
    (_l("Decisions"), lambda f: f["decisions"]),
    (_l("Assessed in full"), lambda f: f["assessed"]["full"]),
    (_l("Assessed lightly"), lambda f: f["assessed"]["light"]),
    (_l("Screened out"), lambda f: f["screened_out"]),
    (_l("Lacked a required assessment"), lambda f: f["missing_required"]),
    (_l("Coverage"), lambda f: f["coverage"]),
    (_l("Days to approval, median"), lambda f: f["days_to_approval"]["median"]),
    (_l("Days to approval, 90th percentile"), lambda f: f["days_to_approval"]["p90"]),
    (_l("Flags raised"), lambda f: f["flags_appeared"]),
]
COVERAGE = 5  # the row whose value is a share


def _shown(value, share: bool) -> str:
    if value is None:
        return "–"
    if share:
        return format_percent(value, "#,##0.0%")
    return format_decimal(value)


def _group_label(key: str, names: dict, language: str) -> str:
    label = names.get(key)
    if isinstance(label, dict):
        return label.get(language) or label.get("fi") or key
    forms = current_app.extensions["assess.forms"]
    group = forms.latest("iva").group(key)
    return group.labels.get(language) if group else key


@bp.get("/region")
@roles_required(*ops.ROLES)
def index():
    language = request_language()
    given = request.args.get("year")
    this_year = ops.this_year()
    error = None
    try:
        year = ops.parse_year(given) if given is not None else this_year
    except ValidationFailed as exc:
        error, year = str(exc.errors["year"][0]), this_year
    result: dict[str, Any] = (
        {"organisations": [], "names": {"groups": {}}}
        if error
        else ops.regional_figures(current_user, year)
    )
    sharing = [o for o in result["organisations"] if o["shares"]]
    rows = [
        (label, [_shown(read(o["figures"]), i == COVERAGE) for o in sharing])
        for i, (label, read) in enumerate(ROWS)
    ]
    groups = sorted(
        {g for o in sharing for g in o["figures"]["groups_negative"]},
        key=lambda g: _group_label(g, result["names"]["groups"], language),
    )
    group_rows = [
        (
            _group_label(g, result["names"]["groups"], language),
            [format_decimal(o["figures"]["groups_negative"].get(g, 0)) for o in sharing],
        )
        for g in groups
    ]
    page = render_template(
        "region/index.html",
        year=year,
        given=given if error else None,
        error=error,
        years=list(range(this_year, ops.FIRST_YEAR - 1, -1))[:10],
        sharing=sharing,
        not_sharing=[o for o in result["organisations"] if not o["shares"]],
        rows=rows,
        group_rows=group_rows,
        chart=_coverage_chart(year, sharing, language),
        language=language,
    )
    return page, (422 if error else 200)


def _coverage_chart(year: int, sharing: list[dict], language: str) -> dict[str, Any] | None:
    """The coverage of each sharing organisation as a chart (SVG drawn on the server, named
    by its text alternative), with the same numbers for the table beside it."""
    figures = report_charts.region_figures(year, sharing)
    if not report_charts.has_data("region_coverage", figures):
        return None
    return {
        "title": report_charts.title("region_coverage", language),
        # Drawn by matplotlib from the organisations' own figures, its texts escaped there.
        "svg": Markup(
            _presentation_attributes(report_charts.chart_svg("region_coverage", figures, language))
        ),
        "alt": report_charts.chart_alt("region_coverage", figures, language),
        "rows": [
            (
                o["name"]["sv"] if language == "sv" and o["name"].get("sv") else o["name"]["fi"],
                _shown(o["figures"]["coverage"], True),
                _shown(o["figures"]["decisions"], False),
            )
            for o in sharing
        ],
    }


@admin_bp.post("/organisation/sharing")
@roles_required("admin")
def regional_sharing():
    shares = request.form.get("shares_regional_figures") in ("y", "on", "1", "true")
    org_ops.set_regional_sharing(current_user, current_user.organisation, shares)
    flash(
        str(
            _l("The yearly figures are now shared with the region.")
            if shares
            else _l("The yearly figures are not shared with the region.")
        ),
        "success",
    )
    return redirect(url_for("admin.organisation") + "#sharing")
