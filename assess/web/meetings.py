"""Meetings: the list per body, the agenda page where secretaries build, publish and
record, and the agenda document."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import OUTCOMES, Body, Document
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed, meeting_changes
from ..operations import agenda_documents as agenda_docs
from ..operations import agenda_presenters as presenter_ops
from ..operations import assessments as assessment_ops
from ..operations import meetings as ops
from . import list_queries as lists
from .access import roles_required
from .confirm import confirmation, confirmed
from .limits import form_version, query_number

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

MAX_PAGE = 1_000_000  # as the decisions list


def _meeting(meeting_id: int):
    try:
        return ops.get_meeting(current_user, meeting_id)
    except NotFound:
        abort(404)


def _version() -> int:
    return form_version()


def _bodies():
    return db.session.scalars(
        select(Body).where(Body.organisation_id == current_user.organisation_id).order_by(Body.id)
    ).all()


# Post/Redirect/Get after a refusal (issue 20): the refusal and what was typed wait in the
# session for the page the browser is sent back to, so a reload never submits again.
REFUSED = "meeting_refused"


def refuse_back(url: str, *, message="", details=(), errors=None, typed=None, anchor=""):
    session[REFUSED] = {
        "url": url,
        "message": str(message),
        "details": [str(d) for d in details],
        "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()},
        "typed": {k: str(v) for k, v in (typed or {}).items()},
    }
    return redirect(url + anchor, 303)


def refused_here(url: str) -> dict:
    """The refusal waiting for this page, once; an empty one when none is."""
    waiting = session.get(REFUSED)
    if waiting and waiting.get("url") == url:
        session.pop(REFUSED, None)
        return waiting
    return {"message": "", "details": [], "errors": {}, "typed": {}}


@bp.get("")
@login_required
def index():
    refused = refused_here(url_for(".index"))
    language = request_language()
    options, allowed = lists.meeting_choices(current_user.organisation_id, language)
    parsed = lists.parse_request(allowed)
    page, beyond = lists.paginate(
        lists.meetings(current_user.organisation_id, parsed.filters),
        query_number("page", 1, MAX_PAGE) or 1,
        lists.PER_PAGE,
    )
    return render_template(
        "meetings/list.html",
        page=page,
        filters=parsed.filters,
        problems=lists.problems_with_page(parsed, page, beyond),
        options=options,
        bodies=_bodies(),
        errors=refused["errors"],
        typed=refused["typed"],
        state_labels=lists.MEETING_STATE_LABELS,
        days_left=ops.days_left,
    )


@bp.post("")
@roles_required("secretary")
def create():
    typed = {
        k: request.form.get(k, "")
        for k in ("body_id", "number", "year", "starts_at", "place", "place_sv")
    }
    try:
        meeting = ops.create_meeting(current_user, **typed)
    except ValidationFailed as exc:
        return refuse_back(
            url_for(".index"), errors=exc.errors, typed=typed, anchor="#error-summary"
        )
    flash(
        str(_l("Meeting %(label)s created; now add decisions to its agenda.", label=meeting.label)),
        "success",
    )
    return redirect(url_for(".view", meeting_id=meeting.id))


def _readiness(meeting):
    language = request_language()
    rows = []
    for item, (assessment, lacks) in zip(
        meeting.items, ops.readiness(meeting.items).values(), strict=True
    ):
        state = None
        if assessment is not None:
            definition = assessment_ops.engine_for(assessment).definition
            state = definition.state_label(assessment.state, language)
        rows.append({"item": item, "lacks": lacks, "state": state, "assessment": assessment})
    return rows


def _page(meeting):
    refused = refused_here(url_for(".view", meeting_id=meeting.id))
    return render_template(
        "meetings/view.html",
        meeting=meeting,
        rows=_readiness(meeting),
        candidates=ops.candidates(meeting) if meeting.state == "planned" else [],
        outcomes=[(o, ops.OUTCOME_LABELS[o]) for o in OUTCOMES],
        outcome_labels=ops.OUTCOME_LABELS,
        state_labels=ops.STATE_LABELS,
        languages=ops.agenda_languages(meeting),
        days=ops.days_left(meeting),
        refused=refused["message"],
        refused_details=refused["details"],
        errors=refused["errors"],
        typed=refused["typed"],
        corrections=meeting_changes.corrections(meeting),
        can_edit=current_user.has_role("secretary"),
        presenters=presenter_ops.candidates(meeting) if meeting.state == "planned" else [],
        suggested=presenter_ops.suggestion(meeting) if meeting.state == "planned" else None,
        stored=agenda_docs.stored_agendas(meeting),
    )


@bp.get("/<int:meeting_id>")
@login_required
def view(meeting_id: int):
    return _page(_meeting(meeting_id))


def _refused(meeting, exc, *, typed=None, page=None):
    """The refusal of a change, back on the meeting's page (or ``page``) after a redirect."""
    url = page or url_for(".view", meeting_id=meeting.id)
    details = exc.details if isinstance(exc, ops.AgendaNotReady) else ()
    errors = exc.errors if isinstance(exc, ValidationFailed) else {}
    message = (
        " ".join(str(m) for msgs in exc.errors.values() for m in msgs)
        if isinstance(exc, ValidationFailed)
        else str(exc)
    )
    return refuse_back(
        url, message=message, details=details, errors=errors, typed=typed, anchor="#refused"
    )


