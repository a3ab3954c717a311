"""Check your answers (issue 20): every answer of every section in the reader's language,
each with a "Change" link to its question that brings the person back here after saving;
the open flags grouped by what resolves them; who reviews after submission.

GOV.UK's pattern: a summary list per section (question, answer, "Change"). Labels come
from the questionnaire in the reader's language and interface texts from the catalogues:
never an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import url_for
from flask_babel import format_date, format_decimal
from sqlalchemy import select

from .. import flags
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Body, ReviewerBody, User, UserRole
from ..operations import answers as answer_ops
from ..operations import plan as plan_ops
from ..operations.policy_applied import review_facts
from ..questionnaire.completeness import alternatives as alternatives_of
from ..questionnaire.completeness import visible
from ..questionnaire.costs import COST_LABELS
from ..questionnaire.forms import _LEVELS, _SCREENING
from ..questionnaire.screening import recommended_level
from . import flags as flag_views
from .guided_plan import EFFECT_LABELS

NOT_ANSWERED = _l("Not answered")
LEVEL_LABELS = dict(_LEVELS)
SCREENING_ANSWERS = dict(_SCREENING)
YES_NO = {"yes": _l("yes"), "no": _l("no")}

# Flags only the reviewer's judgement settles: they rest on facts outside the answers (other
# decisions, the calendar) or on an effect that stays when the answers are right.
REVIEWER_RULES = frozenset(
    {"cumulative_burden", "late_assessment", "serious_negative_effect", "unequal_distribution"}
)
# Flags a hearing (a statement, or a reason why not) resolves.
HEARING_RULES = frozenset({"consultation_required", "late_statement"})


@dataclass
class Row:
    """One question and its answer: ``values`` are lines (texts or lazy texts)."""

    label: Any
    values: list[Any]
    change_url: str
    long: bool = False  # a free text: kept in its paragraphs


@dataclass
class Part:
    """One section of the summary."""

    id: str
    label: Any
    rows: list[Row] = field(default_factory=list)
    note: Any = None  # a line under the heading (e.g. where the matrix is shown whole)
    links: list[tuple[Any, str]] = field(default_factory=list)


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    import datetime as dt

    try:
        return format_date(dt.date.fromisoformat(iso), "short")
    except ValueError:
        return iso


def change_url(base: str, anchor: str, back: str) -> str:
    """The question's page with the return parameter, at the question's field."""
    return f"{base}?return_to={quote(back, safe='/')}#{anchor}"


def _texts(value) -> list[Any]:
    if value in (None, "", []):
        return [NOT_ANSWERED]
    return [value]


def screening_part(a, form, language: str, back: str) -> Part:
    stored = a.content.screening
    base = url_for("guided.screening", assessment_id=a.id)
    rows = []
    for q in form.screening.questions:
        answer = stored.answers.get(q.id)
        rows.append(
            Row(
                q.labels.get(language),
                [SCREENING_ANSWERS.get(answer, NOT_ANSWERED)],
                change_url(base, q.id, back),
            )
        )
    if stored.answers:
        recommended = recommended_level(form, stored.answers)
        rows.append(
            Row(
                _l("Recommended level from the answers"),
                [LEVEL_LABELS[recommended]],
                change_url(base, "level", back),
            )
        )
    rows.append(
        Row(
            _l("Level of the assessment"),
            [LEVEL_LABELS.get(stored.level, NOT_ANSWERED)],
            change_url(base, "level", back),
        )
    )
    if stored.level_reason:
        rows.append(
            Row(
                _l("Reason for the level"),
                [stored.level_reason],
                change_url(base, "level_reason", back),
                long=True,
            )
        )
    if stored.exempt_category:
        exempt = {c.id: c.labels.get(language) for c in form.screening.exempt_categories}
        rows.append(
            Row(
                _l("Exempt category"),
                [exempt.get(stored.exempt_category, stored.exempt_category)],
                change_url(base, "exempt_category", back),
            )
        )
    return Part("screening", _l("Screening"), rows)


def _question_values(form, q, value, language: str) -> list[Any]:
    if value in (None, "", []):
        return [NOT_ANSWERED]
    if q.type in ("choice", "multi_choice"):
        labels = {o.id: o.labels.get(language) for o in form.options_of(q)}
        chosen = value if isinstance(value, list) else [value]
        return [", ".join(str(labels.get(v, v)) for v in chosen)]
    if q.type == "yes_no":
        return [YES_NO.get(value, value)]
    if q.type == "date":
        return [_date(value)]
    if q.type == "list":
        lines = []
        for row in value:
            parts = []
            for f in q.fields or []:
                v = row.get(f.id)
                if not v:
                    continue
                if f.type == "choice":
                    v = next((o.labels.get(language) for o in f.options or [] if o.id == v), v)
                elif f.type == "date":
                    v = _date(v)
                parts.append(str(v))
            if parts:
                lines.append(" · ".join(parts))
        return lines or [NOT_ANSWERED]
    return [value]


def questions_part(a, form, section, language: str, back: str) -> Part:
    data = a.content
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    for q in section.questions:
        if not visible(q, data):
            continue
        part.rows.append(
            Row(
                q.labels.get(language),
                _question_values(form, q, data.answer(q.id), language),
                change_url(base, q.id, back),
                long=q.type == "long_text",
            )
        )
    for group_id, why in data.scope_exclusions.items():
        g = form.group(group_id)
        part.rows.append(
            Row(
                _l(
                    "Left out of the scope: %(group)s",
                    group=g.labels.get(language) if g else group_id,
                ),
                [why or NOT_ANSWERED],
                change_url(base, "scope-exclusions", back),
                long=True,
            )
        )
    return part


def _costs_line(alt) -> str | None:
    if not alt.costs:
        return None
    out = []
    for c in alt.costs:
        amount = f"{format_decimal(c.amount_eur)} €" if c.amount_eur is not None else "–"
        words = ", ".join(str(COST_LABELS[k]) for k in (c.kind, c.timing) if k in COST_LABELS)
        out.append(f"{words} {amount}" + (f" ({c.note})" if c.note else ""))
    return "; ".join(out)


def alternatives_part(a, section, language: str, back: str) -> Part:
    data = a.content
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    for i, alt in enumerate(data.alternatives):
        marks = []
        if alt.zero_option:
            marks.append(str(_l("zero option")))
        if alt.recommended:
            marks.append(str(_l("recommended")))
        name = alt.label or str(_l("Alternative %(n)d", n=i + 1))
        values: list[Any] = [name + (f" ({', '.join(marks)})" if marks else "")]
        if alt.description:
            values.append(alt.description)
        if (costs := _costs_line(alt)) is not None:
            values.append(str(_l("Costs and savings:")) + " " + costs)
        elif alt.costs_note:
            values.append(alt.costs_note)
        part.rows.append(
            Row(
                _l("Alternative %(n)d", n=i + 1),
                values,
                change_url(base, f"alternatives-{i}-label", back),
                long=True,
            )
        )
    if not data.alternatives:
        part.rows.append(
            Row(_l("Alternatives"), [NOT_ANSWERED], change_url(base, "alternatives", back))
        )
    reason = data.answer("single_alternative_reason")
    if reason:
        part.rows.append(
            Row(
                _l("Why is there only one alternative?"),
                [reason],
                change_url(base, "single_alternative_reason", back),
                long=True,
            )
        )
    return part


def impacts_part(a, form, section, language: str, back: str) -> Part:
    """The matrix in a compact form: per alternative, how many effects are assessed and
    their directions; the whole is on its own page."""
    data = a.content
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    groups = [g for g in data.groups_in_scope if form.group(g)]
    dims = [d.id for d in form.dimensions if d.id in data.dimensions_in_scope]
    total = len(groups) * len(dims)
    directions = {v.id: v for v in form.scales["direction"].values}
    part = Part(section.id, section.labels.get(language))
    for alt in alternatives_of(data):
        cells = [
            c
            for c in data.impacts
            if c.alternative == alt.id and c.group in groups and c.dimension in dims
        ]
        counts: dict[str, int] = {}
        for c in cells:
            if c.direction:
                counts[c.direction] = counts.get(c.direction, 0) + 1
        if alt.zero_option:  # the baseline is described, never scored (issue 18)
            described = sum(1 for c in cells if c.rationale.strip())
            values: list[Any] = [
                _l("%(done)d of %(total)d situations described", done=described, total=total)
            ]
        else:
            assessed = sum(counts.values())
            values = [_l("%(done)d of %(total)d effects assessed", done=assessed, total=total)]
        if counts:
            values.append(
                ", ".join(
                    f"{directions[d].symbol} {directions[d].labels.get(language)}: {n}".strip()
                    for d, n in counts.items()
                    if d in directions
                )
            )
        part.rows.append(
            Row(
                alt.label or _l("The proposal"),
                values,
                change_url(base, f"alt-{alt.id}", back),
            )
        )
    part.links.append((_l("The whole impact matrix"), base))
    if len(data.alternatives) > 1:  # the matrix engineer's side-by-side view
        comparison = url_for("guided.impact_comparison", assessment_id=a.id)
        part.links.append((_l("Compare the alternatives side by side"), comparison))
    return part


def hearings_part(a, form, section, language: str, back: str) -> Part:
    data = a.content
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    for i, h in enumerate(data.hearings):
        council = form.council(h.council) if h.council else None
        values: list[Any] = []
        if h.requested_on:
            values.append(str(_l("Statement requested on")) + " " + _date(h.requested_on))
        if h.answered_on:
            values.append(str(_l("Statement received on")) + " " + _date(h.answered_on))
        if h.statement:
            values.append(str(_l("What they said")) + ": " + h.statement)
        if h.taken_into_account:
            values.append(str(_l("How it was taken into account")) + ": " + h.taken_into_account)
        if h.not_heard_code:
            reason = form.not_heard_reason(h.not_heard_code)
            label = reason.labels.get(language) if reason else h.not_heard_code
            values.append(str(_l("Why they were not heard")) + ": " + label)
        if h.not_heard_reason:
            values.append(h.not_heard_reason)
        if h.attachment:
            values.append(str(_l("File:")) + " " + h.attachment.filename)
        part.rows.append(
            Row(
                council.labels.get(language) if council else _l("Hearing %(n)d", n=i + 1),
                values or [NOT_ANSWERED],
                change_url(base, f"hearings-{i}-council", back),
                long=True,
            )
        )
    if data.no_hearings_reason or not data.hearings:
        part.rows.append(
            Row(
                _l("If nobody needs to be heard, why?"),
                _texts(data.no_hearings_reason),
                change_url(base, "no_hearings_reason", back),
                long=True,
            )
        )
    return part


def plan_part(a, section, language: str, back: str) -> Part:
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    objectives = {o.key: o for o in plan_ops.objectives_of(a.decision.organisation_id)}
    for link in a.content.plan_links:
        o = objectives.get(link.objective)
        values: list[Any] = [EFFECT_LABELS.get(link.effect or "", NOT_ANSWERED)]
        if link.note:
            values.append(link.note)
        part.rows.append(
            Row(
                o.text(language) if o else link.objective,
                values,
                change_url(base, f"effect_{link.objective}", back),
                long=True,
            )
        )
    if not part.rows:
        part.rows.append(
            Row(_l("Objectives of the plan"), [NOT_ANSWERED], change_url(base, "main", back))
        )
    return part


def indicators_part(a, form, section, language: str, back: str) -> Part:
    data = a.content
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    for i, ind in enumerate(data.indicators):
        values: list[Any] = []
        for label, value in (
            (_l("Data source"), ind.source),
            (_l("Baseline (now)"), ind.baseline),
            (_l("Target"), ind.target),
            (_l("Owner (who follows it)"), ind.owner),
            (_l("Review date"), _date(ind.review_date)),
        ):
            if value:
                values.append(f"{label}: {value}")
        if ind.follows:
            names = []
            for key in ind.follows:
                g_id, _, d_id = key.partition(":")
                g, d = form.group(g_id), form.dimension(d_id)
                names.append(
                    f"{g.labels.get(language) if g else g_id}: "
                    f"{d.labels.get(language) if d else d_id}"
                )
            values.append(str(_l("Effects it follows")) + ": " + "; ".join(names))
        part.rows.append(
            Row(
                ind.name or _l("Indicator %(n)d", n=i + 1),
                values or [NOT_ANSWERED],
                change_url(base, f"indicators-{i}-name", back),
                long=True,
            )
        )
    if not data.indicators:
        part.rows.append(
            Row(_l("Indicators"), [NOT_ANSWERED], change_url(base, "indicators", back))
        )
    return part


def summary_part(a, section, language: str, back: str, needed: list[str]) -> Part:
    base = url_for("guided.section", assessment_id=a.id, section_id=section.id)
    part = Part(section.id, section.labels.get(language))
    labels = {"fi": _l("Summary in Finnish"), "sv": _l("Summary in Swedish")}
    for lang in needed:
        part.rows.append(
            Row(
                labels[lang],
                _texts(a.content.summary.get(lang)),
                change_url(base, lang, back),
                long=True,
            )
        )
    return part


def parts(a, form, language: str) -> list[Part]:
    """Every section the assessment's level asks, in the form's order."""
    back = url_for("guided.check", assessment_id=a.id)
    ctx = answer_ops.context(a)
    out = [screening_part(a, form, language, back + "#screening")]
    for s in form.sections_for(ctx.level):
        here = back + f"#{s.id}"
        if s.kind == "questions":
            out.append(questions_part(a, form, s, language, here))
        elif s.kind == "alternatives":
            out.append(alternatives_part(a, s, language, here))
        elif s.kind == "impacts":
            out.append(impacts_part(a, form, s, language, here))
        elif s.kind == "hearings":
            out.append(hearings_part(a, form, s, language, here))
        elif s.kind == "plan":
            out.append(plan_part(a, s, language, here))
        elif s.kind == "indicators":
            out.append(indicators_part(a, form, s, language, here))
        else:
            needed = ["fi", "sv"] if ctx.bilingual else [ctx.language]
            out.append(summary_part(a, s, language, here, needed))
    return out


@dataclass
class FlagGroup:
    kind: str  # "change" | "hearing" | "reviewer"
    heading: Any
    intro: Any
    items: list[tuple[Any, str | None, Any]]  # (flag, url of the page that resolves it, label)


def open_flag_groups(a, form, language: str) -> list[FlagGroup]:
    """The open flags by what resolves them: a change in a section, a hearing, or the
    reviewer's acknowledgement."""
    ctx = answer_ops.context(a)
    sections = form.sections_for(ctx.level)
    change: list = []
    hearing: list = []
    reviewer: list = []
    hearings_section = next((s for s in sections if s.kind == "hearings"), None)
    for f in a.content.flags:
        if f.status != flags.OPEN:
            continue
        if f.rule in HEARING_RULES and hearings_section is not None:
            url = url_for("guided.section", assessment_id=a.id, section_id=hearings_section.id)
            hearing.append((f, url, hearings_section.labels.get(language)))
        elif f.rule in REVIEWER_RULES:
            reviewer.append((f, None, None))
        else:
            page = _page_of(a, f, sections, language)
            if page is None:
                reviewer.append((f, None, None))
            else:
                change.append((f, *page))
    out = []
    if change:
        out.append(
            FlagGroup(
                "change",
                _l("Resolved by a change in the assessment"),
                _l("Each of these goes away when the answers it names are changed or completed."),
                change,
            )
        )
    if hearing:
        out.append(
            FlagGroup(
                "hearing",
                _l("Resolved by a hearing"),
                _l("Record the statement of those who must be heard, or why they were not heard."),
                hearing,
            )
        )
    if reviewer:
        out.append(
            FlagGroup(
                "reviewer",
                _l("Weighed by the reviewer"),
                _l(
                    "These rest on facts the answers do not change (other decisions, the "
                    "calendar, a serious effect that remains): the reviewer acknowledges each "
                    "with a written reason."
                ),
                reviewer,
            )
        )
    return out


