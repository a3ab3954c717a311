"""The check's problems as the policy editor shows them: in the reader's language, each tied
to the field where it is fixed.

``assess.policy.check`` names every problem with its path in the file and an English
message written for the person editing YAML. The editor's reader is a coordinator working
in Finnish or Swedish, so each problem the form can show is said again here from its path
and the value at it ("Procurement: Threshold (euros): write the amount in whole euros ...")
in fi/sv/en; a problem only the YAML page can show keeps the check's words, marked as
English for assistive technology.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..definitions import Problem
from ..i18n import lazy_text as _l
from .policy_form import Choices, Layout, PolicyForm

# One sentence per language: Finnish and Swedish inflect the language's name.
_TRANSLATION_MISSING = {
    "fi": _l("write the text in Finnish too, or leave it empty in every language."),
    "sv": _l("write the text in Swedish too, or leave it empty in every language."),
    "en": _l("write the text in English too, or leave it empty in every language."),
}
_MISSING = object()
# A text of the YAML page (an own question's label) missing in one language.
_TEXT_MISSING = {
    "fi": _l("the text in Finnish is missing."),
    "sv": _l("the text in Swedish is missing."),
    "en": _l("the text in English is missing."),
}


@dataclass(frozen=True)
class Shown:
    """One problem on the page: where it is (a field id, or None for the YAML page), the
    place as a person reads it, and the message (``lang`` set when left in English)."""

    field_id: str | None
    where: Any
    message: Any
    path: str
    lang: str | None = None


def shown(
    problems: list[Problem],
    data: Any,
    layout: Layout,
    form: PolicyForm | None,
    choices: Choices,
    workflows: set[str],
) -> list[Shown]:
    """Every problem, once per field and message, in the order of the page's fields."""
    out: list[Shown] = []
    seen: set[tuple[str | None, str]] = set()
    for problem in problems:
        field_id = layout.field_of(problem.path) if isinstance(data, dict) else None
        message = _message(problem, data if isinstance(data, dict) else {}, workflows)
        item = Shown(
            field_id,
            _where(problem.path, field_id, layout, form, choices),
            message if message is not None else problem.message,
            problem.path,
            None if message is not None else "en",
        )
        key = (field_id, str(item.message))
        if key not in seen:
            seen.add(key)
            out.append(item)
    order = _field_order(form)
    return sorted(out, key=lambda s: order.get(s.field_id or "", len(order)))


def by_field(items: list[Shown]) -> dict[str, list[Shown]]:
    fields: dict[str, list[Shown]] = {}
    for item in items:
        if item.field_id:
            fields.setdefault(item.field_id, []).append(item)
    return fields


def _field_order(form: PolicyForm | None) -> dict[str, int]:
    order: dict[str, int] = {}

    def walk(fields) -> None:
        for f in fields:
            if f.type == "FormField":
                walk(f.form)
            elif f.type == "FieldList":
                for entry in f.entries:
                    walk(entry.form if entry.type == "FormField" else [entry])
            else:
                order.setdefault(f.id, len(order))

    if form is not None:
        walk(form)
    return order


def _where(path: str, field_id: str | None, layout: Layout, form, choices: Choices):
    if field_id is None or form is None:
        return path  # the YAML page's place: the path in the file
    prefix, _, name = field_id.rpartition("-")
    if prefix == "default":
        return _l("Default rule: %(field)s", field=form.default[name].label.text)
    if prefix.startswith("types-"):
        row = int(prefix.split("-")[1])
        if row < len(form.types.entries):
            return _l(
                "%(type)s: %(field)s",
                type=choices.type_label(layout.types[row][0]),
                field=form.types.entries[row][name].label.text,
            )
    if prefix.startswith("overrides-"):
        row = int(prefix.split("-")[1])
        if row < len(form.overrides.entries):
            return _l(
                "Override %(n)d: %(field)s",
                n=row + 1,
                field=form.overrides.entries[row][name].label.text,
            )
    if field_id.startswith("reporting_"):
        return _l("Reported yearly: %(field)s", field=form[field_id].label.text)
    if field_id in form:
        return form[field_id].label.text
    return path


