"""Administration of the deciding bodies and the decision types (issue 17)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length

from ..documents import records as rec
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import BODY_KINDS, Body, DecisionType
from ..operations import Forbidden, ValidationFailed
from ..operations import organisation_data as ops
from .access import roles_required
from .util import apply_errors

bp = Blueprint("org_data", __name__, url_prefix="/admin")

KEY_HELP = _l(
    "The short identifier the assessment policy uses: lower-case letters a-z, digits, hyphens "
    "and underscores, beginning with a letter. It cannot be changed later."
)


PUBLICITY_LABELS = {
    "public": _l("Public"),
    "partly_secret": _l("Partly secret"),
    "secret": _l("Secret"),
}
RETENTION_HELP = _l('A whole number of years (for example 10), or "permanent".')


def publicity_choices(default_label=None) -> list[SelectChoice]:
    first = [SelectChoice("", default_label)] if default_label is not None else []
    return first + [SelectChoice(k, PUBLICITY_LABELS[k]) for k in rec.PUBLICITY_CLASSES]


def personal_data_choices(default_label=None) -> list[SelectChoice]:
    first = [SelectChoice("", default_label)] if default_label is not None else []
    return first + [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class BodyForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[Length(max=ops.KEY_MAX)],
        description=KEY_HELP,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    kind = SelectField(_l("Kind of body"), validate_choice=False)
    name_fi = StringField(_l("Name in Finnish"), validators=[Length(max=ops.NAME_MAX)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Length(max=ops.NAME_MAX)])


class DecisionTypeForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[Length(max=ops.KEY_MAX)],
        description=KEY_HELP,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name_fi = StringField(_l("Name in Finnish"), validators=[Length(max=ops.NAME_MAX)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Length(max=ops.NAME_MAX)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=ops.NAME_MAX)])
    task_class = StringField(
        _l("Task class (optional)"),
        validators=[Length(max=ops.TASK_CLASS_MAX)],
        description=_l(
            "The code of the records management plan for decisions of this type, for example "
            "05.01.00."
        ),
    )
    # Records metadata (issue 19): empty takes the organisation's default.
    publicity_class = SelectField(_l("Publicity class"), validate_choice=False)
    retention_period = StringField(
        _l("Retention period"), validators=[Length(max=20)], description=RETENTION_HELP
    )
    personal_data = SelectField(_l("The documents contain personal data"), validate_choice=False)


def _required(form, *names: str) -> None:
    # The operation checks them; the marks tell a person before they send the form.
    for name in names:
        form[name].flags.required = True


def _body_form(**kwargs) -> BodyForm:
    form = BodyForm(**kwargs)
    form.kind.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(k, ops.BODY_KIND_LABELS[k]) for k in BODY_KINDS
    ]
    _required(form, "key", "kind", "name_fi", "name_sv")
    return form


def _type_form(row: DecisionType | None = None, **kwargs) -> DecisionTypeForm:
    form = DecisionTypeForm(obj=row, **kwargs)
    default = _l("The organisation's default")
    form.publicity_class.choices = publicity_choices(default)
    form.personal_data.choices = personal_data_choices(default)
    if row is not None and not form.is_submitted():
        form.personal_data.data = {True: "yes", False: "no"}.get(row.personal_data, "")  # type: ignore[arg-type]
        form.publicity_class.data = row.publicity_class or ""
        form.retention_period.data = row.retention_period or ""
    _required(form, "key", "name_fi", "name_sv", "name_en")
    return form


def _records_values(form: DecisionTypeForm) -> dict:
    return {
        "publicity_class": form.publicity_class.data or None,
        "retention_period": form.retention_period.data or None,
        "personal_data": yes_no(form.personal_data.data),
    }


def _body(key: str) -> Body:
    found = ops.body_by_key(current_user.organisation_id, key)
    if found is None:
        abort(404)
    return found


def _type(key: str) -> DecisionType:
    found = ops.decision_type_by_key(current_user.organisation_id, key)
    if found is None:
        abort(404)
    return found


def _status(form) -> int:
    return 422 if form.errors else 200


# --- bodies ----------------------------------------------------------------------------


@bp.get("/bodies")
@roles_required("admin")
def bodies():
    return render_template(
        "admin/bodies.html",
        bodies=ops.bodies_of(current_user.organisation_id),
        kind_labels=ops.BODY_KIND_LABELS,
    )


@bp.route("/bodies/new", methods=["GET", "POST"])
@roles_required("admin")
def new_body():
    form = _body_form()
    if form.validate_on_submit():
        try:
            body = ops.create_body(
                current_user,
                key=form.key.data,
                kind=form.kind.data,
                name_fi=form.name_fi.data,
                name_sv=form.name_sv.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Body %(name)s created.", name=body.name(request_language()))), "success")
            return redirect(url_for(".bodies"))
    return render_template("admin/body_form.html", form=form, body=None), _status(form)


@bp.route("/bodies/<key>", methods=["GET", "POST"])
@roles_required("admin")
def edit_body(key: str):
    body = _body(key)
    form = _body_form(obj=body)
    form.key.data = body.key  # shown, not changed
    form.key.render_kw = {**(form.key.render_kw or {}), "readonly": True}
    if form.validate_on_submit():
        try:
            ops.update_body(
                current_user,
                body,
                kind=form.kind.data,
                name_fi=form.name_fi.data,
                name_sv=form.name_sv.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Changes saved.")), "success")
            return redirect(url_for(".bodies"))
    return render_template("admin/body_form.html", form=form, body=body), _status(form)


@bp.post("/bodies/<key>/retire", defaults={"active": False})
@bp.post("/bodies/<key>/reactivate", defaults={"active": True})
@roles_required("admin")
def set_body_active(key: str, active: bool):
    body = _body(key)
    try:
        (ops.reactivate_body if active else ops.retire_body)(current_user, body)
    except Forbidden:
        abort(403)
    name = body.name(request_language())
    message = (
        _l("Body %(name)s is in use again.", name=name)
        if active
        else _l("Body %(name)s retired: it can no longer be chosen for new decisions.", name=name)
    )
    flash(str(message), "success")
    return redirect(url_for(".bodies"))


# --- decision types --------------------------------------------------------------------


@bp.get("/decision-types")
@roles_required("admin")
def decision_types():
    return render_template(
        "admin/decision_types.html", types=ops.decision_types_of(current_user.organisation_id)
    )


@bp.route("/decision-types/new", methods=["GET", "POST"])
@roles_required("admin")
def new_decision_type():
    form = _type_form()
    if form.validate_on_submit():
        try:
            row = ops.create_decision_type(
                current_user,
                key=form.key.data,
                name_fi=form.name_fi.data,
                name_sv=form.name_sv.data,
                name_en=form.name_en.data,
                task_class=form.task_class.data,
                **_records_values(form),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(
                str(_l("Decision type %(name)s created.", name=row.name(request_language()))),
                "success",
            )
            return redirect(url_for(".decision_types"))
    return render_template("admin/decision_type_form.html", form=form, row=None), _status(form)


@bp.route("/decision-types/<key>", methods=["GET", "POST"])
@roles_required("admin")
def edit_decision_type(key: str):
    row = _type(key)
    form = _type_form(row)
    form.key.data = row.key
    form.key.render_kw = {**(form.key.render_kw or {}), "readonly": True}
    if form.validate_on_submit():
        try:
            ops.update_decision_type(
                current_user,
                row,
                name_fi=form.name_fi.data,
                name_sv=form.name_sv.data,
                name_en=form.name_en.data,
                task_class=form.task_class.data,
                **_records_values(form),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Changes saved.")), "success")
            return redirect(url_for(".decision_types"))
    return render_template("admin/decision_type_form.html", form=form, row=row), _status(form)


@bp.post("/decision-types/<key>/retire", defaults={"active": False})
@bp.post("/decision-types/<key>/reactivate", defaults={"active": True})
@roles_required("admin")
def set_decision_type_active(key: str, active: bool):
    row = _type(key)
    try:
        (ops.reactivate_decision_type if active else ops.retire_decision_type)(current_user, row)
    except Forbidden:
        abort(403)
    name = row.name(request_language())
    message = (
        _l("Decision type %(name)s is in use again.", name=name)
        if active
        else _l(
            "Decision type %(name)s retired: it can no longer be chosen for new decisions.",
            name=name,
        )
    )
    flash(str(message), "success")
    return redirect(url_for(".decision_types"))
