"""Decision drafts: list and search, create, view, edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import Conflict, NotFound, ValidationFailed
from ..operations import decisions as ops
from ..operations import organisation_data as org_data
from ..operations.decision_texts import other_language
from . import list_queries as lists
from .access import roles_required
from .assessments import panel_context
from .limits import form_version, query_number
from .util import apply_errors

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

PER_PAGE = lists.PER_PAGE
MAX_PAGE = 1_000_000  # as the API's: far beyond any organisation's decisions


class DecisionForm(FlaskForm):
    case_number = StringField(
        _l("Case number"),
        validators=[DataRequired(_l("Enter the case number.")), Length(max=60)],
        description=_l("The number in the case management system, for example KPHA/412/2026."),
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter the title of the decision.")), Length(max=300)],
    )
    language = RadioField(
        _l("Language of the decision"),
        choices=[SelectChoice("fi", _l("Finnish")), SelectChoice("sv", _l("Swedish"))],
        validators=[DataRequired(_l("Choose the language of the decision."))],
        description=_l("The assessment document is written in this language."),
    )
    body_id = SelectField(
        _l("Deciding body"),
        validators=[DataRequired(_l("Choose the body that decides."))],
    )
    decision_type = SelectField(
        _l("Decision type"),
        validate_choice=False,  # the operation says which types there are
        description=_l(
            "The organisation's assessment policy says by the type which assessment the "
            "decision needs."
        ),
    )
    amount_eur = StringField(
        _l("Amount in euros (optional)"),
        validators=[Length(max=40)],
        description=_l(
            "The value of the procurement or investment in whole euros, if the decision has "
            "one, for example 150000. The assessment policy may require an assessment from a "
            "threshold up."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    proposal = TextAreaField(
        _l("Proposal"),
        validators=[Length(max=ops.PROPOSAL_MAX)],
        description=_l("The draft decision proposal. You can fill it in later."),
    )
    # The title and proposal in the other national language: only a bilingual organisation's
    # form shows them (issue 19).
    title_other = StringField(_l("Title in the other national language"), [Length(max=300)])
    proposal_other = TextAreaField(
        _l("Proposal in the other national language"), [Length(max=ops.PROPOSAL_MAX)]
    )
    # Asked only when a change of language would relabel an unchanged translation.
    keep_translation = BooleanField(
        _l("The translation fields already hold the texts in the new other language: save them")
    )
    ask_keep_translation = False
    version = HiddenField()

    def data_for_operation(self) -> dict:
        extra = {}
        if self.show_translations:
            other = other_language(self.language.data or "")
            extra["translations"] = {
                other: {"title": self.title_other.data, "proposal": self.proposal_other.data}
            }
        return {
            **extra,
            "case_number": self.case_number.data,
            "title": self.title.data,
            "language": self.language.data,
            "body_id": self.body_id.data,
            "decision_type": self.decision_type.data or None,
            "amount_eur": self.amount_eur.data,
            "proposal": self.proposal.data,
        }


def _form(decision=None, **kwargs) -> DecisionForm:
    form = DecisionForm(**kwargs)
    language = request_language()
    org_id = current_user.organisation_id
    # Retired bodies and types are offered only to the decisions that already have them.
    bodies = [
        b
        for b in org_data.bodies_of(org_id)
        if b.active or (decision is not None and decision.body_id == b.id)
    ]
    form.body_id.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(str(b.id), b.name(language)) for b in bodies
    ]
    types = [
        t
        for t in org_data.decision_types_of(org_id)
        if t.active or (decision is not None and decision.decision_type_id == t.id)
    ]
    form.decision_type.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(t.key, t.name(language)) for t in types
    ]
    # An organisation without types keeps the form it had.
    form.show_decision_type = bool(types)
    form.show_translations = bool(current_user.organisation.bilingual)
    if form.show_translations:
        _name_other_language(form, decision)
    if types:
        form.decision_type.flags.required = True
    return form


def _name_other_language(form: DecisionForm, decision) -> None:
    """Name the language of the translation fields once the decision's language is known."""
    language = decision.language if decision is not None else None
    if language == "fi":
        form.title_other.label.text = str(_l("Title in Swedish"))
        form.proposal_other.label.text = str(_l("Proposal in Swedish"))
    elif language == "sv":
        form.title_other.label.text = str(_l("Title in Finnish"))
        form.proposal_other.label.text = str(_l("Proposal in Finnish"))
    note = _l(
        "Your organisation is bilingual: its documents and agendas are also made in the other "
        "national language (Swedish when the decision is in Finnish, Finnish when it is in "
        "Swedish). Leave empty if not yet translated: the documents then print the original, "
        "marked."
    )
    form.title_other.description = note


