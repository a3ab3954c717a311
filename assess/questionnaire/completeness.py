"""What is still missing in each section, in words a preparer can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..definitions import localized
from ..i18n import lazy_text as _l
from .definition import FormDefinition, Question, Section

SUMMARY_MAX = 1500
DEFAULT_ALTERNATIVE = {
    "id": "proposal",
    "label": "",
    "description": "",
    "zero_option": False,
    "recommended": True,
}


@dataclass(frozen=True)
class Context:
    """What completeness depends on besides the answers."""

    level: str | None
    language: str = "fi"  # the decision's language
    bilingual: bool = False  # then the summary is needed in fi and sv


def visible(question: Question, data: dict[str, Any]) -> bool:
    """Whether a question is shown: its ``show_if`` holds on the earlier answers."""
    cond = question.show_if
    if cond is None:
        return True
    screening = (data.get("screening") or {}).get("answers") or {}
    answers = data.get("answers") or {}
    value = screening.get(cond.question, answers.get(cond.question))
    if isinstance(value, list):
        return cond.equals in value
    return value == cond.equals


def alternatives(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives; a light assessment without any has one: the proposal."""
    return data.get("alternatives") or [DEFAULT_ALTERNATIVE]


def _empty(value) -> bool:
    return value in (None, "", [], {}) or (isinstance(value, str) and not value.strip())


def _questions(form: FormDefinition, section: Section, data: dict[str, Any]) -> list:
    answers = data.get("answers") or {}
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


def cell_problems(form: FormDefinition, cell: dict[str, Any]) -> list:
    """What one impact cell lacks (domain.md, "Scales of one impact cell")."""
    missing = []
    direction = cell.get("direction")
    if not direction:
        missing.append(_l("Choose the direction of the effect."))
        return missing
    if direction != "neutral":
        if not cell.get("magnitude"):
            missing.append(_l("A non-neutral effect needs its magnitude."))
        if _empty(cell.get("rationale")):
            missing.append(
                _l("A non-neutral effect needs a rationale: who is affected, how and why.")
            )
    return missing


def _impacts(form: FormDefinition, data: dict[str, Any], ctx: Context) -> list:
    answers = data.get("answers") or {}
    groups = answers.get("groups_in_scope") or []
    dims = set(answers.get("dimensions_in_scope") or [])
    if not groups or not dims:
        return [_l("Choose the groups and the dimensions in scope first (section Scoping).")]
    missing = []
    cells = data.get("impacts") or []
    for alt in alternatives(data):
        for group_id in groups:
            group = form.group(group_id)
            mine = [
                c
                for c in cells
                if c.get("alternative") == alt["id"]
                and c.get("group") == group_id
                and c.get("dimension") in dims
            ]
            name = alt.get("label") or str(_l("the proposal"))
            if not mine:
                missing.append(
                    _l(
                        "%(group)s: no effect assessed in %(alternative)s.",
                        group=localized(group.labels) if group else group_id,
                        alternative=name,
                    )
                )
            for cell in mine:
                for problem in cell_problems(form, cell):
                    dim = form.dimension(cell["dimension"])
                    missing.append(
                        _l(
                            "%(group)s / %(dimension)s in %(alternative)s: %(problem)s",
                            group=localized(group.labels) if group else group_id,
                            dimension=localized(dim.labels) if dim else cell["dimension"],
                            alternative=name,
                            problem=problem,
                        )
                    )
    return missing


def _alternatives(data: dict[str, Any], ctx: Context) -> list:
    alts = data.get("alternatives") or []
    missing = []
    reason = (data.get("answers") or {}).get("single_alternative_reason") or ""
    too_few = len(alts) < 2 or not any(a.get("zero_option") for a in alts)
    if ctx.level == "full" and too_few and not reason.strip():
        missing.append(
            _l(
                "Describe at least two alternatives, one of them the zero option, "
                "or explain why there is only one."
            )
        )
    for i, alt in enumerate(alts, 1):
        if _empty(alt.get("label")) or _empty(alt.get("description")):
            missing.append(_l("Alternative %(n)d needs a name and a description.", n=i))
    if alts and sum(1 for a in alts if a.get("recommended")) != 1:
        missing.append(_l("Mark exactly one alternative as recommended."))
    return missing


def _hearings(data: dict[str, Any]) -> list:
    hearings = data.get("hearings") or []
    missing = []
    if not hearings and _empty(data.get("no_hearings_reason")):
        missing.append(_l("Record the hearings, or explain why nobody needs to be heard."))
    for i, h in enumerate(hearings, 1):
        if _empty(h.get("council")):
            missing.append(_l("Hearing %(n)d: choose who was heard.", n=i))
        heard = not _empty(h.get("statement")) or h.get("answered_on")
        if not heard and _empty(h.get("not_heard_reason")):
            missing.append(_l("Hearing %(n)d: record the statement, or why it was not heard.", n=i))
    return missing


def _indicators(data: dict[str, Any], ctx: Context) -> list:
    indicators = data.get("indicators") or []
    missing = []
    for i, ind in enumerate(indicators, 1):
        if _empty(ind.get("name")):
            missing.append(_l("Indicator %(n)d needs a name.", n=i))
    planned = [i for i in indicators if i.get("review_date") and not _empty(i.get("owner"))]
    if ctx.level == "full" and not planned:
        missing.append(_l("Add at least one indicator with a review date and an owner."))
    return missing


def _summary(data: dict[str, Any], ctx: Context) -> list:
    summary = data.get("summary") or {}
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


def section_problems(
    form: FormDefinition, section: Section, data: dict[str, Any], ctx: Context
) -> list:
    """What the section still lacks; an empty list means complete."""
    if section.kind == "questions":
        return _questions(form, section, data)
    if section.kind == "impacts":
        return _impacts(form, data, ctx)
    if section.kind == "alternatives":
        return _alternatives(data, ctx)
    if section.kind == "hearings":
        return _hearings(data)
    if section.kind == "indicators":
        return _indicators(data, ctx)
    return _summary(data, ctx)


def incomplete_sections(form: FormDefinition, data: dict[str, Any], ctx: Context) -> list:
    """The labels of the sections of the chosen level that are not complete."""
    return [
        localized(s.labels)
        for s in form.sections_for(ctx.level)
        if section_problems(form, s, data, ctx)
    ]
