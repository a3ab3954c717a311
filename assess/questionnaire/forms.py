"""WTForms classes built from a questionnaire definition: one class per section.

Labels and help come from the YAML in the reader's language; validators follow the
definition (lengths, choices, dates) and the scales (a non-neutral cell needs a
magnitude and a rationale). The operations layer checks everything again: it is the
authority, these give the person the message next to the field.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

import wtforms
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..translation import lazy_text as _l
from .answers import LONG_MAX, TEXT_MAX
from .costs import BORNE_BY, CATEGORIES, COST_LABELS, KINDS, NOTE_MAX, TIMINGS
from .definition import FormDefinition, Question


class DateField(wtforms.DateField):
    """A date field that also takes the ISO text the answers are stored as."""

    def process_data(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        super().process_data(value)


def per_form(build):
    """Build each class once per loaded definition and language (definitions are immutable)."""
    cache: dict = {}

    @wraps(build)
    def cached(form: FormDefinition, *args):
        key = (id(form), *args)
        if key not in cache:
            cache[key] = (form, build(form, *args))  # holding form keeps its id unique
        return cache[key][1]

    return cached


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(options, language, blank=None):
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(o.id, o.labels.get(language)) for o in options]


def _field(form: FormDefinition, q: Question, language: str):
    label = q.labels.get(language)
    desc = q.help.get(language) if q.help else ""
    if q.type in ("text", "person"):
        return StringField(
            label, [Optional(), Length(max=q.max_length or TEXT_MAX)], description=desc
        )
    if q.type == "long_text":
        return TextAreaField(
            label, [Optional(), Length(max=q.max_length or LONG_MAX)], description=desc
        )
    if q.type == "date":
        return DateField(label, [Optional()], description=desc)
    if q.type == "number":
        return StringField(
            label,
            [Optional(), Length(max=30)],
            description=desc,
            render_kw={"inputmode": "decimal"},
        )
    if q.type == "yes_no":
        return RadioField(
            label, [Optional()], choices=_fixed_choices(_YES_NO, language), description=desc
        )
    if q.type == "choice":
        return RadioField(
            label, [Optional()], choices=_choices(form.options_of(q), language), description=desc
        )
    if q.type == "multi_choice":
        return CheckboxesField(
            label, [Optional()], choices=_choices(form.options_of(q), language), description=desc
        )
    # list: rows of sub-fields, plus one blank row to add another
    attrs = {}
    for f in q.fields or []:
        flabel = f.labels.get(language)
        if f.type == "choice":
            attrs[f.id] = SelectField(
                flabel, [Optional()], choices=_choices(f.options or [], language, blank="—")
            )
        elif f.type == "date":
            attrs[f.id] = DateField(flabel, [Optional()])
        elif f.type == "long_text":
            attrs[f.id] = TextAreaField(flabel, [Optional(), Length(max=LONG_MAX)])
        else:
            attrs[f.id] = StringField(flabel, [Optional(), Length(max=TEXT_MAX)])
    row = type(f"{q.id}_row", (Form,), attrs)
    return FieldList(FormField(row), label=label, description=desc, min_entries=1, max_entries=50)


# Choices the form itself offers, not the definition: their labels are interface texts.
_YES_NO = (("yes", _l("yes")), ("no", _l("no")))
_SCREENING = (*_YES_NO, ("unknown", _l("don't know")))
_LEVELS = (
    ("none", _l("no assessment")),
    ("light", _l("light assessment")),
    ("full", _l("full assessment")),
)


def _fixed_choices(options, language):
    return [SelectChoice(id, label.render(language)) for id, label in options]


@per_form
def questions_form(form: FormDefinition, section_id: str, language: str) -> type[Form]:
    """The form class of a ``questions`` section, in ``language``."""
    section = form.section(section_id)
    if section is None:
        raise LookupError(f"no section {section_id!r} in form {form.key} version {form.version}")
    attrs = {q.id: _field(form, q, language) for q in section.questions}
    return type(f"{section.id}_form", (Form,), attrs)


@per_form
def screening_form(form: FormDefinition, language: str) -> type[Form]:
    attrs = {
        q.id: RadioField(
            q.labels.get(language),
            [Optional()],
            choices=_fixed_choices(_SCREENING, language),
            description=q.help.get(language) if q.help else "",
        )
        for q in form.screening.questions
    }
    attrs["level"] = RadioField(
        _l("Level of the assessment"), [Optional()], choices=_fixed_choices(_LEVELS, language)
    )
    attrs["level_reason"] = TextAreaField(
        _l("Reason for the level"),
        [Optional(), Length(max=LONG_MAX)],
        description=_l("Needed when you choose no assessment, or a lower level than recommended."),
    )
    attrs["exempt_category"] = SelectField(
        _l("Exempt category"),
        [Optional()],
        choices=_choices(form.screening.exempt_categories, language, blank="—"),
        description=_l("Decisions of these kinds need no assessment; the category is recorded."),
    )
    return type("screening_form", (Form,), attrs)


def _needs_when_not_neutral(message):
    def check(form, field):
        direction = form.direction.data
        if direction and direction != "neutral" and not (field.data or "").strip():
            raise ValidationError(str(message))

    return check


@per_form
def cell_form(form: FormDefinition, language: str) -> type[Form]:
    """The small form of one impact cell, following the scales."""
    attrs = {}
    needs_magnitude = _needs_when_not_neutral(_l("A non-neutral effect needs its magnitude."))
    for name, scale in form.scales.items():
        choices = [
            SelectChoice(v.id, (f"{v.symbol} " if v.symbol else "") + v.labels.get(language))
            for v in scale.values
        ]
        # Optional() would clear the magnitude's message, so that field has only its rule;
        # the operations layer checks every value against the scale.
        attrs[name] = RadioField(
            scale.labels.get(language),
            [needs_magnitude] if name == "magnitude" else [Optional()],
            choices=choices,
            validate_choice=False,
            description=scale.help.get(language) if scale.help else "",
        )
    attrs["rationale"] = TextAreaField(
        _l("Rationale: who is affected, how and why"),
        [
            _needs_when_not_neutral(_l("A non-neutral effect needs a rationale.")),
            Length(max=LONG_MAX),
        ],
    )
    attrs["evidence"] = TextAreaField(_l("Evidence (sources)"), [Optional(), Length(max=LONG_MAX)])
    attrs["mitigation"] = TextAreaField(
        _l("Mitigation: what reduces a negative effect"), [Optional(), Length(max=LONG_MAX)]
    )
    attrs["version"] = HiddenField()
    return type("cell_form", (Form,), attrs)


def _cost_choices(ids):
    return [SelectChoice(k, COST_LABELS[k]) for k in ids]


class CostRow(Form):
    """One cost or saving of an alternative (``costs.py``); an empty row is dropped."""

    id = HiddenField()
    kind = SelectField(_l("Cost or saving"), [Optional()], choices=_cost_choices(KINDS))
    timing = SelectField(_l("One-off or yearly"), [Optional()], choices=_cost_choices(TIMINGS))
    category = SelectField(
        _l("Operating or investment"),
        [Optional()],
        choices=_cost_choices(CATEGORIES),
    )
    borne_by = SelectField(_l("Borne by"), [Optional()], choices=_cost_choices(BORNE_BY))
    amount_eur = StringField(
        _l("Amount (euros)"),
        [Optional(), Length(max=20)],
        description=_l("Whole euros, for example 120000; a yearly amount is per year."),
        render_kw={"inputmode": "numeric"},
    )
    note = StringField(_l("What it is"), [Optional(), Length(max=NOTE_MAX)])


class AlternativeRow(Form):
    id = HiddenField()
    label = StringField(
        _l("Name"),
        [Optional(), Length(max=TEXT_MAX)],
        description=_l("A short name, for example VE0 or 'Two stations merged'."),
    )
    description = TextAreaField(_l("Description"), [Optional(), Length(max=LONG_MAX)])
    zero_option = BooleanField(_l("This is the zero option (nothing changes)"))
    recommended = BooleanField(_l("This is the recommended alternative"))
    horizon_years = StringField(
        _l("Horizon (years)"),
        [Optional(), Length(max=3)],
        description=_l("Over how many years the costs and savings are looked at, 1 to 50."),
        render_kw={"inputmode": "numeric"},
    )
    costs = FieldList(
        FormField(CostRow),
        label=_l("Costs and savings"),
        description=_l(
            "Compared with today's budget. For the zero option, the costs that come even "
            "without the decision (repairs, rising staff costs)."
        ),
        max_entries=50,
    )
    costs_note = TextAreaField(
        _l("Cost note"),
        [Optional(), Length(max=NOTE_MAX)],
        description=_l("Why there are no costs or savings, or why they cannot be estimated yet."),
    )


class AlternativesForm(Form):
    # The legends are headings on the page: named, or WTForms shows the English field name.
    alternatives = FieldList(
        FormField(AlternativeRow), label=_l("Alternatives"), min_entries=1, max_entries=50
    )
    single_alternative_reason = TextAreaField(
        _l("Why is there only one alternative?"),
        [Optional(), Length(max=LONG_MAX)],
        description=_l("Only when real alternatives do not exist; say why."),
    )


class IndicatorRow(Form):
    id = HiddenField()
    # The page sets the choices from the organisation's wellbeing plan (issue 18).
    plan_indicator = SelectField(
        _l("Indicator of the wellbeing plan"),
        [Optional()],
        choices=[],
        validate_choice=False,
        description=_l("Pick one the plan follows, or leave empty and name your own below."),
    )
    name = StringField(_l("Indicator"), [Optional(), Length(max=TEXT_MAX)])
    source = StringField(_l("Data source"), [Optional(), Length(max=TEXT_MAX)])
    baseline = StringField(_l("Baseline (now)"), [Optional(), Length(max=TEXT_MAX)])
    target = StringField(_l("Target"), [Optional(), Length(max=TEXT_MAX)])
    review_date = DateField(_l("Review date"), [Optional()])
    owner = StringField(_l("Owner (who follows it)"), [Optional(), Length(max=TEXT_MAX)])
    # The choices are the assessment's negative and unknown effects (set by the page).
    follows = CheckboxesField(
        _l("Effects it follows"),
        choices=[],
        validate_choice=False,
        description=_l(
            "Tick the negative or unknown effects of the recommended alternative whose "
            "outcome this indicator will show."
        ),
    )


class IndicatorsForm(Form):
    indicators = FieldList(
        FormField(IndicatorRow), label=_l("Indicators"), min_entries=1, max_entries=50
    )


class SummaryForm(Form):
    fi = TextAreaField(_l("Summary in Finnish"), [Optional(), Length(max=1500)])
    sv = TextAreaField(_l("Summary in Swedish"), [Optional(), Length(max=1500)])


def _reason_choices(form: FormDefinition, language: str) -> list[SelectChoice]:
    """The coded reasons; one that leaves the council unheard says so (no time)."""
    out = [SelectChoice("", "—")]
    for r in form.not_heard_reasons:
        label = r.labels.get(language)
        if not r.acceptable:
            label = _l("%(reason)s (does not count as a hearing)", reason=label).render(language)
        out.append(SelectChoice(r.id, label))
    return out


@per_form
def hearings_form(form: FormDefinition, language: str) -> type[Form]:
    row = type(
        "HearingRow",
        (Form,),
        {
            "id": HiddenField(),
            "council": SelectField(
                _l("Who was heard"),
                [Optional()],
                choices=_choices(form.councils, language, blank="—"),
            ),
            "requested_on": DateField(_l("Statement requested on"), [Optional()]),
            "answered_on": DateField(_l("Statement received on"), [Optional()]),
            "statement": TextAreaField(_l("What they said"), [Optional(), Length(max=LONG_MAX)]),
            "taken_into_account": TextAreaField(
                _l("How it was taken into account"), [Optional(), Length(max=LONG_MAX)]
            ),
            "not_heard_code": SelectField(
                _l("Why they were not heard"),
                [Optional()],
                choices=_reason_choices(form, language),
            ),
            "not_heard_reason": TextAreaField(
                _l("The reason in your own words"), [Optional(), Length(max=LONG_MAX)]
            ),
        },
    )
    return type(
        "HearingsForm",
        (Form,),
        {
            "hearings": FieldList(
                FormField(row), label=_l("Hearings"), min_entries=1, max_entries=50
            ),
            "no_hearings_reason": TextAreaField(
                _l("If nobody needs to be heard, why?"), [Optional(), Length(max=LONG_MAX)]
            ),
        },
    )
