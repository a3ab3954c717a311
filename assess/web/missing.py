"""Decisions that needed an assessment and have none (issue 22): the wellbeing coordinator's
list, per body, sortable, and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import missing_assessments as ops
from ..operations.policy_applied import LEVEL_LABELS
from .access import roles_required

bp = Blueprint("missing", __name__)

SORT_LABELS = {
    "meeting_date": _l("Meeting date, oldest first"),
    "-meeting_date": _l("Meeting date, newest first"),
    "case_number": _l("Case number"),
    "required_level": _l("Level required"),
}
# Cells a spreadsheet would run as a formula are written as text (CSV injection), as the
# search's export does.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _sort() -> str:
    sort = request.args.get("sort", "meeting_date")
    return sort if sort in SORT_LABELS else "meeting_date"


def assessment_text(row: ops.MissingRow) -> str:
    if row.assessment_id is None:
        return str(_l("No assessment started"))
    if row.approved:
        return str(
            _l(
                "Approved at a lower level: %(level)s",
                level=LEVEL_LABELS.get(row.assessment_level or "none", ""),
            )
        )
    return str(_l("In progress, not approved"))


def who_acts(row: ops.MissingRow) -> str:
    if row.preparer_name is None:
        return str(_l("No preparer: the body's secretary"))
    return str(_l("The preparer, %(name)s", name=row.preparer_name))


@bp.get("/reports/missing")
@roles_required(*ops.ROLES)
def index():
    sort = _sort()
    rows = ops.missing(current_user, sort=sort)
    bodies: dict[str, list[ops.MissingRow]] = {}
    for row in rows:
        bodies.setdefault(row.body_key, []).append(row)
    return render_template(
        "reports/missing.html",
        bodies=bodies,
        total=len(rows),
        sort=sort,
        sorts=SORT_LABELS,
        levels=LEVEL_LABELS,
        assessment_text=assessment_text,
        who_acts=who_acts,
    )


@bp.get("/reports/missing.csv")
@roles_required(*ops.ROLES)
def export_csv():
    language = request_language()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            str(_l("Deciding body")),
            str(_l("Case number")),
            str(_l("Title")),
            str(_l("Meeting date")),
            str(_l("Level required")),
            str(_l("Assessment")),
            str(_l("Who must act")),
            str(_l("Source")),
        ]
    )
    for row in ops.missing(current_user, sort=_sort()):
        cells = [
            row.body_name(language),
            row.case_number,
            row.title,
            row.meeting_date.isoformat(),
            str(LEVEL_LABELS[row.required_level]),
            assessment_text(row),
            who_acts(row),
            str(_l("imported") if row.source == "imported" else _l("entered")),
        ]
        writer.writerow(["'" + c if c.startswith(_FORMULA_START) else c for c in cells])
    filename = f"missing-assessments-{date.today():%Y-%m-%d}.csv"
    return Response(
        out.getvalue().encode("utf-8-sig"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
