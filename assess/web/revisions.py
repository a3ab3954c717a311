"""An assessment's revisions (issue 21): the list, any two side by side, each revision's
document, and "what changed since the return" on the preparer's and the reviewer's pages.
Comparing and downloading are recorded as access events (who read what)."""

from __future__ import annotations

import io
from datetime import datetime

from babel.dates import format_datetime
from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user, login_required

from ..described import SECTION_LABELS, SECTIONS, change_word
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import Document
from ..operations import NotFound, ValidationFailed
from ..operations import assessments as ops
from ..operations import revision_compare as rc

bp = Blueprint("revisions", __name__)

# A mark beside the word, so that the kind of change is not told by colour alone.
CHANGE_MARKS = {"added": "+", "removed": "−", "changed": "≠"}
HELSINKI = "Europe/Helsinki"


def _assessment(assessment_id: int):
    try:
        return ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def when(at: datetime) -> str:
    """A moment in the organisation's time zone (``at`` is already in it), short."""
    return format_datetime(at, "short", tzinfo=at.tzinfo, locale=request_language())


def zone_name(assessment) -> str:
    key = str(rc.zone_of(assessment))
    return str(_l("Finnish time")) if key == HELSINKI else key


def _choices(rows) -> list[tuple[str, str]]:
    out = [
        (
            str(r.seq),
            str(
                _l(
                    "Revision %(n)d: %(state)s, %(at)s",
                    n=r.seq,
                    state=r.state_label,
                    at=when(r.at),
                )
            ),
        )
        for r in rows
    ]
    out.append((rc.CURRENT, str(_l("The answers as they stand now"))))
    return out


def _name(which, rows) -> str:
    if which == rc.CURRENT:
        return str(_l("The answers as they stand now"))
    row = next((r for r in rows if r.seq == which), None)
    return str(_l("Revision %(n)d", n=which)) + (f" ({row.state_label})" if row else "")


def by_section(differences) -> list[tuple[str, str, list]]:
    """The differences in their sections, in reading order: (id, label, rows)."""
    out = []
    for section in SECTIONS:
        rows = [d for d in differences if d.section == section]
        if rows:
            out.append((section, str(SECTION_LABELS[section]), rows))
    return out


def _defaults(rows) -> tuple[str, str]:
    if len(rows) >= 2:
        return str(rows[-2].seq), str(rows[-1].seq)
    if rows:
        return str(rows[-1].seq), rc.CURRENT
    return "", rc.CURRENT


@bp.get("/assessments/<int:assessment_id>/revisions")
@login_required
def index(assessment_id: int):
    assessment = _assessment(assessment_id)
    return _list_page(assessment)


def _list_page(assessment, problems: dict | None = None, status: int = 200):
    language = request_language()
    rows = rc.revisions(assessment, language)
    chosen_from, chosen_to = _defaults(rows)
    return render_template(
        "assessments/revisions.html",
        assessment=assessment,
        rows=list(reversed(rows)),
        choices=_choices(rows),
        chosen_from=request.args.get("from", chosen_from),
        chosen_to=request.args.get("to", chosen_to),
        problems=problems or {},
        when=when,
        zone=zone_name(assessment),
    ), status


@bp.get("/assessments/<int:assessment_id>/compare")
@login_required
def compare(assessment_id: int):
    assessment = _assessment(assessment_id)
    language = request_language()
    rows = rc.revisions(assessment, language)
    given_from, given_to = request.args.get("from"), request.args.get("to")
    try:
        chosen_from, chosen_to = rc.parse_pair(assessment, given_from, given_to)
    except ValidationFailed as exc:
        problems = {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}
        return render_template(
            "assessments/compare.html",
            assessment=assessment,
            choices=_choices(rows),
            chosen_from=given_from or "",
            chosen_to=given_to or "",
            problems=problems,
            sections=[],
            compared=False,
            zone=zone_name(assessment),
        ), 422
    differences = rc.compare(current_user, assessment, chosen_from, chosen_to, language)
    rc.record_compared(current_user, assessment, chosen_from, chosen_to, "web")
    return render_template(
        "assessments/compare.html",
        assessment=assessment,
        choices=_choices(rows),
        chosen_from=str(chosen_from),
        chosen_to=str(chosen_to),
        problems={},
        sections=by_section(differences),
        compared=True,
        count=len(differences),
        from_name=_name(chosen_from, rows),
        to_name=_name(chosen_to, rows),
        change_word=lambda c: change_word(c, language),
        marks=CHANGE_MARKS,
        zone=zone_name(assessment),
    )


@bp.get("/assessments/<int:assessment_id>/revisions/<int:seq>/document")
@login_required
def document(assessment_id: int, seq: int):
    assessment = _assessment(assessment_id)
    language = request.args.get("language", "fi")
    try:
        found = rc.revision_document(current_user, assessment, seq, language, "web")
    except NotFound:
        abort(404)
    except ValidationFailed as exc:
        problems = {"language": " ".join(str(m) for m in exc.errors["language"])}
        return _list_page(assessment, problems, 422)
    response = send_file(
        io.BytesIO(found.content),
        mimetype=Document.DOCX,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
    # Which it is, for a program that downloads it: the stored original, or made now.
    response.headers["X-Document-Source"] = "stored" if found.stored else "rendered"
    if found.sha256:
        response.headers["X-Document-SHA256"] = found.sha256
    return response


# --- what the decision page and the reviewer's page show ------------------------------------


def since_return(assessment):
    """What changed since the last return, while the assessment is prepared again or is
    back with a reviewer (else None)."""
    if assessment is None:
        return None
    definition = ops.engine_for(assessment).definition
    if assessment.state not in definition.states or not (
        definition.is_editable(assessment.state) or definition.awaits_review(assessment.state)
    ):
        return None
    return rc.since_return(assessment, request_language())


def template_globals() -> dict:
    return {
        "since_return": since_return,
        "revision_when": when,
        "revision_zone": zone_name,
        "revision_sections": by_section,
        "change_marks": CHANGE_MARKS,
        "change_word": lambda c: change_word(c, request_language()),
    }
