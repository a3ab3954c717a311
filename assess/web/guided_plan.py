"""The guided form's wellbeing plan page (issue 18, [plan]): the preparer says how the
decision bears on each objective of the organisation's plan, and picks follow-up
indicators from the plan on the indicators page."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from wtforms import Form, RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, Optional

from ..i18n import lazy_text as _l
from ..i18n import request_language
from ..operations import ValidationFailed
from ..operations import answers as answer_ops
from ..operations import plan as plan_ops
from ..questionnaire import section_problems
from ..questionnaire.answers import LONG_MAX
from ..questionnaire.plan_links import EFFECTS
from . import guided

EFFECT_LABELS = {
    "": _l("Not assessed"),
    "helped": _l("Helps the objective"),
    "harmed": _l("Harms the objective"),
    "neutral": _l("Neutral: does not bear on it"),
}


def _objectives(a):
    """The plan's objectives in force, and any retired one the assessment already links."""
    linked = {link.objective for link in a.content.plan_links}
    return [
        o for o in plan_ops.objectives_of(a.decision.organisation_id) if o.active or o.key in linked
    ]


def _form_class(objectives, language: str) -> type[Form]:
    attrs: dict = {}
    for o in objectives:
        period = f"{o.start_year}–{o.end_year}"
        retired = "" if o.active else f" ({_l('retired from the plan')})"
        attrs[f"effect_{o.key}"] = RadioField(
            f"{o.text(language)} ({period}){retired}",
            [Optional()],
            choices=[SelectChoice(k, EFFECT_LABELS[k]) for k in ("", *EFFECTS)],
            default="",
        )
        attrs[f"note_{o.key}"] = TextAreaField(
            _l("Why, in a sentence or two"), [Optional(), Length(max=LONG_MAX)]
        )
    return type("PlanLinksForm", (Form,), attrs)


def page(a, form, section):
    language = request_language()
    objectives = _objectives(a)
    cls = _form_class(objectives, language)
    status = 200
    if request.method == "POST":
        wtform = cls(request.form)
        wtform.form_errors = []
        wtform.validate()
        links = []
        for o in objectives:
            effect = wtform[f"effect_{o.key}"].data or ""
            note = (wtform[f"note_{o.key}"].data or "").strip()
            if effect or note:
                links.append({"objective": o.key, "effect": effect or None, "note": note})
        # The operation names a problem by its row; the page by the objective's fields.
        fields: dict[str, str] = {}
        for i, link in enumerate(links):
            fields[f"plan_links.{i}.effect"] = f"effect_{link['objective']}"
            fields[f"plan_links.{i}.note"] = f"note_{link['objective']}"

        def save():
            try:
                answer_ops.save_section(
                    current_user,
                    a,
                    section.id,
                    {"plan_links": links},
                    expected_version=guided._version(),
                )
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {fields.get(k, k): v for k, v in exc.errors.items()}
                ) from None

        ok, status = guided._save(a, wtform, save)
        if ok:
            return guided._done(a, form, section.id)
    else:
        stored = {}
        for link in a.content.plan_links:
            stored[f"effect_{link.objective}"] = link.effect or ""
            stored[f"note_{link.objective}"] = link.note
        wtform = cls(data=stored)
        wtform.form_errors = []
    ctx = answer_ops.context(a)
    return guided._render(
        "guided/plan.html",
        a,
        form,
        section.id,
        section=section,
        wtform=wtform,
        objectives=objectives,
        problems=section_problems(form, section, a.content, ctx),
        # Without a plan there is no form to save: the page still leads on to the next one.
        next_url=guided._next_url(a, form, section.id),
    ), status


def indicator_choices(wtform, a) -> None:
    """The plan's indicators as the choices of each indicator row (an own one: empty)."""
    language = request_language()
    choices = [SelectChoice("", _l("None: an indicator of our own"))]
    for o in plan_ops.objectives_of(a.decision.organisation_id, active_only=True):
        for i in o.indicators:
            choices.append(
                SelectChoice(
                    f"{o.key}:{i.code}", f"{i.name(language)} ({i.code}) – {o.text(language)}"
                )
            )
    for entry in wtform.indicators.entries:
        entry.form.plan_indicator.choices = choices
