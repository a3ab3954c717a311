"""The assessment's process on the decision page: state, diagram, transitions, history."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from .. import flags
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    kept_after_commit,
    starting,
    versions,
)
from ..operations import assessments as ops
from ..operations import decisions as decision_ops
from ..operations import documents as doc_ops
from ..operations import history_export as exports
from ..operations import review as review_ops
from ..operations.access_log import record_access
from ..operations.timeline import timeline
from ..workflow import TransitionBlocked
from . import flags as flag_views
from . import returns
from .access import roles_required
from .confirm import confirmation, confirmed
from .diagram import process_svg
from .limits import form_version

bp = Blueprint("assessments", __name__)


def _assessment(assessment_id: int):
    try:
        return ops.get_assessment(current_user, assessment_id)
    except NotFound:
        abort(404)


def panel_context(decision, *, comment: str = "", failed: str | None = None, reasons=()):
    """What the decision page needs to show the assessment's process."""
    assessment = ops.active_assessment(decision)
    stored = doc_ops.documents_of(decision)
    context: dict[str, Any] = {
        "assessment": assessment,
        "workflows": ops.workflows(),
        "documents": stored,
        "paragraphs": doc_ops.paragraphs(stored),
        "document_languages": doc_ops.languages_for(decision),
        "policy": decision_ops.policy_view(decision, assessment, request_language()),
    }
    if assessment is None:
        return context
    engine = ops.engine_for(assessment)
    definition = engine.definition
    language = request_language()
    context.update(
        definition=definition,
        state_label=definition.state_label(assessment.state, language),
        diagram=process_svg(
            definition,
            assessment.state,
            language,
            str(_l("The process; the current state is marked with ●"))
            + f": {definition.state_label(assessment.state, language)}",
        ),
        # Withdrawing is no step once the body has decided (issue 20): not even a blocked one.
        options=[
            o
            for o in ops.options(current_user, assessment)
            if definition.is_active(o.transition.dest)
            or not definition.is_in_follow_up(assessment.state)
        ],
        flags=flag_views.live(assessment),
        flag_counts=flags.counts(assessment.content.flags),
        language=language,
        comment=comment,
        failed=failed,
        failed_reasons=reasons,
        # The revision number, as the documents and the history say it (issue 19).
        shown_version=versions.shown_version(assessment),
    )
    return context


@bp.post("/decisions/<int:decision_id>/assessment")
@roles_required("preparer")
def start(decision_id: int):
    try:
        decision = decision_ops.get_decision(current_user, decision_id)
    except NotFound:
        abort(404)
    workflow = request.form.get("workflow") or None
    if workflow and workflow not in ops.workflows().names():
        workflow = None
    # The decision page's one button starts and goes straight to the first screening
    # question (issue 20); without "begin" the assessment is only created, as before.
    begin = request.form.get("begin") == "screening"
    try:
        if begin:
            started = starting.start_with_screening(current_user, decision, workflow=workflow)
        else:
            ops.create_assessment(current_user, decision, workflow=workflow)
    except (Conflict, Forbidden) as exc:
        flash(str(exc), "danger")
    else:
        flash(str(_l("The impact assessment has been started.")), "success")
        if begin:
            return redirect(url_for("guided.screening", assessment_id=started.id))
    return redirect(url_for("decisions.view", decision_id=decision.id) + "#assessment")


@bp.post("/assessments/<int:assessment_id>/transitions")
@login_required
def transition(assessment_id: int):
    assessment = _assessment(assessment_id)
    trigger = request.form.get("trigger", "")
    comment = request.form.get("comment", "")
    version = form_version()
    # The reviewer chosen when submitting for review (issue 20); absent: the default.
    reviewer = request.form.get("reviewer_id", review_ops.DEFAULT)
    asked = _confirmation(assessment, trigger, comment, version)
    if asked is not None:
        return asked
    try:
        with kept_after_commit():  # the message and the redirect read what was written
            review_ops.submit(
                current_user, assessment, trigger, reviewer, comment, expected_version=version
            )
    except ValidationFailed as exc:
        reasons = [m for messages in exc.errors.values() for m in messages]
        return _decision_page(assessment, comment, trigger, reasons, 422)
    except TransitionBlocked as exc:
        return _decision_page(assessment, comment, trigger, exc.reasons, 409)
    except Conflict as exc:
        return _decision_page(assessment, comment, trigger, [exc.message], 409)
    definition = ops.engine_for(assessment).definition
    done = next(t for t in definition.transitions if t.trigger == trigger)
    message = _l(
        "Done: %(action)s. The assessment is now '%(state)s'.",
        action=done.labels.get(request_language()),
        state=definition.state_label(assessment.state, request_language()),
    )
    flash(str(message), "success")
    if (back := returns.requested()) is not None:  # e.g. on to the first section (issue 20)
        return redirect(back)
    return redirect(url_for("decisions.view", decision_id=assessment.decision_id) + "#assessment")


