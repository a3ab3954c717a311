"""A person's own settings: password and API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..i18n import lazy_text as _l
from ..operations import NotFound, ValidationFailed
from ..operations import users as user_ops
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
        description=_l("At least 12 characters. A few unrelated words make a good password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", _l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = PasswordForm()
    if form.validate_on_submit():
        if not user_ops.verify_password(current_user, form.current.data):
            form.current.errors = [str(_l("The current password is wrong."))]
        else:
            try:
                user_ops.set_password(current_user, form.password.data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                flash(str(_l("Your password has been changed.")), "success")
                return redirect(url_for(".index"))
    return render_template(
        "account.html", form=form, tokens=user_ops.tokens_of(current_user), new_token=None
    ), 422 if form.errors else 200


@bp.post("/tokens")
@login_required
def new_token():
    token = user_ops.issue_token(current_user)
    # Shown once, on this response only; only its hash is stored.
    return render_template(
        "account.html",
        form=PasswordForm(formdata=None),
        tokens=user_ops.tokens_of(current_user),
        new_token=token,
    )


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