def _act(meeting, action, done_message, *, typed=None):
    """Run one change of the agenda; on refusal back to the page with the reason."""
    try:
        action()
    except (ops.AgendaNotReady, ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        return _refused(meeting, exc, typed=typed)
    if done_message:
        flash(str(done_message), "success")
    anchor = request.form.get("anchor", "")
    anchor = anchor if anchor[:1] == "#" and anchor[1:].replace("-", "").isalnum() else ""
    return redirect(url_for(".view", meeting_id=meeting.id) + anchor)


@bp.post("/<int:meeting_id>/items")
@roles_required("secretary")
def add_item(meeting_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: ops.add_item(
            current_user, m, request.form.get("decision", ""), expected_version=_version()
        ),
        _l("The decision is on the agenda."),
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/remove")
@roles_required("secretary")
def remove_item(meeting_id: int, item_id: int):
    m = _meeting(meeting_id)
    if not confirmed():
        try:
            item = ops.check_remove(current_user, m, item_id)
        except (Conflict, Forbidden, NotFound) as exc:
            return _refused(m, exc)
        return confirmation(
            title=_l("Remove item %(n)d from the agenda?", n=item.position),
            summary=[
                (_l("Meeting"), f"{m.body.name(request_language())} {m.label}"),
                (
                    _l("Item"),
                    f"{item.position}. {item.decision.case_number} – {item.decision.title}",
                ),
            ],
            what=[
                _l("The decision leaves the agenda and the items after it move up."),
                _l("The agenda's copies of its attachments are discarded."),
                _l("The decision goes back to the decisions waiting for a meeting."),
            ],
            irreversible=_l(
                "The item's presenter and attachment copies are not kept; adding the decision "
                "again starts its item afresh."
            ),
            action=url_for(".remove_item", meeting_id=m.id, item_id=item_id),
            fields={"version": _version()},
            button=_l("Yes, remove the item"),
            back=url_for(".view", meeting_id=m.id) + f"#item-{item_id}",
        )
    return _act(
        m,
        lambda: ops.remove_item(current_user, m, item_id, expected_version=_version()),
        _l("The item was removed from the agenda."),
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/move")
@roles_required("secretary")
def move_item(meeting_id: int, item_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: ops.move_item(
            current_user, m, item_id, request.form.get("position"), expected_version=_version()
        ),
        _l("The agenda was reordered."),
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/presenter")
@roles_required("secretary")
def presenter(meeting_id: int, item_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: presenter_ops.choose(
            current_user,
            m,
            item_id,
            request.form.get("presenter", ""),
            request.form.get("title_fi", ""),
            request.form.get("title_sv", ""),
            expected_version=_version(),
        ),
        _l("The presenter is chosen."),
    )


@bp.post("/<int:meeting_id>/documents")
@roles_required("secretary")
def attach(meeting_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: ops.attach_documents(current_user, m, expected_version=_version()),
        _l("The approved assessment documents are attached."),
    )


@bp.post("/<int:meeting_id>/publish")
@roles_required("secretary")
def publish(meeting_id: int):
    m = _meeting(meeting_id)
    if not confirmed():
        try:
            ops.check_publish(current_user, m)
        except (ops.AgendaNotReady, Conflict, Forbidden) as exc:
            return _refused(m, exc)
        return confirmation(
            title=_l("Publish the agenda of meeting %(label)s?", label=m.label),
            summary=[
                (_l("Meeting"), f"{m.body.name(request_language())} {m.label}"),
                (_l("Items"), ", ".join(i.decision.case_number for i in m.items)),
            ],
            what=[
                _l("The agenda and its attachments are published for the members."),
                _l("The agenda documents are kept as published: their files never change."),
                _l(
                    "Items can then be added or removed only by correcting the published "
                    "agenda, with the reason recorded."
                ),
            ],
            irreversible=_l("A published agenda cannot be unpublished."),
            action=url_for(".publish", meeting_id=m.id),
            fields={"version": _version()},
            button=_l("Yes, publish the agenda"),
            back=url_for(".view", meeting_id=m.id) + "#h-publish",
            danger=False,
        )
    return _act(
        m,
        lambda: ops.publish(current_user, m, expected_version=_version()),
        _l("The agenda is published."),
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/outcome")
@roles_required("secretary")
def outcome(meeting_id: int, item_id: int):
    m = _meeting(meeting_id)
    chosen, note = request.form.get("outcome", ""), request.form.get("note", "")
    # What was chosen and typed comes back with a refusal, so a second try records what the
    # secretary meant, not the first option (issue 20's bug).
    typed = {f"outcome-{item_id}": chosen, f"note-{item_id}": note}
    if not confirmed():
        try:
            item, note = ops.check_outcome(current_user, m, item_id, chosen, note)
        except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
            return _refused(m, exc, typed=typed)
        return confirmation(
            title=_l("Record the outcome of item %(n)d?", n=item.position),
            summary=[
                (_l("Meeting"), f"{m.body.name(request_language())} {m.label}"),
                (
                    _l("Item"),
                    f"{item.position}. {item.decision.case_number} – {item.decision.title}",
                ),
                (_l("Outcome"), ops.OUTCOME_LABELS[chosen]),
                (_l("Note"), note or "—"),
            ],
            what=_outcome_effects(item, chosen),
            irreversible=_l("A recorded outcome cannot be changed or removed."),
            action=url_for(".outcome", meeting_id=m.id, item_id=item_id),
            fields={"version": _version(), "outcome": chosen, "note": note},
            button=_l("Yes, record the outcome"),
            back=url_for(".view", meeting_id=m.id) + f"#item-{item_id}",
        )
    return _act(
        m,
        lambda: ops.record_outcome(
            current_user, m, item_id, chosen, note, expected_version=_version()
        ),
        _l("The outcome is recorded."),
        typed=typed,
    )


def _outcome_effects(item, outcome: str) -> list:
    effects = [_l("The item's outcome is recorded in the meeting's agenda and history.")]
    assessment = assessment_ops.active_assessment(item.decision)
    if assessment is None:
        return effects
    definition = assessment_ops.engine_for(assessment).definition
    trigger = definition.outcome_trigger(outcome)
    step = next((t for t in definition.transitions if t.trigger == trigger), None)
    if step is None:
        effects.append(_l("The impact assessment stays as it is."))
    else:
        language = request_language()
        effects.append(
            _l(
                "The impact assessment moves to '%(state)s' (%(step)s).",
                state=definition.state_label(step.dest, language),
                step=step.labels.get(language),
            )
        )
    return effects


@bp.post("/<int:meeting_id>/state")
@roles_required("secretary")
def state(meeting_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: ops.set_state(
            current_user, m, request.form.get("state", ""), expected_version=_version()
        ),
        _l("The meeting's state is changed."),
    )


@bp.get("/<int:meeting_id>/agenda.docx")
@login_required
def agenda(meeting_id: int):
    m = _meeting(meeting_id)
    try:
        content, name = ops.agenda_document(current_user, m, request.args.get("language", "fi"))
    except NotFound:
        abort(404)
    return send_file(
        io.BytesIO(content),
        mimetype=Document.DOCX,
        as_attachment=True,
        download_name=name,
        max_age=0,
    )


# Editing, cancelling and correcting (issue 20) register their routes on this blueprint.
from . import meeting_edit  # noqa: E402, F401