def _confirmation(assessment, trigger: str, comment: str, version: int):
    """The confirmation page of a step that cannot be undone (issue 20), when this is not
    the confirmation's own submission and the step would be taken; else None (the step is
    taken, or refused with its reasons as before)."""
    if confirmed():
        return None
    definition = ops.engine_for(assessment).definition
    t = definition.transition(trigger, assessment.state)
    if t is None or not definition.needs_confirmation(t):
        return None  # a step without confirmation: not worth weighing every guard for
    if t.comment_required and not comment.strip():
        return None
    option = next(
        (o for o in ops.options(current_user, assessment) if o.transition.trigger == trigger),
        None,
    )
    if option is None or not option.available:
        return None
    language = request_language()
    action = t.labels.get(language)
    decision = assessment.decision
    what = [
        _l(
            "The assessment moves from '%(old)s' to '%(new)s'.",
            old=definition.state_label(assessment.state, language),
            new=definition.state_label(t.dest, language),
        )
    ]
    if t.documents:
        what.append(
            _l(
                "The assessment documents are made from this version and attached to the "
                "decision; the preparer and the board secretary see them."
            )
        )
        irreversible = _l(
            "The approved version and its documents are kept as they are: a later change "
            "needs the assessment reopened, reviewed and approved again."
        )
    elif not definition.is_active(t.dest):
        what.append(_l("The assessment ends; the decision may get a new assessment."))
        irreversible = _l("A withdrawn assessment cannot be taken back into use.")
    else:
        what.append(
            _l(
                "The assessment can be edited again; its approved version and documents stay "
                "in the history."
            )
        )
        irreversible = _l(
            "The approval no longer holds: the assessment must be reviewed and approved again "
            "before it can go on an agenda."
        )
    summary = [
        (_l("Decision"), f"{decision.case_number} – {decision.title}"),
        (_l("State"), definition.state_label(assessment.state, language)),
    ]
    if comment.strip():
        summary.append((_l("Comment"), comment.strip()))
    return confirmation(
        title=_l("%(action)s: are you sure?", action=action),
        summary=summary,
        what=what,
        irreversible=irreversible,
        action=url_for(".transition", assessment_id=assessment.id),
        fields={"trigger": trigger, "comment": comment, "version": version}
        | ({"reviewer_id": request.form["reviewer_id"]} if "reviewer_id" in request.form else {}),
        button=_l("Yes: %(action)s", action=action),
        back=url_for("decisions.view", decision_id=decision.id) + "#assessment",
        danger=not t.documents,
    )


def _decision_page(assessment, comment, trigger, reasons, status):
    # The page again, with what was typed kept and every reason shown next to the step.
    decision = assessment.decision
    return render_template(
        "decisions/view.html",
        decision=decision,
        **panel_context(decision, comment=comment, failed=trigger, reasons=reasons),
    ), status


@bp.get("/assessments/<int:assessment_id>")
@login_required
def view(assessment_id: int):
    assessment = _assessment(assessment_id)
    return redirect(url_for("decisions.view", decision_id=assessment.decision_id) + "#assessment")


@bp.get("/assessments/<int:assessment_id>/history")
@login_required
def history(assessment_id: int):
    """The assessment's timeline (issue 21): filtered, paginated, its reading recorded."""
    assessment = _assessment(assessment_id)
    language = request_language()
    filters: dict[str, Any] = {
        "kind": request.args.get("kind") or None,
        "person": request.args.get("person") or None,
        "section": request.args.get("section") or None,
    }
    problems: dict[str, str] = {}
    person = filters["person"]
    if person is not None and not person.isdigit():
        problems["person"] = str(_l("Choose a person from the list."))
        filters["person"] = None
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    while True:
        try:
            shown = timeline(
                assessment,
                language,
                kinds=[filters["kind"]] if filters["kind"] else None,
                person=int(filters["person"]) if filters["person"] else None,
                section=filters["section"],
                page=page,
            )
            break
        except ValidationFailed as exc:
            # A value the address held that is no choice is named and left out.
            for name, messages in exc.errors.items():
                problems[name] = str(messages[0])
                filters[name] = None
                if name == "page":
                    page = 1
    record_access(
        current_user,
        "access.history_viewed",
        "assessment",
        assessment.id,
        {"via": "web", "page": shown.page} | {k: v for k, v in filters.items() if v},
    )
    return render_template(
        "assessments/history.html",
        assessment=assessment,
        timeline=shown,
        filters=filters,
        query_args={k: v for k, v in filters.items() if v},
        problems=problems,
    )


@bp.get("/assessments/<int:assessment_id>/history/report.<any(docx, pdf):fmt>")
@login_required
def history_report(assessment_id: int, fmt: str):
    """The history as a readable .docx or PDF report; recorded with its SHA-256 (issue 21)."""
    assessment = _assessment(assessment_id)
    try:
        content, name = exports.report(current_user, assessment, request_language(), fmt, via="web")
    except (doc_ops.ConversionUnavailable, Conflict) as exc:
        flash(str(exc), "danger")
        return redirect(url_for("assessments.history", assessment_id=assessment.id))
    return send_file(
        io.BytesIO(content),
        mimetype=exports.REPORT_FORMATS[fmt],
        as_attachment=True,
        download_name=name,
        max_age=0,
    )


@bp.get("/assessments/<int:assessment_id>/history/export.json")
@login_required
def history_export(assessment_id: int):
    """The whole history with its hashes, for the auditor's own tools; recorded (issue 21)."""
    assessment = _assessment(assessment_id)
    body = exports.export(current_user, assessment, request_language(), via="web")
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json"
    )
    # An ASCII name whatever the case number holds: a header carries no other.
    case = re.sub(r"[^A-Za-z0-9._-]+", "-", assessment.decision.case_number)
    name = f"history-{case}-{assessment.id}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