def _page_of(a, f, sections, language: str) -> tuple[str, Any] | None:
    """The page whose answers a flag names, and its label."""
    if (f.field or "").startswith("screening") or f.rule == "screening_override":
        return url_for("guided.screening", assessment_id=a.id), _l("Screening")
    for s in sections:
        if f in flag_views.for_page(a, s.id):
            url = url_for("guided.section", assessment_id=a.id, section_id=s.id)
            return url, s.labels.get(language)
    if f.rule == "translation_missing":
        return url_for("guided.translations", assessment_id=a.id), _l("Translations")
    return None


def blocking_high(a) -> list:
    """The open high flags: approval waits until each is resolved or acknowledged."""
    return [f for f in a.content.flags if f.status == flags.OPEN and f.severity == "high"]


def who_reviews(a, language: str) -> tuple[str, list[str], Any]:
    """Who reviews after submission: ("chosen", [name], None), ("body", names, body name),
    or ("any", names, None)."""
    if a.reviewer is not None:
        return "chosen", [a.reviewer.name], None
    facts = review_facts(a)
    reviewers = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.organisation_id == a.organisation_id,
            UserRole.role == "reviewer",
            User.active.is_(True),
            User.id != a.prepared_by_id,
        )
    )
    if facts.get("review_body"):
        body = db.session.scalar(
            select(Body).where(
                Body.organisation_id == a.organisation_id, Body.key == facts["review_body"]
            )
        )
        linked = reviewers.join(ReviewerBody, ReviewerBody.user_id == User.id).where(
            ReviewerBody.body_id == (body.id if body is not None else -1)
        )
        names = [u.name for u in db.session.scalars(linked.order_by(User.name))]
        return "body", names, body.name(language) if body is not None else facts["review_body"]
    names = [u.name for u in db.session.scalars(reviewers.order_by(User.name))]
    return "any", names, None
