"""What is still missing in each section, in words a preparer can act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..assessment_data import Alternative, AssessmentData, ImpactCell
from ..definitions import localized
from ..translation import lazy_text as _l
from .definition import FormDefinition, Question, Section

SUMMARY_MAX = 1500
DEFAULT_ALTERNATIVE: dict[str, Any] = {
    "id": "proposal",
    "label": "",
    "description": "",
    "zero_option": False,
    "recommended": True,
}
Data = AssessmentData | Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What completeness depends on besides the answers."""

    level: str | None
    language: str = "fi"  # the decision's language
    bilingual: bool = False  # then the summary is needed in fi and sv


def visible(question: Question, data: Data) -> bool:
    """Whether a question is shown: asked at the chosen level (when one is chosen), and its
    ``show_if`` holds on the earlier answers."""
    data = AssessmentData.load(data)
    if question.levels and data.level and data.level not in question.levels:
        return False
    cond = question.show_if
    if cond is None:
        return True
    value = data.screening.answers.get(cond.question, data.answer(cond.question))
    shown_by = cond.values
    if isinstance(value, list):
        return any(v in value for v in shown_by)
    return value in shown_by


def baseline(data: Data) -> Alternative | None:
    """The zero option, the baseline the other alternatives are compared with (if any)."""
    return next((a for a in AssessmentData.load(data).alternatives if a.zero_option), None)


def alternatives(data: Data) -> list[Alternative]:
    """The alternatives; a light assessment without any has one: the proposal."""
    return AssessmentData.load(data).alternatives or [Alternative(**DEFAULT_ALTERNATIVE)]


def _empty(value) -> bool:
    return value in (None, "", [], {}) or (isinstance(value, str) and not value.strip())


def _questions(form: FormDefinition, section: Section, data: AssessmentData) -> list:
    answers = data.answers
    missing = []
    for q in section.questions:
        if not visible(q, data):
            continue
        value = answers.get(q.id)
        label = localized(q.labels)
        if q.required and _empty(value):
            missing.append(_l("Answer: %(question)s", question=label))
        if q.type == "list" and isinstance(value, list):
            if len(value) < q.min_items:
                missing.append(
                    _l("Add at least %(n)d: %(question)s", n=q.min_items, question=label)
                )
            for i, item in enumerate(value, 1):
                for f in q.fields or []:
                    if f.required and _empty((item or {}).get(f.id)):
                        missing.append(
                            _l(
                                "%(question)s, row %(row)d: %(field)s is missing",
                                question=label,
                                row=i,
                                field=localized(f.labels),
                            )
                        )
    return missing


def cell_problems(
    form: FormDefinition, cell: ImpactCell | Mapping[str, Any], *, baseline: bool = False
) -> list:
    """What one impact cell lacks (domain.md, "Scales of one impact cell"); a cell of the
    zero option (``baseline``) is the situation without the decision: described, not scored."""
    if not isinstance(cell, ImpactCell):
        cell = ImpactCell.model_construct(**cell)  # a cell being entered may lack its keys
    missing = []
    if baseline:  # the zero option: the situation without the decision, described
        if _empty(cell.rationale) and not cell.direction:
            missing.append(_l("Describe the situation without the decision."))
        return missing
    direction = cell.direction
    if not direction:
        missing.append(_l("Choose the direction of the effect."))
        return missing
    if direction != "neutral":
        if not cell.magnitude:
            missing.append(_l("A non-neutral effect needs its magnitude."))
        if _empty(cell.rationale):
            missing.append(
                _l("A non-neutral effect needs a rationale: who is affected, how and why.")
            )
    return missing


def _impacts(form: FormDefinition, data: AssessmentData, ctx: Context) -> list:
    groups = data.groups_in_scope
    dims = set(data.dimensions_in_scope)
    if not groups or not dims:
        return [_l("Choose the groups and the dimensions in scope first (section Scoping).")]
    missing = []
    # The cells per (alternative, group) in their order, found once: a full assessment
    # has hundreds of cells, and every pair would otherwise look through all of them.
    cells: dict[tuple[str, str], list[ImpactCell]] = {}
    for c in data.impacts:
        if c.dimension in dims:
            cells.setdefault((c.alternative, c.group), []).append(c)
    for alt in alternatives(data):
        for group_id in groups:
            group = form.group(group_id)
            mine = cells.get((alt.id, group_id), [])
            name = alt.label or _l("the proposal")
            if not mine:
                missing.append(
                    _l(
                        "%(group)s: no effect assessed in %(alternative)s.",
                        group=localized(group.labels) if group else group_id,
                        alternative=name,
                    )
                )
            for cell in mine:
                for problem in cell_problems(form, cell, baseline=alt.zero_option):
                    dim = form.dimension(cell.dimension)
                    missing.append(
                        _l(
                            "%(group)s / %(dimension)s in %(alternative)s: %(problem)s",
                            group=localized(group.labels) if group else group_id,
                            dimension=localized(dim.labels) if dim else cell.dimension,
                            alternative=name,
                            problem=problem,
                        )
                    )
    return missing


