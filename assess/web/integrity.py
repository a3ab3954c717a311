"""The integrity page for auditors and admins (issue 21): is the audit chain intact, are
the documents' bytes what was recorded, and a report of it to download (recorded)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import audit_log
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
        "audit/integrity.html",
        result=result,
        checked_at=checked_at,
        zone=_zone(),
        limit=audit_log.request_limit(),
    )


@bp.get("/audit/report.txt")
@login_required
@roles_required("auditor", "admin")
def report():
    text = ops.report(current_user, ops.check(current_user), _zone())
    response = current_app.response_class(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = 'attachment; filename="integrity-report.txt"'
    return response


@bp.post("/audit/full-walk")
@login_required
@roles_required("admin")  # a change: auditors only read (web/read_only.py)
def ask_for_full_walk():
    # Not in the request: millions of events take minutes; the operator's job runs it.
    audit_log.ask_for_full_walk(current_user)
    flash(
        str(
            _l(
                "Asked for. The walk from the first event runs in the operator's scheduled "
                "job (flask --app wsgi audit verify --if-asked); this page shows its result "
                "when it has run."
            )
        ),
        "success",
    )
    return redirect(url_for(".index"))
