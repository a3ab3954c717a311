"""Administration: the organisation's assessment policy (issue 17).

The overview (the version in force, the draft, every version with who published it when),
the draft editor (a form, and the whole file as YAML), the check that names every problem
at its field, and publishing with a start date after a confirmation. Every change goes
through ``operations.policies``, which audits it; a published version never changes.

Two admins editing one draft: the form carries a fingerprint of the draft it was opened
on, and a save based on a draft that has changed since is refused (``policy_drafts``),
with what was typed shown again.
"""

from __future__ import annotations

from datetime import date, timedelta

import yaml
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, TextAreaField

from ..definitions import load_yaml
from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..models import Body, DecisionType, PolicyVersion
from ..operations import Conflict, Stale, ValidationFailed, policy_drafts
from ..operations import policies as policy_ops
from ..operations.context import forms, today, workflows
from ..roles import ROLE_LABELS
from .access import roles_required
from .policy_document import policy_document_url
from .policy_form import (
    RULE_CHOICES,
    Choices,
    Layout,
    PolicyForm,
    form_data,
    policy_data,
    set_choices,
)
from .policy_problems import Shown, by_field, shown

bp = Blueprint("policy_admin", __name__, url_prefix="/admin/policy")

YAML_FIELD = "policy_yaml"


class YamlForm(FlaskForm):
    draft_token = HiddenField()
    policy_yaml = TextAreaField(
        _l("The policy file (YAML)"),
        description=_l(
            "The whole policy as in docs/policy.md, including what the form does not show: "
            "the screening's own questions and switched-off questions, the decision types the "
            "file defines, a rule's own processes or reviewer."
        ),
        render_kw={"rows": 30, "spellcheck": "false", "class": "font-monospace"},
    )


class StartForm(FlaskForm):
    draft_token = HiddenField()
    starts_on = DateField(
        _l("In force from"),
        description=_l(
            "The version applies to assessments started on this day or later; those started "
            "earlier keep the version they started under."
        ),
    )


class DiscardForm(FlaskForm):
    draft_token = HiddenField()


class ConfirmForm(FlaskForm):
    draft_token = HiddenField()
    starts_on = HiddenField()


# --- what the pages read ------------------------------------------------------------


def _organisation():
    return current_user.organisation


def _versions() -> list[PolicyVersion]:
    return list(
        db.session.scalars(
            select(PolicyVersion)
            .where(PolicyVersion.organisation_id == current_user.organisation_id)
            .order_by(PolicyVersion.version.desc())
        )
    )


def _version(number: int) -> PolicyVersion:
    found = db.session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.organisation_id == current_user.organisation_id,
            PolicyVersion.version == number,
        )
    )
    if found is None:
        abort(404)
    return found


def _choices(language: str) -> Choices:
    org_id = current_user.organisation_id
    types = db.session.scalars(
        select(DecisionType)
        .where(DecisionType.organisation_id == org_id, DecisionType.active)
        .order_by(DecisionType.id)
    )
    bodies = db.session.scalars(
        select(Body).where(Body.organisation_id == org_id, Body.active).order_by(Body.id)
    )
    form_def = forms().latest(_organisation().setting("default_form") or "iva")
    loaded = workflows()
    return Choices(
        decision_types=[(t.key, t.name(language)) for t in types],
        bodies=[(b.key, b.name(language)) for b in bodies],
        exempt_categories=[
            (c.id, c.labels.get(language)) for c in form_def.screening.exempt_categories
        ],
        workflows=[
            (key, loaded.latest(key).definition.labels.get(language)) for key in loaded.names()
        ],
        roles=[(role, str(label)) for role, label in ROLE_LABELS.items()],
    )