def _alternatives(data: AssessmentData, ctx: Context) -> list:
    alts = data.alternatives
    missing = []
    reason = data.answer("single_alternative_reason") or ""
    too_few = len(alts) < 2 or not any(a.zero_option for a in alts)
    if ctx.level == "full" and too_few and not reason.strip():
        missing.append(
            _l(
                "Describe at least two alternatives, one of them the zero option, "
                "or explain why there is only one."
            )
        )
    for i, alt in enumerate(alts, 1):
        if _empty(alt.label) or _empty(alt.description):
            missing.append(_l("Alternative %(n)d needs a name and a description.", n=i))
    if alts and sum(1 for a in alts if a.recommended) != 1:
        missing.append(_l("Mark exactly one alternative as recommended."))
    return missing


def _hearings(form: FormDefinition, data: AssessmentData) -> list:
    hearings = data.hearings
    missing = []
    if not hearings and _empty(data.no_hearings_reason):
        missing.append(_l("Record the hearings, or explain why nobody needs to be heard."))
    for i, h in enumerate(hearings, 1):
        if _empty(h.council):
            missing.append(_l("Hearing %(n)d: choose who was heard.", n=i))
        heard = not _empty(h.statement) or h.answered_on or h.attachment
        reason = form.not_heard_reason(h.not_heard_code or "")
        if heard:
            continue
        if reason is None and not _empty(h.not_heard_reason):
            # Written before the reasons were coded: the list says which ones count.
            missing.append(_l("Hearing %(n)d: choose why it was not heard from the list.", n=i))
        elif reason is None:
            missing.append(_l("Hearing %(n)d: record the statement, or why it was not heard.", n=i))
        elif reason.needs_text and _empty(h.not_heard_reason):
            missing.append(
                _l(
                    "Hearing %(n)d: describe the reason “%(reason)s” in your own words.",
                    n=i,
                    reason=localized(reason.labels),
                )
            )
    return missing


def _indicators(data: AssessmentData, ctx: Context) -> list:
    indicators = data.indicators
    missing = []
    for i, ind in enumerate(indicators, 1):
        if _empty(ind.name):
            missing.append(_l("Indicator %(n)d needs a name.", n=i))
    planned = [i for i in indicators if i.planned]
    if ctx.level == "full" and not planned:
        missing.append(_l("Add at least one indicator with a review date and an owner."))
    return missing


def _summary(data: AssessmentData, ctx: Context) -> list:
    summary = data.summary
    needed = ["fi", "sv"] if ctx.bilingual else [ctx.language]
    missing = []
    names = {"fi": _l("Finnish"), "sv": _l("Swedish")}
    for lang in needed:
        text = summary.get(lang) or ""
        if _empty(text):
            missing.append(_l("Write the summary in %(language)s.", language=names[lang]))
        elif len(text) > SUMMARY_MAX:
            missing.append(
                _l(
                    "The summary in %(language)s is %(n)d characters; at most %(max)d.",
                    language=names[lang],
                    n=len(text),
                    max=SUMMARY_MAX,
                )
            )
    return missing


def section_problems(form: FormDefinition, section: Section, data: Data, ctx: Context) -> list:
    """What the section still lacks; an empty list means complete."""
    data = AssessmentData.load(data)
    if section.kind == "questions":
        return _questions(form, section, data)
    if section.kind == "impacts":
        return _impacts(form, data, ctx)
    if section.kind == "alternatives":
        return _alternatives(data, ctx)
    if section.kind == "hearings":
        return _hearings(form, data)
    if section.kind == "indicators":
        return _indicators(data, ctx)
    if section.kind == "plan":
        # Whether the plan in force was considered is the organisation's data: the flag
        # plan_not_considered says so; a saved link always has its effect.
        return []
    return _summary(data, ctx)


def incomplete_sections(form: FormDefinition, data: Data, ctx: Context) -> list:
    """The labels of the sections of the chosen level that are not complete."""
    data = AssessmentData.load(data)
    return [
        localized(s.labels)
        for s in form.sections_for(ctx.level)
        if section_problems(form, s, data, ctx)
    ]
