"""Log in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_text as _l
from ..operations import LockedOut
from ..operations import users as user_ops
from . import sessions
from .util import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        try:
            signed_in = user_ops.log_in(
                form.email.data,
                form.password.data,
                request.remote_addr,
                language=session.get("language"),
                user_agent=request.user_agent.string,
            )
        except LockedOut as exc:
            form.form_errors.append(str(exc))
            status = 429
            headers["Retry-After"] = str(exc.retry_after)
        else:
            if signed_in is None:
                form.form_errors.append(
                    str(
                        _l("The e-mail address or the password is wrong. Check both and try again.")
                    )
                )
                status = 401
            else:
                sessions.begin(*signed_in)  # a new server-side session, a fresh cookie
                return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.post("/logout")
def logout():
    sessions.end()
    flash(str(_l("You have logged out.")), "info")
    return redirect(url_for("auth.login"))
