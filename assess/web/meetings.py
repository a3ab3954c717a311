"""Meetings: the list per body, the agenda page where secretaries build, publish and
record, and the agenda document."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import OUTCOMES, Body, Document
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed
from ..operations import agenda_documents as agenda_docs
from ..operations import agenda_presenters as presenter_ops
from ..operations import assessments as assessment_ops
from ..operations import meetings as ops
from . import list_queries as lists
from .access import roles_required
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


@bp.get("")
@login_required
def index(errors=None, typed=None, status=200):
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
        errors=errors or {},
        typed=typed or {},
        state_labels=lists.MEETING_STATE_LABELS,
        days_left=ops.days_left,
    ), status


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
        errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        return index(errors=errors, typed=typed, status=422)
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


def _page(meeting, *, refused=None, refused_details=(), errors=None, status=200):
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
        refused=refused,
        refused_details=refused_details,
        errors=errors or {},
        can_edit=current_user.has_role("secretary"),
        presenters=presenter_ops.candidates(meeting) if meeting.state == "planned" else [],
        suggested=presenter_ops.suggestion(meeting) if meeting.state == "planned" else None,
        stored=agenda_docs.stored_agendas(meeting),
    ), status


@bp.get("/<int:meeting_id>")
@login_required
def view(meeting_id: int):
    return _page(_meeting(meeting_id))


def _act(meeting, action, done_message):
    """Run one change of the agenda; on refusal show the page with the reason."""
    try:
        action()
    except ops.AgendaNotReady as exc:
        return _page(meeting, refused=str(exc), refused_details=exc.details, status=409)
    except ValidationFailed as exc:
        messages = [str(m) for msgs in exc.errors.values() for m in msgs]
        return _page(meeting, refused=" ".join(messages), status=422)
    except (Conflict, Forbidden, NotFound) as exc:
        return _page(meeting, refused=str(exc), status=409)
    if done_message:
        flash(str(done_message), "success")
    return redirect(url_for(".view", meeting_id=meeting.id) + request.form.get("anchor", ""))


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
    return _act(
        m,
        lambda: ops.publish(current_user, m, expected_version=_version()),
        _l("The agenda is published."),
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/outcome")
@roles_required("secretary")
def outcome(meeting_id: int, item_id: int):
    m = _meeting(meeting_id)
    return _act(
        m,
        lambda: ops.record_outcome(
            current_user,
            m,
            item_id,
            request.form.get("outcome", ""),
            request.form.get("note", ""),
            expected_version=_version(),
        ),
        _l("The outcome is recorded."),
    )


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