def _label_choices(choices: Choices, data: dict, language: str) -> Choices:
    """The type labels also for a type only the draft names: retired, or defined in the file."""
    known = dict(choices.decision_types)
    extra: dict[str, str] = {}
    retired = db.session.scalars(
        select(DecisionType).where(
            DecisionType.organisation_id == current_user.organisation_id,
            DecisionType.active.is_(False),
        )
    )
    for t in retired:
        extra[t.key] = t.name(language)
    for t in data.get("decision_types") or []:
        labels = t.get("labels") if isinstance(t, dict) else None
        if isinstance(labels, dict) and isinstance(t.get("id"), str):
            extra.setdefault(t["id"], labels.get(language) or t["id"])
    return Choices(
        [*choices.decision_types, *[(k, v) for k, v in extra.items() if k not in known]],
        choices.bodies,
        choices.exempt_categories,
        choices.workflows,
        choices.roles,
    )


@bp.app_template_filter("euros")
def euros(value) -> str:
    from flask_babel import format_decimal

    return format_decimal(value) if isinstance(value, int) else str(value)


@bp.context_processor
def labels():
    """Readable names of what a policy's data holds by key, in the reader's language."""
    language = request_language()
    rules = dict(RULE_CHOICES)
    cache: dict[str, Choices] = {}

    def choices() -> Choices:
        if "c" not in cache:
            cache["c"] = _choices(language)
        return cache["c"]

    return {
        "rule_label": lambda key: rules.get(key, key),
        "category_label": lambda key: dict(choices().exempt_categories).get(key, key),
        "body_label": lambda key: dict(choices().bodies).get(key, key),
        "workflow_label": lambda key: dict(choices().workflows).get(key, key),
    }


def _draft_page(form, current, choices: Choices, problems, status: int = 200, **extra):
    return render_template(
        "admin/policy/draft.html",
        form=form,
        draft=current,
        problems=problems,
        errors=by_field(problems),
        choices_label=choices.type_label,
        **extra,
    ), status


def _token(form) -> str:
    """The draft token the form came back with; a form without one is treated as stale,
    never as "do not check"."""
    return form.draft_token.data or ""


def _problems(data, layout: Layout, form: PolicyForm | None, choices: Choices, found):
    return shown(list(found), data, layout, form, choices, set(workflows().names()))


# --- the overview and the versions ----------------------------------------------------


@bp.get("")
@roles_required("admin")
def overview():
    versions = _versions()
    in_force = policy_ops.policy_in_force(_organisation())
    draft = next((v for v in versions if v.status == "draft"), None)
    upcoming = [
        v for v in versions if v.status == "published" and v.starts_on and v.starts_on > today()
    ]
    return render_template(
        "admin/policy/overview.html",
        versions=versions,
        in_force=in_force,
        draft=draft,
        upcoming=upcoming,
        document_url=document_url,
    )


@bp.get("/versions/<int:number>")
@roles_required("admin")
def version(number: int):
    found = _version(number)
    language = request_language()
    choices = _label_choices(_choices(language), found.data, language)
    return render_template(
        "admin/policy/version.html",
        version=found,
        data=found.data,
        layout=Layout.of(found.data, []),
        choices=choices,
        document_url=document_url,
    )