def _value(data: dict, parts: list[str]) -> Any:
    value: Any = data
    for part in parts:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _message(problem: Problem, data: dict, workflows: set[str]):
    """The problem in the reader's language, or None when the form has no words for it."""
    parts = problem.path.split(".") if problem.path else []
    if not parts:
        return None
    last = parts[-1]
    value = _value(data, parts)
    parent = _value(data, parts[:-1])
    rule = parent.get("rule") if isinstance(parent, dict) else None
    shown_value = "" if value is _MISSING or value is None else str(value)
    if last in ("threshold_eur", "investment_threshold_eur"):
        if last == "threshold_eur" and rule in ("full", "light", "exempt"):
            return _l(
                "a threshold belongs only to the rule “The screening decides”: empty it, or "
                "choose that rule."
            )
        return _l(
            "write the amount in whole euros with digits only, for example 100000 (now: "
            "“%(value)s”).",
            value=shown_value,
        )
    if last == "exempt_category":
        if rule == "exempt" and not shown_value:
            return _l("an exempt rule needs its exempt category: choose why no assessment is made.")
        if rule != "exempt" and shown_value:
            return _l(
                "only an exempt rule has an exempt category: choose “—”, or the rule “Exempt”."
            )
        return _l(
            "unknown exempt category “%(value)s”: choose one from the list.", value=shown_value
        )
    retired = "is retired" in problem.message
    if last == "decision_type" and retired:
        return _l(
            "the decision type “%(value)s” is retired: bring it back on the decision types "
            "page, or remove this rule.",
            value=shown_value,
        )
    if last == "body" and retired:
        return _l(
            "the deciding body “%(value)s” is retired: bring it back on the bodies page, or "
            "choose another.",
            value=shown_value,
        )
    if last == "decision_type":
        if not shown_value:
            return _l("choose the decision type.")
        return _l(
            "unknown decision type “%(value)s”: create it on the decision types page, or "
            "choose another.",
            value=shown_value,
        )
    if last == "body":
        if not shown_value:
            return _l("choose the deciding body.")
        return _l(
            "unknown deciding body “%(value)s”: create it on the bodies page, or choose another.",
            value=shown_value,
        )
    if last == "rule":
        return _l("choose the rule.")
    if last == "role" and parts[0] == "review":
        return _l("choose the role of the reviewer.")
    if last == "submit_days_before_meeting":
        return _l(
            "write the number of days as a whole number from 0 to 365 (now: “%(value)s”).",
            value=shown_value,
        )
    if len(parts) == 2 and parts[0] == "processes" or parts[:-1] == ["processes"]:
        if shown_value in workflows:
            return _l(
                "the process “%(value)s” has no follow-up phase, which a full assessment needs: "
                "choose another.",
                value=shown_value,
            )
        return _l("choose the process.")
    if last in _TRANSLATION_MISSING and parts[0] in ("title", "reporting"):
        return _TRANSLATION_MISSING[last]
    if last in _TEXT_MISSING and isinstance(parent, dict) and not shown_value:
        return _TEXT_MISSING[last]
    if parts[:2] == ["screening", "questions_off"] and len(parts) == 3:
        if problem.message.startswith("unknown"):
            return _l(
                "“%(value)s” is not a screening question of the form: check the id.",
                value=shown_value,
            )
        return _l("the question “%(value)s” is switched off twice: keep one.", value=shown_value)
    if parts[:2] == ["screening", "own_questions"] and last == "id":
        return _l(
            "the id “%(value)s” is already used by the form or by another own question: give "
            "another id.",
            value=shown_value,
        )
    if last == "recommends":
        return _l("say what a yes recommends: light or full.")
    if len(parts) == 2 and parts[0] == "rules" and problem.message.startswith("duplicate"):
        return _l("this decision type already has a rule for the same body above: keep one.")
    return None
