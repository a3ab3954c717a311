"""Saving what the preparer answers: screening, sections, impact cells.

Malformed input (an unknown id, a value outside a scale, a text over its limit) is
refused whole and named; nothing of it is stored. Incomplete input is stored: the
completeness check says what is still missing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, User
from ..questionnaire import Section, scope
from ..questionnaire import answers as clean
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.plan_links import clean_plan_indicator, clean_plan_links
from . import plan
from ._audit import record
from ._tx import transaction
from .assessments import save_answers
from .context import answer_context as context  # noqa: F401  (read by the fronts here)
from .context import engine_for, form_for, forms, org_settings
from .errors import NotFound, ValidationFailed


def _raise(errors) -> None:
    if errors:
        raise ValidationFailed(errors)


def _plan_indicators(a: Assessment, indicators: list, errors) -> None:
    """An indicator taken from the wellbeing plan names one the plan has."""
    if not any(item.get("plan_indicator") for item in indicators):
        return
    org_id = a.decision.organisation_id
    known, by_ref = plan.known(org_id), plan.indicators_by_ref(org_id)
    for i, item in enumerate(indicators):
        if item.get("plan_indicator"):
            path = f"indicators.{i}.plan_indicator"
            ref = clean_plan_indicator(errors, path, item["plan_indicator"], known)
            item["plan_indicator"] = ref
            # Picking the plan's indicator fills in its name, in the decision's language.
            if ref and not (item.get("name") or "").strip():
                item["name"] = by_ref[ref].name(a.decision.language)


def save_screening(user: User, a: Assessment, payload: dict, *, expected_version) -> Assessment:
    value, errors = clean.clean_screening(form_for(a), payload, org_settings(a))
    _raise(errors)
    return save_answers(user, a, {"screening": value}, expected_version=expected_version)


def save_section(
    user: User, a: Assessment, section_id: str, payload: dict[str, Any], *, expected_version
) -> Assessment:
    """Save one section's answers (``payload`` is shaped like the JSON API's fields)."""
    form = form_for(a)
    section = form.section(section_id)
    if section is None:
        raise NotFound(_l("No section %(id)r in this questionnaire.", id=section_id))
    data = a.content
    changes: dict[str, Any]
    if section.kind == "questions":
        value, errors = clean.clean_answers(
            form, section, payload.get("answers") or {}, org_settings(a)
        )
        changes = {"answers": {**data.answers, **value}}
        _scope(form, data, changes, payload, errors)
        _raise(errors)
    elif section.kind == "alternatives":
        value, errors = clean.clean_alternatives(payload.get("alternatives"))
        reason = clean._text(
            errors,
            "answers.single_alternative_reason",
            payload.get("single_alternative_reason"),
            clean.LONG_MAX,
        )
        _raise(errors)
        answers = {**data.answers, "single_alternative_reason": reason}
        changes = {"alternatives": value, "answers": answers}
        ids = {alt.id for alt in alternatives_of({"alternatives": value})}
        # Cells of an alternative that was removed go with it.
        changes["impacts"] = [c.dump() for c in data.impacts if c.alternative in ids]
    elif section.kind == "hearings":
        value, errors = clean.clean_hearings(form, payload.get("hearings"))
        # A statement file stays with its hearing; the form does not carry it.
        files = {h.id: h.attachment.dump() for h in data.hearings if h.attachment}
        for h in value:
            if h["id"] in files:
                h["attachment"] = files[h["id"]]
        reason = clean._text(
            errors, "no_hearings_reason", payload.get("no_hearings_reason"), clean.LONG_MAX
        )
        _raise(errors)
        changes = {"hearings": value, "no_hearings_reason": reason}
    elif section.kind == "indicators":
        value, errors = clean.clean_indicators(
            payload.get("indicators"), (data.groups_in_scope, data.dimensions_in_scope)
        )
        _plan_indicators(a, value, errors)
        _raise(errors)
        changes = {"indicators": value}
    elif section.kind == "plan":
        value, errors = clean_plan_links(
            payload.get("plan_links"), plan.known(a.decision.organisation_id)
        )
        _raise(errors)
        changes = {"plan_links": value}
    elif section.kind == "summary":
        value, errors = clean.clean_summary(payload.get("summary"))
        _raise(errors)
        changes = {"summary": {**data.summary, **value}}
    else:
        raise NotFound(_l("The impact matrix is saved one cell at a time."))
    return save_answers(user, a, changes, expected_version=expected_version)


def _scope(form, data, changes: dict[str, Any], payload: dict, errors: dict) -> None:
    """The reasons for leaving implied groups out, and the cells a narrowed scope removes
    (only when confirmed), go with a save of the answers (``questionnaire.scope``)."""
    exclusions, removed, found = scope.on_save(form, data, changes["answers"], payload)
    for path, messages in found.items():
        errors.setdefault(path, []).extend(messages)
    if exclusions is not None:
        changes["scope_exclusions"] = exclusions
    if removed:
        cells = changes.get("impacts", [c.dump() for c in data.impacts])
        changes["impacts"] = [
            c for c in cells if (c["alternative"], c["group"], c["dimension"]) not in removed
        ]


def save_cell(
    user: User, a: Assessment, cell: dict[str, Any], *, expected_version, remove: bool = False
) -> Assessment:
    """Add, replace or (with ``remove``) take out one cell of the impact matrix."""
    form = form_for(a)
    data = a.content
    ids = [alt.id for alt in alternatives_of(data)]
    value, errors = clean.clean_cell(form, cell, ids, org_settings(a))
    # An effect outside the scope would be ignored by every rule: refused (issue 18).
    # Taking one out is always allowed.
    if not errors and not remove:
        problem = scope.cell_outside_problem(
            form, value["group"], value["dimension"], data.groups_in_scope, data.dimensions_in_scope
        )
        if problem is not None:
            errors.add("scope", problem)
    _raise(errors)
    key = (value["alternative"], value["group"], value["dimension"])
    cells = [c.dump() for c in data.impacts if c.key != key]
    if not remove:
        cells.append(value)
    order = {g.id: i for i, g in enumerate(form.groups)}
    dims = {d.id: i for i, d in enumerate(form.dimensions)}
    cells.sort(
        key=lambda c: (
            ids.index(c["alternative"]) if c["alternative"] in ids else 99,
            order.get(c["group"], 99),
            dims.get(c["dimension"], 99),
        )
    )
    return save_answers(user, a, {"impacts": cells}, expected_version=expected_version)


def _rename(mapping: dict[str, str | None], values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if key in mapping:
            if (renamed := mapping[key]) is not None:
                out[renamed] = value
        else:
            out[key] = value
    return out


def migrate_form(
    key: str, from_version: int, to_version: int, *, dry_run: bool, user: User | None = None
) -> list[tuple[int, list[dict]]]:
    """Move the open assessments on (key, from_version) to to_version.

    Answers are renamed or dropped as the newer definition's ``migrations`` say. Returns
    (assessment id, field changes) for each assessment; with ``dry_run`` nothing is
    written. Each migrated assessment is one audited change; final ones are left as
    they were, and revisions never change.
    """
    target = forms().get(key, to_version)
    forms().get(key, from_version)  # both must be loaded
    mapping = target.migrations.get(from_version, {})
    report = []
    rows = db.session.scalars(
        select(Assessment)
        .where(
            Assessment.form_key == key, Assessment.form_version == from_version, Assessment.active
        )
        .order_by(Assessment.id)
    ).all()
    for a in rows:
        if engine_for(a).definition.states[a.state].final:
            continue
        old = a.data or {}
        new = a.content
        new.answers = _rename(mapping, new.answers)
        if "answers" in new.screening.model_fields_set:
            new.screening.answers = _rename(mapping, new.screening.answers)
        changes = audit.diff(old, new.dump()) + [
            {"field": "form", "old": f"{key}@{from_version}", "new": f"{key}@{to_version}"}
        ]
        report.append((a.id, changes))
        if dry_run:
            continue
        with transaction() as session:
            a.content = new
            a.form_version = to_version
            session.flush()
            record(
                session,
                user,
                "assessment.form_migrated",
                "assessment",
                a.id,
                changes=changes,
                organisation_id=a.organisation_id,
            )
    return report


PATCHABLE = (
    "screening",
    "level",
    "answers",
    "alternatives",
    "impacts",
    "indicators",
    "summary",
    "plan_links",
    "scope_exclusions",
    "confirm_remove_cells",
)


def patch(user: User, a: Assessment, payload: dict[str, Any], *, expected_version) -> Assessment:
    """Change several parts at once (the JSON API's PATCH): one validation, one save.

    ``screening``, ``answers`` and ``scope_exclusions`` merge by key; ``alternatives``,
    ``impacts`` and ``indicators`` replace their list. Cells outside the scope (as it
    is after the request) are refused; a scope that leaves out recorded cells is refused
    unless ``impacts`` replaces them or ``confirm_remove_cells`` is true. Every problem
    is named by its JSON path, and nothing is saved unless all of it is valid.
    """
    form, org = form_for(a), org_settings(a)
    data = a.content
    errors: dict[str, list] = {}
    changes: dict[str, Any] = {}

    def collect(found) -> None:
        for path, messages in found.items():
            errors.setdefault(path, []).extend(messages)

    if "screening" in payload or "level" in payload:
        given = payload.get("screening") or {}
        if not isinstance(given, dict):
            collect({"screening": [_l("Give the screening as an object.")]})
            given = {}
        base = data.screening
        # A stored answer to a question this screening no longer asks is let go, not refused.
        asked = {q.id for q in form.screening.questions}
        merged = {
            "answers": {
                **{k: v for k, v in base.answers.items() if k in asked},
                **(given.get("answers") or {}),
            },
            "level": payload.get("level", given.get("level", base.level)),
            "level_reason": given.get("level_reason", base.level_reason),
            "exempt_category": given.get("exempt_category", base.exempt_category),
        }
        value, found = clean.clean_screening(form, merged, org)
        collect(found)
        changes["screening"] = value
    answers = dict(data.answers)
    if "answers" in payload:
        given = payload["answers"] if isinstance(payload["answers"], dict) else {}
        # One look-up per key: the work grows with the keys sent, never with keys x questions.
        section_of = {q.id: s for s in form.sections for q in s.questions}
        found = clean.Errors()
        clean.unknown(
            found,
            "answers",
            [key for key in given if key not in section_of],
            lambda key: _l("Unknown question %(id)r.", id=key),
        )
        collect(found)
        by_section: dict[str, tuple[Section, dict[str, Any]]] = {}
        for key, value in given.items():
            if (section := section_of.get(key)) is not None:
                by_section.setdefault(section.id, (section, {}))[1][key] = value
        for section, part in by_section.values():
            value, found = clean.clean_answers(form, section, part, org)
            collect(found)
            answers.update(value)
        changes["answers"] = answers
    alternatives: list[Any] = data.alternatives
    if "alternatives" in payload:
        alternatives, found = clean.clean_alternatives(payload["alternatives"])
        collect(found)
        changes["alternatives"] = alternatives
    ids = [alt.id for alt in alternatives_of({"alternatives": alternatives})]
    if "impacts" in payload:
        cells = payload["impacts"] if isinstance(payload["impacts"], list) else None
        if cells is None:
            collect({"impacts": [_l("Give the impacts as a list of cells.")]})
            cells = []
        cleaned, seen = [], set()
        for i, cell in enumerate(cells):
            value, found = clean.clean_cell(form, cell if isinstance(cell, dict) else {}, ids, org)
            collect({f"impacts.{i}.{k}": v for k, v in found.items()})
            key = (value.get("alternative"), value.get("group"), value.get("dimension"))
            if key in seen:
                collect({f"impacts.{i}": [_l("The same cell is given twice.")]})
            seen.add(key)
            if not found and (
                problem := scope.cell_outside_problem(
                    form,
                    value["group"],
                    value["dimension"],
                    answers.get("groups_in_scope") or [],
                    answers.get("dimensions_in_scope") or [],
                )
            ):
                collect({f"impacts.{i}": [problem]})
            cleaned.append(value)
        changes["impacts"] = cleaned
    elif "alternatives" in payload:  # cells of a removed alternative go with it
        changes["impacts"] = [c.dump() for c in data.impacts if c.alternative in ids]
    if "indicators" in payload:
        # The effects followed are checked against the scope this request leaves.
        in_scope = (answers.get("groups_in_scope") or [], answers.get("dimensions_in_scope") or [])
        indicators, found = clean.clean_indicators(payload["indicators"], in_scope)
        _plan_indicators(a, indicators, found)
        collect(found)
        changes["indicators"] = indicators
    if "plan_links" in payload:
        links, found = clean_plan_links(
            payload["plan_links"], plan.known(a.decision.organisation_id)
        )
        collect(found)
        changes["plan_links"] = links
    if "summary" in payload:
        value, found = clean.clean_summary(payload["summary"])
        collect(found)
        changes["summary"] = {**data.summary, **value}
    scoped = {"answers": answers, **changes}
    _scope(form, data, scoped, payload, errors)
    changes.update({k: v for k, v in scoped.items() if k != "answers"})
    if errors:
        raise ValidationFailed(errors)
    return save_answers(user, a, changes, expected_version=expected_version)