@bp.get("/versions/<int:number>/policy.yaml")
@roles_required("admin")
def export(number: int):
    found = _version(number)
    name = f"policy-v{found.version}{'-draft' if found.status == 'draft' else ''}.yaml"
    return Response(
        as_yaml(found.data),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def as_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def document_url(version: PolicyVersion, language: str) -> str:
    """The policy printed for the board (.docx), of this version or of the draft."""
    if version.status == "draft":
        return policy_document_url(language, draft=True)
    return policy_document_url(language, version=version.version)


# --- the draft ----------------------------------------------------------------------


def _starting_data() -> dict:
    """What a new draft starts from: the newest published version, else the built-in."""
    published = next((v for v in _versions() if v.status == "published"), None)
    if published is not None:
        return dict(published.data)
    return policy_drafts.starting_data()


@bp.route("/draft", methods=["GET", "POST"])
@roles_required("admin")
def draft():
    language = request_language()
    current = policy_ops.draft(current_user, _organisation())
    base = current.data if current is not None else _starting_data()
    active = _choices(language)
    choices = _label_choices(active, base, language)
    if request.method == "GET":
        layout = Layout.of(base, [k for k, _ in active.decision_types])
        form = PolicyForm(
            data={**form_data(base, layout), "draft_token": policy_drafts.token(current)}
        )
        form.overrides.append_entry()  # the empty row that adds an override
        set_choices(form, choices)
        return _draft_page(form, current, choices, [])

    form = PolicyForm()
    set_choices(form, choices)
    if not form.validate_on_submit():  # the CSRF token only: every value goes to the check
        abort(400)
    action = request.form.get("action", "save")
    data, layout = policy_data(form, base)
    try:
        saved, found = policy_drafts.save(current_user, data, expected=_token(form))
    except Conflict as exc:
        # What was typed stays on the page, the conflict above it; nothing was saved.
        return _draft_page(form, current, choices, [], 409, conflict=str(exc))
    if action == "check" and found:
        form.draft_token.data = policy_drafts.token(saved)
        problems = _problems(data, layout, form, choices, found)
        return _draft_page(form, saved, choices, problems, 422, saved=True)
    if action == "check":
        flash(str(_l("Draft saved and checked: no problems. It can be published.")), "success")
    elif found:
        flash(
            str(
                _l(
                    "Draft saved. It has problems (%(n)d) and cannot be published before they "
                    "are fixed: choose “Save and check” to see them.",
                    n=len(found),
                )
            ),
            "warning",
        )
    else:
        flash(str(_l("Draft saved.")), "success")
    return redirect(url_for(".draft"))


@bp.route("/draft/yaml", methods=["GET", "POST"])
@roles_required("admin")
def draft_yaml():
    language = request_language()
    current = policy_ops.draft(current_user, _organisation())
    if request.method == "GET":
        base = current.data if current is not None else _starting_data()
        form = YamlForm(
            data={"policy_yaml": as_yaml(base), "draft_token": policy_drafts.token(current)}
        )
        return render_template("admin/policy/yaml.html", form=form, draft=current, problems=[])
    form = YamlForm()
    if not form.validate_on_submit():
        abort(400)
    text = form.policy_yaml.data or ""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _l("line %(line)d, column %(column)d", line=mark.line + 1, column=mark.column + 1)
            if mark
            else ""
        )
        message = _l(
            "This is not valid YAML (%(problem)s). Nothing was saved: correct it and save again.",
            problem=getattr(exc, "problem", None) or str(exc),
        )
        return _yaml_page(form, current, [_yaml_problem(where, message)], status=422)
    if not isinstance(data, dict):
        message = _l(
            "A policy file is a set of keys (format, default, rules …), not a single value. "
            "Nothing was saved."
        )
        return _yaml_page(form, current, [_yaml_problem("", message)], status=422)
    try:
        saved, found = policy_drafts.save(current_user, data, expected=_token(form))
    except Conflict as exc:
        return _yaml_page(form, current, [], status=409, conflict=str(exc))
    form.draft_token.data = policy_drafts.token(saved)
    if found:
        choices = _label_choices(_choices(language), data, language)
        problems = [
            Shown(YAML_FIELD, p.path, p.message, p.path, p.lang)
            for p in _problems(data, Layout.of(data, []), None, choices, found)
        ]
        return _yaml_page(form, saved, problems, status=422, saved=True)
    flash(str(_l("Draft saved and checked: no problems. It can be published.")), "success")
    return redirect(url_for(".draft_yaml"))


def _yaml_problem(where, message) -> Shown:
    return Shown(YAML_FIELD, where, message, "")


def _yaml_page(form, current, problems, *, status: int, **extra):
    return render_template(
        "admin/policy/yaml.html", form=form, draft=current, problems=problems, **extra
    ), status