def _translations_relabelled(form: DecisionForm, decision) -> bool:
    """Refuse a change of the decision's language that would file the translation, unchanged,
    under the other language: the form showed it as the old other language's text (a Finnish
    decision's Swedish title), and saved as it is it would become the new other language's
    (the Swedish decision's Finnish title) without anyone noticing."""
    old, new = decision.language, form.language.data
    if not form.show_translations or {old, new} != {"fi", "sv"}:
        return False
    given = {"title": form.title_other.data or "", "proposal": form.proposal_other.data or ""}
    stored = (decision.translations or {}).get(other_language(old), {})
    if form.keep_translation.data or not any(given.values()):
        return False
    if any(given[k] != stored.get(k, "") for k in given):
        return False
    # One sentence per direction: the languages' names inflect differently in each catalogue.
    message = (
        _l(
            "The title and proposal in the other national language are in Swedish. With the "
            "decision in Swedish they would be saved as its Finnish translation. Move each "
            "text to the field of its language, or empty the translation fields, then save "
            "again."
        )
        if old == "fi"
        else _l(
            "The title and proposal in the other national language are in Finnish. With the "
            "decision in Finnish they would be saved as its Swedish translation. Move each "
            "text to the field of its language, or empty the translation fields, then save "
            "again."
        )
    )
    form.language.errors = [*form.language.errors, message]
    form.ask_keep_translation = True
    return True


def _get(decision_id: int):
    try:
        return ops.get_decision(current_user, decision_id)
    except NotFound:
        abort(404)


@bp.get("")
@login_required
def index():
    language = request_language()
    options, allowed = lists.decision_choices(current_user.organisation_id, language)
    parsed = lists.parse_request(allowed)
    page, beyond = lists.paginate(
        lists.decisions(current_user.organisation_id, parsed.filters),
        query_number("page", 1, MAX_PAGE) or 1,
        PER_PAGE,
    )
    return render_template(
        "decisions/list.html",
        page=page,
        filters=parsed.filters,
        problems=lists.problems_with_page(parsed, page, beyond),
        options=options,
        state_label=lists.state_labeller(language),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("preparer", "admin")
def new():
    form = _form()
    if form.validate_on_submit():
        try:
            decision = ops.create_decision(current_user, **form.data_for_operation())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Decision draft %(n)s created.", n=decision.case_number)), "success")
            return redirect(url_for(".view", decision_id=decision.id))
    return render_template("decisions/form.html", form=form, decision=None), (
        422 if form.errors else 200
    )


@bp.get("/<int:decision_id>")
@login_required
def view(decision_id: int):
    decision = _get(decision_id)
    return render_template("decisions/view.html", decision=decision, **panel_context(decision))


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@roles_required("preparer", "admin")
def edit(decision_id: int):
    decision = _get(decision_id)
    if request.method == "GET":
        form = _form(decision, obj=decision)
        form.body_id.data = str(decision.body_id)
        form.decision_type.data = decision.decision_type.key if decision.decision_type else ""
        form.amount_eur.data = "" if decision.amount_eur is None else str(decision.amount_eur)
        form.version.data = str(decision.version)
        given = (decision.translations or {}).get(other_language(decision.language), {})
        form.title_other.data = given.get("title", "")
        form.proposal_other.data = given.get("proposal", "")
    else:
        form = _form(decision)
    status = 200
    if form.validate_on_submit() and not _translations_relabelled(form, decision):
        try:
            expected = form_version()
            ops.update_decision(
                current_user, decision, expected_version=expected, **form.data_for_operation()
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            # Keep what was typed in the form; show the conflict above it.
            form.form_errors.append(str(exc))
            db.session.refresh(decision)
            status = 409
        else:
            flash(str(_l("Changes saved.")), "success")
            return redirect(url_for(".view", decision_id=decision.id))
    if form.errors and status == 200:
        status = 422
    return render_template(
        "decisions/form.html",
        form=form,
        decision=decision,
        held=ops.held_by_assessment(decision),
    ), status
