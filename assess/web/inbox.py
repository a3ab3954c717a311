"""The inbox: what the service told a person, newest first; the unread count in the
header; which notifications also come by e-mail (on the account page). Issue 20."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from .. import notification_texts as texts
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models.notification import NOTIFICATION_KINDS
from ..operations import NotFound, ValidationFailed
from ..operations import notifications as ops
from . import account
from .list_queries import Page

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PAGE_SIZE = 30


@bp.app_context_processor
def _header():
    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return ops.unread_count(current_user)
        except SQLAlchemyError:
            # An error page after a failed statement, or the database gone: the page is
            # still shown, without the count.
            return 0

    def notification_preferences():
        language = request_language()
        chosen = ops.preferences(current_user)
        return [(k, texts.kind_label(k, language), chosen[k]) for k in NOTIFICATION_KINDS]

    return {
        "inbox_unread": inbox_unread,
        "notification_preferences": notification_preferences,
        "mail_enabled": ops.mail_enabled,
    }


def _view(note, language: str) -> dict:
    params = note.params or {}
    return {
        "note": note,
        "title": texts.title(note.kind, params, language),
        "next_step": texts.next_step(note.kind, params, language),
        "comment": (params.get("comment") or "").strip(),
        "actor": note.actor.name if note.actor is not None else None,
    }


@bp.get("")
@login_required
def index():
    raw = request.args.get("page", "1")
    total = ops.count(current_user)
    pages = max(1, -(-total // PAGE_SIZE))
    # A page beyond the last (a bookmark from when there were more) shows the last one.
    number = min(int(raw), pages) if raw.isdigit() and int(raw) > 0 else 1
    language = request_language()
    notes = ops.inbox(current_user, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render_template(
        "inbox/index.html",
        items=[_view(n, language) for n in notes],
        unread=ops.unread_count(current_user),
        page=Page(items=notes, page=number, per_page=PAGE_SIZE, total=total),
    )


@bp.get("/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Opening a notification reads it: marked read, then on to the page it is about."""
    try:
        note = ops.mark_read(current_user, notification_id)
    except NotFound:
        abort(404)
    params = note.params or {}
    return redirect(
        texts.link_path(note.kind, note.assessment_id, note.meeting_id, params.get("decision_id"))
    )


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    try:
        ops.mark_read(current_user, notification_id)
    except NotFound as exc:
        flash(str(exc), "danger")
    else:
        flash(str(_l("Marked as read.")), "success")
    return redirect(url_for(".index"))


@bp.post("/read-all")
@login_required
def read_all():
    n = ops.mark_all_read(current_user)
    flash(str(_l("Notifications marked as read: %(count)d.", count=n)), "success")
    return redirect(url_for(".index"))


@account.bp.post("/notifications")
@login_required
def save_preferences():
    wanted = {k: request.form.get(f"email_{k}") == "on" for k in NOTIFICATION_KINDS}
    try:
        ops.set_preferences(current_user, wanted)
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for m in messages:
                flash(str(m), "danger")
    else:
        flash(str(_l("Your notification choices are saved.")), "success")
    return redirect(url_for("account.index") + "#notifications")
