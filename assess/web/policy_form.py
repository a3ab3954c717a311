"""The policy editor's form: the policy's data as fields a non-developer fills in, and back.

The form covers what a wellbeing coordinator decides (a rule per decision type, per-body
overrides, the default rule, the process per level, who reviews, the time limit, the
reporting text, the title); everything else in the draft (the screening block, the decision
types the file defines, a rule's own processes or reviewer) is kept as it is and edited on
the YAML page. Nothing typed is dropped: a value that is not what the policy needs (a
threshold "100 000 e") goes into the draft as typed, so that the check names it and the
page shows it again.

``Layout`` is the one place that says which field shows which part of the data, both ways:
the rows of the form from the data, and the field of each problem's path, so that every
problem of the check links to the field where it is fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from ..i18n import lazy_text as _l

RULE_CHOICES = (
    ("full", _l("Full assessment")),
    ("light", _l("Light assessment")),
    ("screen", _l("The screening decides")),
    ("exempt", _l("Exempt: no assessment")),
)
LANGUAGES = ("fi", "sv", "en")
PROCESS_LEVELS = ("screening", "light", "full")
# The keys of a rule the form shows; a rule's other keys are kept as they are.
RULE_KEYS = ("decision_type", "body", "rule", "exempt_category", "threshold_eur")
# Digits grouped by spaces, as Finnish and Swedish write amounts ("100 000"): a number.
_GROUPED_DIGITS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})*$|^\d+$")


def _select(label, description=None) -> SelectField:
    # Choices are set per request; a posted value outside them is kept and named by the check.
    return SelectField(label, choices=[], validate_choice=False, description=description)


class RuleFields(Form):
    """One rule: a decision type's (the key in a hidden field) or the default rule."""

    decision_type = HiddenField()
    rule = _select(_l("Rule"))
    exempt_category = _select(
        _l("Exempt category"), _l("Only for an exempt rule: why no assessment is made.")
    )
    threshold_eur = StringField(
        _l("Threshold (euros)"),
        description=_l(
            "Only when the screening decides: from this amount on, at least a light "
            "assessment. Whole euros, for example 100000."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class OverrideFields(Form):
    """A per-body override: the rule for one decision type when one body decides."""

    decision_type = _select(_l("Decision type"))
    body = _select(_l("Deciding body"))
    rule = _select(_l("Rule"))
    exempt_category = _select(_l("Exempt category"), _l("Only for an exempt rule."))
    threshold_eur = StringField(
        _l("Threshold (euros)"),
        description=_l("Only when the screening decides. Whole euros, for example 100000."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class PolicyForm(FlaskForm):
    draft_token = HiddenField()
    types = FieldList(FormField(RuleFields), label=_l("Rules by decision type"))
    default = FormField(RuleFields, label=_l("Default rule"))
    overrides = FieldList(FormField(OverrideFields), label=_l("Overrides for one deciding body"))
    process_screening = _select(
        _l("Process of the screening"), _l("Every assessment starts in this process.")
    )
    process_light = _select(_l("Process of a light assessment"))
    process_full = _select(
        _l("Process of a full assessment"), _l("It must have a follow-up phase.")
    )
    review_role = _select(_l("Role of the reviewer"))
    review_body = _select(
        _l("Reviewers of one body or division only"),
        _l("Empty: everyone with the role reviews."),
    )
    submit_days = StringField(
        _l("Time limit: days before the meeting"),
        description=_l(
            "The assessment must be submitted for review at least this many days before the "
            "meeting. Whole days, for example 14."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    reporting_fi = TextAreaField(_l("In Finnish"), render_kw={"rows": 3})
    reporting_sv = TextAreaField(_l("In Swedish"), render_kw={"rows": 3})
    reporting_en = TextAreaField(_l("In English"), render_kw={"rows": 3})
    title_fi = StringField(_l("Title in Finnish"))
    title_sv = StringField(_l("Title in Swedish"))
    title_en = StringField(_l("Title in English"))


@dataclass
class Choices:
    """What the selects offer, in the reader's language: (key, label) pairs."""

    decision_types: list[tuple[str, str]]
    bodies: list[tuple[str, str]]
    exempt_categories: list[tuple[str, str]]
    workflows: list[tuple[str, str]]
    roles: list[tuple[str, str]]

    def type_label(self, key: str) -> str:
        return dict(self.decision_types).get(key) or key


def set_choices(form: PolicyForm, choices: Choices) -> None:
    blank = [SelectChoice("", "—")]
    rules = [SelectChoice(k, label) for k, label in RULE_CHOICES]
    categories = blank + _pairs(choices.exempt_categories)
    form.default.rule.choices = list(rules)
    form.default.exempt_category.choices = list(categories)
    for entry in form.types:
        entry.rule.choices = [
            SelectChoice("", _l("No own rule: the default rule applies")),
            *rules,
        ]
        entry.exempt_category.choices = list(categories)
    for entry in form.overrides:
        entry.decision_type.choices = blank + _pairs(choices.decision_types)
        entry.body.choices = blank + _pairs(choices.bodies)
        entry.rule.choices = blank + rules
        entry.exempt_category.choices = list(categories)
    for level in PROCESS_LEVELS:
        form[f"process_{level}"].choices = _pairs(choices.workflows)
    form.review_role.choices = _pairs(choices.roles)
    form.review_body.choices = blank + _pairs(choices.bodies)
    _keep_unknown(form)


def _keep_unknown(fields) -> None:
    """A value the draft holds that no option offers (a typo on the YAML page, a retired
    body) stays chosen, shown as it is, so that saving the form does not drop it unseen;
    the check names it."""
    for f in fields:
        if f.type == "FormField":
            _keep_unknown(f.form)
        elif f.type == "FieldList":
            for entry in f.entries:
                _keep_unknown(entry.form)
        elif f.type == "SelectField" and f.data:
            offered = {c.value if isinstance(c, SelectChoice) else c[0] for c in f.choices}
            if f.data not in offered:
                f.choices = [*f.choices, SelectChoice(f.data, f"{f.data} (?)")]


def _pairs(pairs) -> list[SelectChoice]:
    return [SelectChoice(k, label) for k, label in pairs]


@dataclass
class Layout:
    """Which row of the form shows which rule of the data, and the field of every path."""

    types: list[tuple[str, int | None]]  # (decision type key, index in rules or None)
    overrides: list[int]  # indices in rules
    kept: list[int]  # rules the form does not show (a second rule for the same type)
    fields: dict[str, str] = field(default_factory=dict)  # data path -> field id

    @classmethod
    def of(cls, data: dict, type_keys: list[str]) -> Layout:
        first: dict[str, int] = {}
        overrides: list[int] = []
        kept: list[int] = []
        for i, rule in enumerate(_list(data.get("rules"))):
            kind = rule.get("decision_type") if isinstance(rule, dict) else None
            if not isinstance(rule, dict):
                kept.append(i)
            elif rule.get("body") is not None:
                overrides.append(i)
            elif isinstance(kind, str) and kind not in first:
                first[kind] = i
            else:
                kept.append(i)
        keys = list(type_keys) + [k for k in first if k not in type_keys]
        layout = cls([(k, first.get(k)) for k in keys], overrides, kept)
        layout.index()
        return layout

    def index(self) -> None:
        for row, (_, i) in enumerate(self.types):
            if i is not None:
                self._rule_fields(f"rules.{i}", f"types-{row}", RULE_KEYS[2:])
        for row, i in enumerate(self.overrides):
            self._rule_fields(f"rules.{i}", f"overrides-{row}", RULE_KEYS)
        self._rule_fields("default", "default", RULE_KEYS[2:])
        for level in PROCESS_LEVELS:
            self.fields[f"processes.{level}"] = f"process_{level}"
        self.fields["processes"] = "process_screening"
        self.fields["review"] = self.fields["review.role"] = "review_role"
        self.fields["review.body"] = "review_body"
        for path in ("time_limits", "time_limits.submit_days_before_meeting"):
            self.fields[path] = "submit_days"
        for language in LANGUAGES:
            self.fields[f"title.{language}"] = f"title_{language}"
            self.fields[f"reporting.text.{language}"] = f"reporting_{language}"
        self.fields["title"] = "title_fi"
        self.fields["reporting"] = self.fields["reporting.text"] = "reporting_fi"

    def _rule_fields(self, path: str, prefix: str, keys) -> None:
        self.fields[path] = f"{prefix}-rule"
        for key in RULE_KEYS:
            self.fields[f"{path}.{key}"] = f"{prefix}-{key if key in keys else 'rule'}"

    def field_of(self, path: str) -> str | None:
        """The id of the field where the problem at ``path`` is fixed (None: the YAML page)."""
        parts = path.split(".")
        while parts:
            found = self.fields.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return None


def form_data(data: dict, layout: Layout) -> dict[str, Any]:
    """The data as the form's initial values (``PolicyForm(data=...)``)."""
    rules = _list(data.get("rules"))
    default = _dict(data.get("default"))

    def rule_values(rule: dict, key: str | None = None) -> dict[str, Any]:
        return {
            "decision_type": key if key is not None else _text(rule.get("decision_type")),
            "body": _text(rule.get("body")),
            "rule": _text(rule.get("rule")),
            "exempt_category": _text(rule.get("exempt_category")),
            "threshold_eur": _text(rule.get("threshold_eur")),
        }

    processes = _dict(data.get("processes"))
    review = _dict(data.get("review"))
    title = _dict(data.get("title"))
    reporting = _dict(_dict(data.get("reporting")).get("text"))
    values: dict[str, Any] = {
        "default": rule_values(default, ""),
        "types": [
            rule_values(_dict(rules[i]) if i is not None else {}, key) for key, i in layout.types
        ],
        "overrides": [rule_values(_dict(rules[i])) for i in layout.overrides],
        "review_role": _text(review.get("role")) or "reviewer",
        "review_body": _text(review.get("body")),
        "submit_days": _text(_dict(data.get("time_limits")).get("submit_days_before_meeting")),
    }
    for level in PROCESS_LEVELS:
        values[f"process_{level}"] = _text(processes.get(level))
    for language in LANGUAGES:
        values[f"title_{language}"] = _text(title.get(language))
        values[f"reporting_{language}"] = _text(reporting.get(language))
    return values


def policy_data(form: PolicyForm, base: dict) -> tuple[dict, Layout]:
    """The policy the form says, on top of ``base`` (the draft as it was loaded: what the
    form does not show is kept), and the layout tying the result's paths to the form."""
    data = {k: v for k, v in base.items() if k not in ("default", "rules")}
    data.setdefault("format", 1)
    base_rules = _list(base.get("rules"))
    base_layout = Layout.of(base, [])
    by_type = {k: _dict(base_rules[i]) for k, i in base_layout.types if i is not None}
    by_body = {
        (base_rules[i].get("decision_type"), base_rules[i].get("body")): base_rules[i]
        for i in base_layout.overrides
    }
    rules: list[Any] = []
    types: list[tuple[str, int | None]] = []
    for entry in form.types:
        key = entry.decision_type.data or ""
        if entry.rule.data:
            types.append((key, len(rules)))
            rules.append(_rule(entry, by_type.get(key, {}), decision_type=key))
        else:
            types.append((key, None))
    overrides: list[int] = []
    for entry in form.overrides:
        values = [entry[k].data for k in RULE_KEYS]
        if not any((v or "").strip() for v in values):
            continue  # an empty row: nothing to say
        kind, body = entry.decision_type.data or "", entry.body.data or ""
        overrides.append(len(rules))
        # The body key stays even when empty, so the row stays an override and is named.
        rules.append(_rule(entry, by_body.get((kind, body), {}), decision_type=kind, body=body))
    kept = []
    for i in base_layout.kept:
        kept.append(len(rules))
        rules.append(base_rules[i])
    data["default"] = {
        **{k: v for k, v in _dict(base.get("default")).items() if k not in RULE_KEYS},
        **_rule_body(form.default),
    }
    data["rules"] = rules
    data["processes"] = {
        **_dict(base.get("processes")),
        **{level: form[f"process_{level}"].data or "" for level in PROCESS_LEVELS},
    }
    review: dict[str, Any] = {"role": form.review_role.data or ""}
    if form.review_body.data:
        review["body"] = form.review_body.data
    data["review"] = review
    data["time_limits"] = {
        **_dict(base.get("time_limits")),
        "submit_days_before_meeting": _number(form.submit_days.data),
    }
    if data["time_limits"]["submit_days_before_meeting"] is None:
        del data["time_limits"]["submit_days_before_meeting"]
    for name, key in (("title", None), ("reporting", "text")):
        texts = {lang: (form[f"{name}_{lang}"].data or "").strip() for lang in LANGUAGES}
        if any(texts.values()):
            data[name] = {**_dict(base.get(name)), key: texts} if key else texts
        else:
            data.pop(name, None)
    layout = Layout(types, overrides, kept)
    layout.index()
    return data, layout


def _rule(entry, base: dict, **keys) -> dict[str, Any]:
    kept = {k: v for k, v in base.items() if k not in RULE_KEYS}
    return {**keys, **_rule_body(entry), **kept}


def _rule_body(entry) -> dict[str, Any]:
    body: dict[str, Any] = {"rule": entry.rule.data or None}
    if entry.exempt_category.data:
        body["exempt_category"] = entry.exempt_category.data
    threshold = _number(entry.threshold_eur.data)
    if threshold is not None:
        body["threshold_eur"] = threshold
    return body


def _number(text: str | None) -> int | str | None:
    """A whole number as typed ("100000", "100 000"); anything else as typed, to be named."""
    text = (text or "").strip()
    if not text:
        return None
    if _GROUPED_DIGITS.match(text):
        return int(re.sub(r"\D", "", text))
    return text


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}
