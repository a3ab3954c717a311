"""Administration: the organisation's users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import ROLES, User
from ..operations import ValidationFailed
from ..operations import users as user_ops
from .access import ROLE_LABELS, roles_required
from .util import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter the e-mail address.")), Length(max=254)],
    )
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
        description=_l("A person may have several roles."),
    )
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "At least 12 characters. When editing, leave empty to keep the current one."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return user


@bp.get("/users")
@roles_required("admin")
def users():
    rows = db.session.scalars(
        select(User).where(User.organisation_id == current_user.organisation_id).order_by(User.name)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = user_ops.create_user(
                organisation=current_user.organisation,
                email=form.email.data,
                name=form.name.data,
                roles=form.roles.data,
                password=form.password.data or "",
                actor=current_user,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("User %(email)s created.", email=user.email)), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None), (
        422 if form.errors else 200
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = _user(user_id)
    form = UserForm(obj=user)
    # The e-mail address identifies the account; it is shown, not edited.
    form.email.render_kw = {"readonly": True}
    if form.is_submitted():
        form.email.data = user.email
    else:
        form.roles.data = user.roles
    if form.validate_on_submit():
        if user.id == current_user.id and ("admin" not in form.roles.data or not form.active.data):
            form.roles.errors = list(form.roles.errors) + [
                str(_l("You cannot remove your own administrator role or deactivate yourself."))
            ]
        else:
            try:
                user_ops.update_user(
                    user,
                    name=form.name.data,
                    roles=form.roles.data,
                    active=form.active.data,
                    password=form.password.data or None,
                    actor=current_user,
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                flash(str(_l("Changes saved.")), "success")
                return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user), (
        422 if form.errors else 200
    )
