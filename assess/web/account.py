"""A person's own settings: password, log-in sessions and API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from ..i18n import lazy_text as _l
from ..operations import LockedOut, NotFound, ValidationFailed
from ..operations import sessions as session_ops
from ..operations import users as user_ops
from . import sessions
from .util import apply_errors

bp = Blueprint("account", __name__, url_prefix="/account")


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=1000)],
        description=_l(
            "At least 12 characters, not a common password and not your name or e-mail "
            "address. A few unrelated words make a good password."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", _l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class TokenForm(FlaskForm):
    expires_in_days = SelectField(
        _l("Valid for"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("365", _l("a year")),
            SelectChoice("", _l("until revoked")),
        ],
        default="90",
        description=_l("After this the API refuses the token, and you create a new one."),
    )


def _page(form: PasswordForm, token_form: TokenForm, new_token: str | None = None):
    return render_template(
        "account.html",
        form=form,
        token_form=token_form,
        tokens=user_ops.tokens_of(current_user),
        new_token=new_token,
        sessions=session_ops.active_sessions(current_user),
        current_session_id=session_ops.current_session_id(),
        browser=sessions.browser,
        now=session_ops.now(),
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = PasswordForm()
    headers = {}
    if form.validate_on_submit():
        try:
            # Throttled like a log-in: an open session must not become a way to guess.
            right = user_ops.check_current_password(
                current_user, form.current.data, request.remote_addr
            )
        except LockedOut as exc:
            form.current.errors = [str(exc)]
            headers["Retry-After"] = str(exc.retry_after)
        else:
            if not right:
                form.current.errors = [str(_l("The current password is wrong."))]
            else:
                try:
                    user_ops.set_password(current_user, form.password.data)
                except ValidationFailed as exc:
                    apply_errors(form, exc)
                else:
                    flash(
                        str(
                            _l(
                                "Your password has been changed. Your other sessions have "
                                "ended and your API tokens are revoked."
                            )
                        ),
                        "success",
                    )
                    return redirect(url_for(".index"))
    status = 429 if headers else 422 if form.errors else 200
    return _page(form, TokenForm(formdata=None)), status, headers


@bp.post("/tokens")
@login_required
def new_token():
    token_form = TokenForm()
    if not token_form.validate_on_submit():
        return _page(PasswordForm(formdata=None), token_form), 422
    days = token_form.expires_in_days.data
    try:
        token = user_ops.issue_token(current_user, expires_in_days=int(days) if days else None)
    except ValidationFailed as exc:
        apply_errors(token_form, exc)
        return _page(PasswordForm(formdata=None), token_form), 422
    # Shown once, on this response only; only its hash is stored.
    return _page(PasswordForm(formdata=None), TokenForm(formdata=None), new_token=token)


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    current = session_id == session_ops.current_session_id()
    try:
        session_ops.end_own(current_user, session_id)
    except NotFound as exc:
        flash(str(exc), "danger")
        return redirect(url_for(".index") + "#sessions")
    if current:
        sessions.end()
        flash(str(_l("You have logged out.")), "info")
        return redirect(url_for("auth.login"))
    flash(str(_l("The session has ended; that browser must log in again.")), "success")
    return redirect(url_for(".index") + "#sessions")


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    count = session_ops.end_other_sessions(current_user)
    flash(str(_l("Other sessions ended: %(count)d.", count=count)), "success")
    return redirect(url_for(".index") + "#sessions")


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        user_ops.revoke_token(current_user, token_id)
    except NotFound as exc:
        flash(str(exc), "danger")
    else:
        flash(
            str(_l("The token is revoked; programs using it are refused from now on.")), "success"
        )
    return redirect(url_for(".index") + "#tokens")
