"""Administration of the wellbeing plan (issue 18, [plan]): the objectives of the
organisation's hyvinvointisuunnitelma with their periods and indicators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import PlanObjective
from ..operations import Forbidden, ValidationFailed
from ..operations import plan as ops
from .access import roles_required

bp = Blueprint("plan_admin", __name__, url_prefix="/admin/plan")


class IndicatorRow(Form):
    code = StringField(
        _l("Indicator id"),
        [Optional(), Length(max=ops.CODE_MAX)],
        description=_l("For example a Sotkanet indicator number, such as 4559."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name_fi = StringField(_l("Name in Finnish"), [Optional(), Length(max=ops.NAME_MAX)])
    name_sv = StringField(_l("Name in Swedish"), [Optional(), Length(max=ops.NAME_MAX)])
    name_en = StringField(_l("Name in English"), [Optional(), Length(max=ops.NAME_MAX)])


class ObjectiveForm(FlaskForm):
    key = StringField(
        _l("Key"),
        [Length(max=ops.KEY_MAX)],
        description=_l(
            "The short identifier assessments store: lower-case letters a-z, digits, hyphens "
            "and underscores, beginning with a letter. It cannot be changed later."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    text_fi = TextAreaField(_l("Objective in Finnish"), [Length(max=ops.TEXT_MAX)])
    text_sv = TextAreaField(_l("Objective in Swedish"), [Length(max=ops.TEXT_MAX)])
    text_en = TextAreaField(_l("Objective in English"), [Length(max=ops.TEXT_MAX)])
    start_year = IntegerField(_l("First year of the plan"), [Optional()])
    end_year = IntegerField(_l("Last year of the plan"), [Optional()])
    indicators = FieldList(
        FormField(IndicatorRow),
        label=_l("Indicators the plan follows the objective by"),
        min_entries=1,
        max_entries=ops.INDICATORS_MAX,
    )


def _form(objective: PlanObjective | None = None, **kwargs) -> ObjectiveForm:
    form = ObjectiveForm(obj=objective, **kwargs)
    if objective is not None and not form.is_submitted():
        while form.indicators.entries:
            form.indicators.pop_entry()
        for i in objective.indicators:
            form.indicators.append_entry(
                {"code": i.code, "name_fi": i.name_fi, "name_sv": i.name_sv, "name_en": i.name_en}
            )
        form.indicators.append_entry()  # a blank row to add one
    for name in ("key", "text_fi", "text_sv", "text_en", "start_year", "end_year"):
        form[name].flags.required = True
    return form


def _raw(form: ObjectiveForm, key: str, active: bool) -> dict:
    rows = [
        {
            "id": row.code.data.strip() if row.code.data else "",
            "name": {lang: row[f"name_{lang}"].data or "" for lang in ops.LANGUAGES},
        }
        for row in (entry.form for entry in form.indicators.entries)
        if any((row[f].data or "").strip() for f in ("code", "name_fi", "name_sv", "name_en"))
    ]
    return {
        "key": key,
        "text": {lang: form[f"text_{lang}"].data or "" for lang in ops.LANGUAGES},
        "start_year": form.start_year.data,
        "end_year": form.end_year.data,
        "active": active,
        "indicators": rows,
    }


def _apply(form: ObjectiveForm, exc: ValidationFailed) -> None:
    """The operation names a problem by its path in the objective; the page by its field."""
    filled = [
        e
        for e in form.indicators.entries
        if any((e.form[f].data or "").strip() for f in ("code", "name_fi", "name_sv", "name_en"))
    ]
    for path, messages in exc.errors.items():
        parts = path.split(".")[1:]  # "objective.<...>"
        field = None
        if parts[:1] == ["text"] and len(parts) == 2:
            field = form[f"text_{parts[1]}"]
        elif parts[:1] == ["indicators"] and len(parts) >= 3 and parts[1].isdigit():
            n = int(parts[1])
            if n < len(filled):
                sub = filled[n].form
                field = sub.code if parts[2] == "id" else sub[f"name_{parts[-1]}"]
        elif parts and parts[0] in ("key", "start_year", "end_year"):
            field = form[parts[0]]
        if field is None:
            form.form_errors.extend(str(m) for m in messages)
        else:
            field.errors = list(field.errors) + [str(m) for m in messages]


def _objective(key: str) -> PlanObjective:
    found = ops.objective_by_key(current_user.organisation_id, key)
    if found is None:
        abort(404)
    return found


@bp.get("")
@roles_required("admin")
def objectives():
    return render_template(
        "admin/plan.html", objectives=ops.objectives_of(current_user.organisation_id)
    )


def _edit(objective: PlanObjective | None):
    form = _form(objective)
    form.form_errors = []
    if objective is not None:
        form.key.data = objective.key  # shown, not changed
        form.key.render_kw = {**(form.key.render_kw or {}), "readonly": True}
    status = 200
    if form.is_submitted():
        form.validate()
        key = objective.key if objective is not None else (form.key.data or "").strip()
        active = objective.active if objective is not None else True
        try:
            saved = ops.save_objective(current_user, _raw(form, key, active), new=objective is None)
        except ValidationFailed as exc:
            _apply(form, exc)
            status = 422
        else:
            flash(
                str(_l("Objective %(name)s saved.", name=saved.text(request_language()))),
                "success",
            )
            return redirect(url_for(".objectives"))
    return render_template(
        "admin/plan_objective_form.html",
        form=form,
        objective=objective,
        problems=_problems(form),
    ), status


def _problems(form: ObjectiveForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error, the indicator rows' included, for the
    summary at the top of the page (the shared one lists only top-level fields)."""
    out: list[tuple[str, str, str]] = []
    for f in form:
        if f.name == "indicators":
            for n, entry in enumerate(f.entries, start=1):
                for sub in entry.form:
                    out.extend(
                        (sub.id, f"{_l('Indicator')} {n}: {sub.label.text}", str(m))
                        for m in sub.errors
                        if isinstance(m, str)
                    )
        elif f.type != "CSRFTokenField":
            out.extend((f.id, str(f.label.text), str(m)) for m in f.errors if isinstance(m, str))
    return out


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def new_objective():
    return _edit(None)


@bp.route("/<key>", methods=["GET", "POST"])
@roles_required("admin")
def edit_objective(key: str):
    return _edit(_objective(key))


@bp.post("/<key>/retire", defaults={"active": False})
@bp.post("/<key>/reactivate", defaults={"active": True})
@roles_required("admin")
def set_active(key: str, active: bool):
    objective = _objective(key)
    try:
        ops.set_active(current_user, objective, active)
    except Forbidden:
        abort(403)
    name = objective.text(request_language())
    message = (
        _l("Objective %(name)s is in force again.", name=name)
        if active
        else _l(
            "Objective %(name)s retired: preparers no longer link to it; assessments that "
            "did keep their links.",
            name=name,
        )
    )
    flash(str(message), "success")
    return redirect(url_for(".objectives"))
