"""Administration: the organisation's users."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import ROLES, User
from ..operations import NotFound, ValidationFailed
from ..operations import organisations as org_ops
from ..operations import reviewer_bodies as reviewer_ops
from ..operations import sessions as session_ops
from ..operations import users as user_ops
from ..operations.organisation_data import ORGANISATION_KIND_LABELS
from ..questionnaire.forms import CheckboxesField
from ..questionnaire.organisation import FLAG_THRESHOLDS, OrgSettings, exempt_categories
from . import sessions
from .access import ROLE_LABELS, roles_required
from .util import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
            "At least 12 characters, not a common password and not the person's name or "
            "e-mail address. When editing, leave empty to keep the current one."
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
        select(User)
        .where(User.organisation_id == current_user.organisation_id)
        .options(selectinload(User.role_rows))  # the list shows their roles
        .order_by(User.name)
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
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        sessions=session_ops.active_sessions(user),
        tokens=session_ops.live_tokens(user),
        current_session_id=session_ops.current_session_id(),
        browser=sessions.browser,
        end_url=lambda s: url_for(".end_sessions", user_id=user.id, session_id=s.id),
        review_bodies=reviewer_ops.review_bodies(user),
        bodies=[b for b in user.organisation.bodies if b.active],
    ), (422 if form.errors else 200)


@bp.post("/users/<int:user_id>/review-bodies")
@roles_required("admin")
def review_bodies(user_id: int):
    """The bodies whose decisions the person reviews where the policy narrows the review."""
    user = _user(user_id)
    try:
        reviewer_ops.set_review_bodies(current_user, user, request.form.getlist("body"))
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for message in messages:
                flash(str(message), "danger")
    else:
        flash(str(_l("Changes saved.")), "success")
    return redirect(url_for(".edit_user", user_id=user.id) + "#review-bodies")


# Ending another person's sessions and tokens: the operations refuse anyone but an
# administrator of that person's organisation (another organisation's people are a 404).
@bp.post("/users/<int:user_id>/sessions/end", defaults={"session_id": None})
@bp.post("/users/<int:user_id>/sessions/<int:session_id>/end")
@roles_required("admin")
def end_sessions(user_id: int, session_id: int | None):
    try:
        count = session_ops.admin_end_sessions(current_user, user_id, session_id)
    except NotFound:
        abort(404)
    flash(str(_l("Sessions ended: %(count)d.", count=count)), "success")
    return redirect(url_for(".edit_user", user_id=user_id) + "#sessions")


@bp.post("/users/<int:user_id>/tokens/revoke", defaults={"token_id": None})
@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_tokens(user_id: int, token_id: int | None):
    try:
        count = session_ops.admin_revoke_tokens(current_user, user_id, token_id)
    except NotFound:
        abort(404)
    flash(str(_l("API tokens revoked: %(count)d.", count=count)), "success")
    return redirect(url_for(".edit_user", user_id=user_id) + "#tokens")


class OrganisationForm(FlaskForm):
    kind = SelectField(
        _l("Type of organisation"),
        choices=[SelectChoice(k, label) for k, label in ORGANISATION_KIND_LABELS.items()],
        description=_l("The legal bases the assessments cite follow the type."),
        validate_choice=False,  # the operation names a wrong one; none sent keeps the type
    )
    bilingual = BooleanField(_l("Bilingual organisation (Finnish and Swedish)"))
    minority_language = RadioField(
        _l("Minority language"),
        choices=[
            SelectChoice("none", _l("none")),
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("fi", _l("Finnish")),
        ],
        description=_l(
            "Its speakers are the group whose effects call for hearing the national "
            "languages committee."
        ),
    )
    groups_used = CheckboxesField(
        _l("Population groups used in assessments"),
        description=_l("Groups left out are not offered in scoping."),
    )
    exempt_categories = CheckboxesField(
        _l("Exempt categories"),
        description=_l("Decisions of these kinds need no assessment; the category is recorded."),
    )
    cumulative_window_days = IntegerField(
        _l("Cumulative burden: window in days"),
        [Optional()],
        description=_l(
            "Approved assessments within this many days count towards the "
            "cumulative burden of a group. Empty: the questionnaire's default."
        ),
    )
    cumulative_min_others = IntegerField(
        _l("Cumulative burden: number of other decisions"),
        [Optional()],
        description=_l(
            "A group affected negatively by at least this many other approved "
            "decisions in the window is flagged. Empty: the questionnaire's default."
        ),
    )
    late_days = IntegerField(
        _l("Late assessment: days before the meeting"),
        [Optional()],
        description=_l(
            "An assessment submitted for review later than this before the meeting "
            "is flagged. Empty: the questionnaire's default."
        ),
    )


@bp.route("/organisation", methods=["GET", "POST"])
@roles_required("admin")
def organisation():
    org = current_user.organisation
    form_def = current_app.extensions["assess.forms"].latest(org.setting("default_form") or "iva")
    language = request_language()
    settings = OrgSettings.of(org)
    form = OrganisationForm(
        data=None
        if request.method == "POST"
        else {
            "kind": org.kind,
            "bilingual": org.bilingual,
            "minority_language": org.minority_language,
            "groups_used": [g.id for g in form_def.groups if g.id not in settings.groups_off],
            "exempt_categories": [c.id for c in exempt_categories(form_def, settings)],
            **dict(settings.flag_thresholds),
        }
    )
    form.groups_used.choices = [SelectChoice(g.id, g.labels.get(language)) for g in form_def.groups]
    form.exempt_categories.choices = [
        SelectChoice(c.id, c.labels.get(language)) for c in form_def.screening.exempt_categories
    ]
    if form.validate_on_submit():
        try:
            org_ops.update_settings(
                current_user,
                org,
                form_def,
                bilingual=form.bilingual.data,
                minority_language=form.minority_language.data,
                groups_used=form.groups_used.data,
                exempt_categories=form.exempt_categories.data,
                flag_thresholds={name: form[name].data for name in FLAG_THRESHOLDS},
                kind=form.kind.data or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Changes saved.")), "success")
            return redirect(url_for(".organisation"))
    threshold, set_by = org_ops.investment_threshold_in_force(org)
    return render_template(
        "admin/organisation.html",
        form=form,
        organisation=org,
        threshold=format_decimal(threshold),
        threshold_policy=set_by,
    ), (422 if form.errors else 200)


@bp.post("/organisation/sign-in")
@roles_required("admin")
def password_sign_in():
    """Password sign-in on or off for the organisation (issue 16)."""
    allowed = request.form.get("password_sign_in") in ("y", "on", "1", "true")
    try:
        org_ops.set_password_sign_in(current_user, current_user.organisation, allowed)
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for message in messages:
                flash(str(message), "danger")
    else:
        flash(
            str(
                _l("Password sign-in is allowed.")
                if allowed
                else _l(
                    "Password sign-in is switched off: people sign in with %(provider)s.",
                    provider=current_app.config["OIDC_PROVIDER_NAME"],
                )
            ),
            "success",
        )
    return redirect(url_for("admin.organisation") + "#sign-in")
