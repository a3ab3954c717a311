"""Changing a meeting (issue 20): its time and place, cancelling it with a reason, and the
explicit correction of a published agenda. Routes on the meetings blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, Forbidden, NotFound, ValidationFailed
from ..operations import meeting_changes as ops
from ..operations import meetings as meeting_ops
from .access import roles_required
from .confirm import confirmation, confirmed
from .limits import form_version
from .meetings import _meeting, bp, refuse_back, refused_here

REFUSALS = (ValidationFailed, Conflict, Forbidden, NotFound)


def _local(meeting) -> str:
    return meeting.starts_at.astimezone(meeting_ops.HELSINKI).strftime("%Y-%m-%dT%H:%M")


@bp.get("/<int:meeting_id>/edit")
@roles_required("secretary")
def edit(meeting_id: int):
    m = _meeting(meeting_id)
    url = url_for(".edit", meeting_id=m.id)
    refused = refused_here(url)
    typed = refused["typed"] or {
        "starts_at": _local(m),
        "place": m.place,
        "place_sv": m.place_sv,
    }
    return render_template(
        "meetings/edit.html",
        meeting=m,
        refused=refused["message"],
        errors=refused["errors"],
        typed=typed,
        state_labels=meeting_ops.STATE_LABELS,
        candidates=meeting_ops.candidates(m) if m.state == "published" else [],
    )


@bp.post("/<int:meeting_id>/edit")
@roles_required("secretary")
def save(meeting_id: int):
    m = _meeting(meeting_id)
    typed = {k: request.form.get(k, "") for k in ("starts_at", "place", "place_sv", "correction")}
    try:
        ops.edit_meeting(
            current_user,
            m,
            starts_at=typed["starts_at"],
            place=typed["place"],
            place_sv=typed["place_sv"],
            correction=typed["correction"],
            expected_version=form_version(),
        )
    except REFUSALS as exc:
        return _back(m, exc, typed, "#error-summary")
    flash(str(_l("The meeting's time and place are saved.")), "success")
    return redirect(url_for(".view", meeting_id=m.id))


def _back(m, exc, typed, anchor):
    errors = exc.errors if isinstance(exc, ValidationFailed) else {}
    message = "" if errors else str(exc)
    return refuse_back(
        url_for(".edit", meeting_id=m.id),
        message=message,
        errors=errors,
        typed=typed,
        anchor=anchor if errors else "#refused",
    )


@bp.post("/<int:meeting_id>/cancel")
@roles_required("secretary")
def cancel(meeting_id: int):
    m = _meeting(meeting_id)
    reason = request.form.get("reason", "")
    typed = {"reason": reason}
    if not confirmed():
        if not reason.strip():
            exc = ValidationFailed(
                {"reason": [_l("Say why the meeting is cancelled; the reason is recorded.")]}
            )
            return _back(m, exc, typed, "#error-summary")
        if m.state not in ("planned", "published"):
            return _back(
                m, Conflict(_l("Only a meeting not yet held can be cancelled.")), typed, ""
            )
        return confirmation(
            title=_l("Cancel meeting %(label)s?", label=m.label),
            summary=[
                (_l("Meeting"), f"{m.body.name(request_language())} {m.label}"),
                (_l("Reason"), reason.strip()),
            ],
            what=[
                _l("The meeting is marked cancelled, with the reason, in its history."),
                _l("Its items go back to the decisions waiting for a meeting."),
            ],
            irreversible=_l("A cancelled meeting cannot be restored; make a new meeting instead."),
            action=url_for(".cancel", meeting_id=m.id),
            fields={"version": form_version(), "reason": reason},
            button=_l("Yes, cancel the meeting"),
            back=url_for(".edit", meeting_id=m.id),
        )
    try:
        ops.cancel_meeting(current_user, m, reason, expected_version=form_version())
    except REFUSALS as exc:
        return _back(m, exc, typed, "#error-summary")
    flash(str(_l("The meeting is cancelled.")), "success")
    return redirect(url_for(".view", meeting_id=m.id))


@bp.post("/<int:meeting_id>/correct")
@roles_required("secretary")
def correct(meeting_id: int):
    m = _meeting(meeting_id)
    remove = request.form.getlist("remove")
    add = request.form.get("add", "")
    reason = request.form.get("correction", "")
    typed = {"correction": reason, "add": add, "remove": ",".join(remove)}
    try:
        ops.correct_agenda(
            current_user, m, reason, remove=remove, add=add or None, expected_version=form_version()
        )
    except (*REFUSALS, meeting_ops.AgendaNotReady) as exc:
        return _back(m, exc, typed, "#error-summary")
    flash(str(_l("The published agenda is corrected; the reason is recorded.")), "success")
    return redirect(url_for(".view", meeting_id=m.id))
