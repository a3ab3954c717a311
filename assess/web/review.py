"""The review loop on the pages (issue 20): the reviewer's return shown to the preparer, the
comments per section between them, and acknowledging several flags with one reasoning.

The return notice and the threads are template globals, so the decision page, the guided
form's pages and the flag page show them with one include each.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed, kept_after_commit
from ..operations import assessments as ops
from ..operations import comments as comment_ops
from ..operations import review as review_ops
from .access import roles_required
from .limits import form_version

bp = Blueprint("review", __name__)

# What a refused comment keeps for the page it came from (Post/Redirect/Get): the text
# typed and what was wrong, shown beside the field once.
_REFUSED = "review.refused_comment"


def _assessment(assessment_id: int):
    try:
        return ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def _back(assessment, fallback: str) -> str:
    """The page the form was on (a path of this site only), at its comments."""
    given = request.form.get("next", "")
    if not given.startswith("/") or given.startswith("//") or "\\" in given:
        given = fallback
    return given.split("#", 1)[0]


@bp.post("/assessments/<int:assessment_id>/comments/<section>")
@login_required
def add_comment(assessment_id: int, section: str):
    assessment = _assessment(assessment_id)
    body = request.form.get("body", "")
    fallback = url_for("decisions.view", decision_id=assessment.decision_id)
    back = _back(assessment, fallback)
    try:
        comment_ops.add_comment(current_user, assessment, section, body)
    except ValidationFailed as exc:
        session[_REFUSED] = {
            "assessment": assessment.id,
            "section": section,
            "body": body[: comment_ops.BODY_MAX_LENGTH + 100],
            "errors": [str(m) for msgs in exc.errors.values() for m in msgs],
        }
        return redirect(back + f"#comment-{section}")
    except Forbidden as exc:
        flash(str(exc), "danger")
        return redirect(back)
    flash(str(_l("Your comment is added to the section's thread.")), "success")
    return redirect(back + f"#comments-{section}")


@bp.post("/assessments/<int:assessment_id>/flags/acknowledge")
@roles_required("reviewer")
def acknowledge_many(assessment_id: int):
    from . import flags as flag_views  # its page, with the errors beside the controls

    assessment = _assessment(assessment_id)
    chosen = request.form.getlist("flag")
    comment = request.form.get("comment", "")
    version = form_version()
    try:
        with kept_after_commit():  # the redirect needs only what was written: not read back
            review_ops.acknowledge_many(
                current_user, assessment, chosen, comment, expected_version=version
            )
    except ValidationFailed as exc:
        messages = [str(m) for msgs in exc.errors.values() for m in msgs]
        return flag_views.page(
            assessment,
            bulk_errors=messages,
            bulk_typed={"comment": comment, "flags": chosen},
            status=422,
        )
    except NotFound as exc:
        return flag_views.page(
            assessment,
            bulk_errors=[str(exc)],
            bulk_typed={"comment": comment, "flags": chosen},
            status=404,
        )
    except (Conflict, Forbidden) as exc:
        return flag_views.page(
            assessment,
            bulk_errors=[str(exc)],
            bulk_typed={"comment": comment, "flags": chosen},
            status=403 if isinstance(exc, Forbidden) else 409,
        )
    flash(
        str(_l("The chosen flags are acknowledged with your comment; each is in the history.")),
        "success",
    )
    return redirect(url_for("flags.review", assessment_id=assessment.id))


# --- what the templates show -------------------------------------------------------------


def review_notice(assessment):
    """The reviewer's return while the assessment is being prepared again (else None)."""
    return review_ops.returned(assessment, request_language())


def comment_thread(assessment, section: str) -> dict:
    """A section's thread for the page: the comments, whether this person may write, and a
    refused comment's text and errors when the page is shown again after one."""
    refused = session.get(_REFUSED) or {}
    mine = refused.get("assessment") == assessment.id and refused.get("section") == section
    if mine:
        session.pop(_REFUSED, None)
    return {
        "section": section,
        "comments": comment_ops.thread(assessment, section),
        "may_write": current_user.has_role(*comment_ops.ROLES),
        "typed": refused["body"] if mine else "",
        "errors": refused["errors"] if mine else [],
    }


def thread_section(assessment, page: str | None) -> str:
    """The thread a page of the guided form shows: its own section's, or the general one."""
    return page if page in comment_ops.sections(assessment) else comment_ops.GENERAL


def reviewer_choice(assessment) -> dict:
    """The people offered when submitting for review, and the one preselected."""
    people = review_ops.candidates(current_user, assessment)
    default = review_ops.default_reviewer(current_user, assessment, people)
    return {"people": people, "default": default.id if default is not None else None}


def template_globals() -> dict:
    return {
        "review_notice": review_notice,
        "comment_thread": comment_thread,
        "thread_section": thread_section,
        "reviewer_choice": reviewer_choice,
    }