@bp.route("/draft/discard", methods=["GET", "POST"])
@roles_required("admin")
def discard():
    current = policy_ops.draft(current_user, _organisation())
    if current is None:
        flash(str(_l("There is no draft.")), "info")
        return redirect(url_for(".overview"))
    form = DiscardForm(data={"draft_token": policy_drafts.token(current)})
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            policy_drafts.discard(current_user, expected=_token(form))
        except Stale as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".draft"))
        flash(str(_l("Draft discarded. The published versions are as they were.")), "success")
        return redirect(url_for(".overview"))
    return render_template("admin/policy/discard.html", draft=current, form=form)


# --- publishing -----------------------------------------------------------------------


def _draft_problems(current: PolicyVersion, language: str):
    choices = _label_choices(_choices(language), current.data, language)
    layout = Layout.of(current.data, [k for k, _ in _choices(language).decision_types])
    form = PolicyForm(formdata=None, data=form_data(current.data, layout))
    set_choices(form, choices)
    found = policy_drafts.check(current_user, current.data)
    return _problems(current.data, layout, form, choices, found)


@bp.route("/publish", methods=["GET", "POST"])
@roles_required("admin")
def publish():
    language = request_language()
    current = policy_ops.draft(current_user, _organisation())
    if current is None:
        flash(str(_l("There is no draft to publish. Start one from the policy in force.")), "info")
        return redirect(url_for(".overview"))
    problems = _draft_problems(current, language)
    if problems:
        return render_template(
            "admin/policy/publish.html", draft=current, problems=problems, form=None
        ), 422
    step = request.form.get("step") if request.method == "POST" else None
    form = StartForm(
        data={"starts_on": today() + timedelta(days=1), "draft_token": policy_drafts.token(current)}
    )
    if step == "confirm":
        confirm = ConfirmForm()
        if not confirm.validate_on_submit():
            abort(400)
        starts_on = _date(confirm.starts_on.data)
        form = StartForm(data={"starts_on": starts_on, "draft_token": confirm.draft_token.data})
        try:
            if starts_on is None:
                raise ValidationFailed({"starts_on": [_l("Enter the start date.")]})
            published = policy_drafts.publish(current_user, starts_on, expected=_token(confirm))
        except Stale as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".draft"))
        except policy_ops.PolicyProblems:
            # A problem that appeared since the check (a type retired meanwhile): the
            # publish page lists it, linked to the draft.
            return redirect(url_for(".publish"))
        except ValidationFailed as exc:  # a day in the past (the problems were checked above)
            form.starts_on.errors = [str(m) for m in exc.errors.get("starts_on", [exc.message])]
        except Conflict as exc:  # before the start of the latest version
            form.starts_on.errors = [str(exc)]
        else:
            flash(
                str(
                    _l(
                        "Version %(version)d published. It is in force from %(date)s.",
                        version=published.version,
                        date=_format_date(published.starts_on),
                    )
                ),
                "success",
            )
            return redirect(url_for(".overview"))
    elif step == "date" and form.validate_on_submit():
        when = form.starts_on.data
        if when is not None and when >= today():
            confirm = ConfirmForm(
                data={"starts_on": when.isoformat(), "draft_token": form.draft_token.data}
            )
            return render_template(
                "admin/policy/confirm.html",
                draft=current,
                form=confirm,
                starts_on=when,
                in_force=policy_ops.policy_in_force(_organisation()),
            )
        form.starts_on.errors = [
            str(
                _l(
                    "The start date cannot be in the past: choose today (%(today)s) or a later "
                    "day.",
                    today=_format_date(today()),
                )
            )
        ]
    elif step == "date":
        example = _format_date(today() + timedelta(days=1))
        form.starts_on.errors = [
            str(_l("Enter the start date as a day, for example %(example)s.", example=example))
        ]
    return render_template("admin/policy/publish.html", draft=current, problems=[], form=form), (
        422 if form.errors else 200
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _format_date(value: date | None) -> str:
    from flask_babel import format_date

    return format_date(value, "short") if value else ""
