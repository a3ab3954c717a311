"""The integrity page for auditors and admins (issue 21): is the audit chain intact, are
the documents' bytes what was recorded, and a report of it to download (recorded)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from ..i18n import request_language
from ..operations import integrity as ops
from .access import roles_required

bp = Blueprint("integrity", __name__)


def _zone() -> str:
    return current_user.organisation.time_zone or "Europe/Helsinki"


@bp.get("/audit")
@login_required
@roles_required("auditor", "admin")
def index():
    result = ops.check(current_user)
    checked_at = format_datetime(
        result.checked_at, "medium", tzinfo=ZoneInfo(_zone()), locale=request_language()
    )
    return render_template(
        "audit/integrity.html", result=result, checked_at=checked_at, zone=_zone()
    )


@bp.get("/audit/report.txt")
@login_required
@roles_required("auditor", "admin")
def report():
    text = ops.report(current_user, ops.check(current_user), _zone())
    response = current_app.response_class(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = 'attachment; filename="integrity-report.txt"'
    return response
