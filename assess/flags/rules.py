"""The flag rules of domain.md, each a pure function (data, context) -> [Flag].

A flag says what triggered it and which answers made it so, and what would resolve
it, in any of the three languages (``Flag.text(language)``). Thresholds come from the
context (the organisation's settings), group facts (vulnerable, council) from the form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..assessment_data import Alternative, AssessmentData, ImpactCell, SnapshotDecision
from ..definitions import localized
from ..questionnaire.completeness import alternatives
from ..questionnaire.definition import SERIOUS_FACTORS, FormDefinition
from ..questionnaire.organisation import OrgSettings
from ..questionnaire.screening import is_below, recommended_level
from ..translation import joined, render
from ..translation import lazy_text as _l
from .bases import basis_of
from .text import meaningful

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: str
    message: Any  # a lazy text, rendered in a given language by text()
    resolve: Any
    group: str | None = None
    dimension: str | None = None
    alternative: str | None = None
    field: str | None = None
    # What the flag rests on (act and method source); compute() fills it from the form.
    basis: Any = None

    @property
    def key(self) -> str:
        """The flag's identity: the same rule on the same subject is the same flag."""
        return ":".join(
            str(p or "")
            for p in (self.rule, self.group, self.dimension, self.alternative, self.field)
        )

    def text(self, language: str) -> str:
        return sentences(str(render(self.message, language)))

    def resolution(self, language: str) -> str:
        return sentences(str(render(self.resolve, language)))

    def basis_text(self, language: str) -> str:
        """The act and the method source in ``language``; empty when none is cited."""
        return "" if self.basis is None else sentences(str(render(self.basis, language)))


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)(\w)")


def sentences(text: str) -> str:
    """Capitalise each sentence: group labels are lower case ("older people") and often
    begin one."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


@dataclass(frozen=True)
class OtherAssessment:
    """An approved assessment of the organisation, for the cumulative rule.

    The rule names only the most recent ones (by approval date, then id): a context may
    leave ``case_number`` empty for the others, which are only counted.
    """

    id: int
    case_number: str
    approved_on: date
    negative_groups: frozenset[str]


@dataclass(frozen=True)
class FlagContext:
    form: FormDefinition
    org: OrgSettings = field(default_factory=OrgSettings)
    today: date | None = None
    meeting_date: date | None = None
    submitted_on: date | None = None
    others: tuple[OtherAssessment, ...] = ()
    cumulative_window_days: int = 365
    cumulative_min_others: int = 2
    late_days: int = 14
    min_mitigation_words: int = 3
    # The keys of the organisation's wellbeing plan objectives in force (issue 18, [plan]).
    plan_objectives: tuple[str, ...] = ()
    # The decision (its language, title, proposal and their translations) and the languages
    # its documents are made in, for translation_missing (issue 19, bilingual).
    decision: SnapshotDecision | None = None
    document_languages: tuple[str, ...] = ()

    @classmethod
    def of(cls, form: FormDefinition, org: OrgSettings, **kw) -> FlagContext:
        """With the thresholds of the form, as the organisation overrides them."""
        return cls(
            form=form,
            org=org,
            cumulative_window_days=org.threshold(form, "cumulative_window_days"),
            cumulative_min_others=org.threshold(form, "cumulative_min_others"),
            late_days=org.threshold(form, "late_days"),
            min_mitigation_words=form.flags.min_mitigation_words,
            **kw,
        )


Data = AssessmentData | Mapping[str, Any]
Rule = Callable[[AssessmentData, FlagContext], list[Flag]]
RULES: dict[str, Callable[[Data, FlagContext], list[Flag]]] = {}


def rule(name: str):
    """Register a rule; it is given the typed data, whether called with it or a mapping."""

    def register(fn: Rule) -> Callable[[Data, FlagContext], list[Flag]]:
        @functools.wraps(fn)
        def typed(data: Data, ctx: FlagContext) -> list[Flag]:
            return fn(AssessmentData.load(data), ctx)

        RULES[name] = typed
        return typed

    return register


# --- helpers -----------------------------------------------------------------------


def recommended(data: AssessmentData) -> Alternative:
    alts = alternatives(data)
    return next((a for a in alts if a.recommended), None) or next(
        (a for a in alts if not a.zero_option), alts[0]
    )


# The cells each alternative has, found once per compute() rather than once per rule: on the
# largest assessment the input allows (50 alternatives, 12,100 cells) the rules' own passes
# over every cell were most of the time (bench/flags_bench.py). Set only inside compute(),
# so a rule called alone, or data changed between two calls, is never served a stale list.
_CELLS: ContextVar[dict[tuple[int, str], list[ImpactCell]] | None] = ContextVar(
    "cells", default=None
)


def _cells(data: AssessmentData, alternative: Alternative) -> list[ImpactCell]:
    memo = _CELLS.get()
    key = (id(data), alternative.id)
    if memo is not None and key in memo:
        return memo[key]
    groups = set(data.groups_in_scope)
    dims = set(data.dimensions_in_scope)
    found = [
        c
        for c in data.impacts
        if c.alternative == alternative.id
        and c.group in groups
        and c.dimension in dims
        and c.direction
    ]
    if memo is not None:
        memo[key] = found
    return found


def negative_cells(data: Data) -> list[ImpactCell]:
    """The negative cells of the recommended alternative, within the scope."""
    data = AssessmentData.load(data)
    if not alternatives(data):
        return []
    return [c for c in _cells(data, recommended(data)) if c.direction == "negative"]


def _group_name(ctx: FlagContext, group_id: str):
    # Cells are checked against the form's groups; an unknown id is shown as it is.
    group = ctx.form.group(group_id)
    return localized(group.labels) if group else group_id


def _alt_name(alternative: Alternative):
    return alternative.label or _l("the proposal")


def _labels(ctx: FlagContext, cell: ImpactCell):
    g = ctx.form.group(cell.group)
    d = ctx.form.dimension(cell.dimension)
    return (
        localized(g.labels) if g else cell.group,
        localized(d.labels) if d else cell.dimension,
    )


def _scale(ctx: FlagContext, scale: str, value: str | None):
    v = ctx.form.scale_value(scale, value) if value else None
    return localized(v.labels) if v else value or "—"


def _quoted(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _level(data: AssessmentData) -> str | None:
    return data.level


# --- the rules -----------------------------------------------------------------------


# The factors' texts when a cell leaves the scale empty (SeriousEffect.unrated).
UNRATED = {
    "magnitude": _l("magnitude not given"),
    "likelihood": _l("likelihood not rated"),
    "duration": _l("duration not rated"),
    "reversibility": _l("reversibility not rated"),
}


def seriousness(ctx: FlagContext, cell: ImpactCell) -> int:
    """The points of a negative cell by the form's table (``SeriousEffect``)."""
    table = ctx.form.serious_effect
    total = sum(table.score(factor, getattr(cell, factor)) for factor in SERIOUS_FACTORS)
    group = ctx.form.group(cell.group)
    return total + (table.vulnerable_group if group and group.vulnerable else 0)


def _why_serious(ctx: FlagContext, cell: ImpactCell) -> list:
    """The texts of the factors that gave points (the table's order, vulnerability last);
    made only for a serious effect, as most negative cells are not."""
    table = ctx.form.serious_effect
    why = []
    for factor in SERIOUS_FACTORS:
        value = getattr(cell, factor)
        if points := table.score(factor, value):
            label = _scale(ctx, factor, value) if value else UNRATED[factor]
            why.append(_l("%(value)s (%(points)d)", value=label, points=points))
    group = ctx.form.group(cell.group)
    if group and group.vulnerable and table.vulnerable_group:
        why.append(
            _l(
                "%(group)s are a vulnerable group (%(points)d)",
                group=localized(group.labels),
                points=table.vulnerable_group,
            )
        )
    return why


@rule("serious_negative_effect")
def serious_negative_effect(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    alt = recommended(data)
    threshold = ctx.form.serious_effect.threshold
    flags = []
    for c in _cells(data, alt):
        if c.direction != "negative":
            continue
        points = seriousness(ctx, c)
        if points < threshold:
            continue
        why = _why_serious(ctx, c)
        g, d = _labels(ctx, c)
        flags.append(
            Flag(
                "serious_negative_effect",
                "high",
                _l(
                    "%(group)s: %(dimension)s is negative in %(alternative)s, and serious: "
                    "%(points)d points where %(threshold)d make an effect serious, from "
                    "%(factors)s.",
                    group=g,
                    dimension=d,
                    alternative=_alt_name(alt),
                    points=points,
                    threshold=threshold,
                    factors=joined(why),
                ),
                _serious_advice(ctx, c),
                group=c.group,
                dimension=c.dimension,
                alternative=alt.id,
            )
        )
    return flags


def _serious_advice(ctx: FlagContext, cell: ImpactCell):
    """What would resolve a serious effect, fitting what is written (issue 20): asking for a
    mitigation that is already described sent people to rewrite it for nothing."""
    if meaningful(cell.mitigation, ctx.min_mitigation_words):
        return _l(
            "A mitigation is described; the effect as rated is still serious. A reviewer "
            "weighs whether the mitigation is enough and may acknowledge the flag with a "
            "comment, or choose an alternative that avoids the effect. Change the rating "
            "only if it does not yet reflect the mitigation."
        )
    return _l(
        "Describe how the effect is mitigated, or choose "
        "an alternative that avoids it; "
        "a reviewer may acknowledge the flag with a comment."
    )


@rule("missing_mitigation")
def missing_mitigation(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    alt = recommended(data)
    flags = []
    for c in _cells(data, alt):
        # "-", "tbd" or "ok" is no mitigation (flags.min_mitigation_words in the form).
        if c.direction == "negative" and not meaningful(c.mitigation, ctx.min_mitigation_words):
            g, d = _labels(ctx, c)
            flags.append(
                Flag(
                    "missing_mitigation",
                    "high",
                    _l(
                        "%(group)s: %(dimension)s is negative in "
                        "%(alternative)s, and no mitigation "
                        "is described.",
                        group=g,
                        dimension=d,
                        alternative=_alt_name(alt),
                    )
                    if not c.mitigation.strip()
                    else _l(
                        "%(group)s: %(dimension)s is negative in %(alternative)s, and the "
                        "mitigation “%(text)s” says too little to count (at least %(n)d words).",
                        group=g,
                        dimension=d,
                        alternative=_alt_name(alt),
                        text=_quoted(c.mitigation),
                        n=ctx.min_mitigation_words,
                    ),
                    _l("Describe what reduces the negative effect, or why nothing can.")
                    if not c.mitigation.strip()
                    else _l(
                        "Write the mitigation out in at least %(n)d words: what reduces the "
                        "negative effect and how, or why nothing can.",
                        n=ctx.min_mitigation_words,
                    ),
                    group=c.group,
                    dimension=c.dimension,
                    alternative=alt.id,
                    field="mitigation",
                )
            )
    return flags


@rule("unequal_distribution")
def unequal_distribution(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    """Per group across the dimensions (docs/method.md): a group with a negative cell loses
    even when it gains in another dimension. Flags when a group both gains and loses, or
    when one group only gains while another only loses."""
    alt = recommended(data)
    cells = _cells(data, alt)
    gain = {c.group for c in cells if c.direction == "positive"}
    lose = {c.group for c in cells if c.direction == "negative"}
    # In the form's group order, so the text does not depend on the order of the cells.
    order = [g.id for g in ctx.form.groups] + sorted(
        (gain | lose) - {g.id for g in ctx.form.groups}
    )
    mixed = [g for g in order if g in gain and g in lose]
    gainers = [g for g in order if g in gain and g not in lose]
    losers = [g for g in order if g in lose and g not in gain]
    if not mixed and not (gainers and losers):
        return []
    name = lambda ids: joined([_group_name(ctx, g) for g in ids])  # noqa: E731
    if not mixed:
        message: Any = _l(
            "In %(alternative)s %(gainers)s gain while %(losers)s lose.",
            alternative=_alt_name(alt),
            gainers=name(gainers),
            losers=name(losers),
        )
    else:
        parts = [
            _l(
                "In %(alternative)s %(groups)s gain in some dimensions and lose in others.",
                alternative=_alt_name(alt),
                groups=name(mixed),
            )
        ]
        if gainers:
            parts.append(_l("%(groups)s only gain.", groups=name(gainers)))
        if losers:
            parts.append(_l("%(groups)s only lose.", groups=name(losers)))
        message = joined(parts, " ")
    return [
        Flag(
            "unequal_distribution",
            "medium",
            message,
            _l(
                "Explain in the comparison why the distribution is acceptable, or how it is "
                "balanced."
            ),
            alternative=alt.id,
        )
    ]


@rule("single_alternative")
def single_alternative(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    if _level(data) != "full":
        return []
    alts = data.alternatives
    reason = (data.answer("single_alternative_reason") or "").strip()
    if (len(alts) >= 2 and any(a.zero_option for a in alts)) or reason:
        return []
    return [
        Flag(
            "single_alternative",
            "medium",
            _l(
                "A full assessment with %(n)d alternative(s) and no "
                "zero option, and no reason given.",
                n=len(alts),
            ),
            _l(
                "Describe the zero option and at least one other alternative, or explain why there "
                "is only one."
            ),
            field="alternatives",
        )
    ]


def followable(data: Data) -> list[ImpactCell]:
    """The effects an indicator is there to follow: the negative and unknown cells of the
    recommended alternative, within the scope (the indicators page offers these)."""
    data = AssessmentData.load(data)
    if not alternatives(data):
        return []
    return [c for c in _cells(data, recommended(data)) if c.direction in ("negative", "unknown")]


def followed(data: AssessmentData, *, planned: bool = False) -> set[str]:
    """The effects ("group:dimension") some indicator follows (a planned one, if asked)."""
    return {link for i in data.indicators if i.planned or not planned for link in i.follows}


@rule("unknown_without_plan")
def unknown_without_plan(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    alt = recommended(data)
    links = followed(data)
    flags = []
    for c in _cells(data, alt):
        if c.direction == "unknown" and f"{c.group}:{c.dimension}" not in links:
            g, d = _labels(ctx, c)
            flags.append(
                Flag(
                    "unknown_without_plan",
                    "medium",
                    _l(
                        "%(group)s: the effect on %(dimension)s is unknown in %(alternative)s, "
                        "and no follow-up indicator follows it.",
                        group=g,
                        dimension=d,
                        alternative=_alt_name(alt),
                    ),
                    _l(
                        "Add a follow-up indicator that will show the effect, and mark that it "
                        "follows this effect."
                    ),
                    group=c.group,
                    dimension=c.dimension,
                    alternative=alt.id,
                )
            )
    return flags


EFFECTS_LISTED = 5


@rule("no_follow_up")
def no_follow_up(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    """At the full level: no planned indicator at all, or negative or unknown effects of the
    recommended alternative that no planned indicator follows (one flag, listing them)."""
    if _level(data) != "full":
        return []
    resolve = _l(
        "Add an indicator with a review date and an owner, and mark the negative or unknown "
        "effects it follows."
    )
    if not any(i.planned for i in data.indicators):
        return [
            Flag(
                "no_follow_up",
                "medium",
                _l(
                    "A full assessment without any follow-up indicator that has a review date "
                    "and an owner."
                ),
                resolve,
                field="indicators",
            )
        ]
    if not alternatives(data):
        return []
    links = followed(data, planned=True)
    alt = recommended(data)
    cells = _cells(data, alt)
    unfollowed = [
        c
        for c in cells
        if c.direction in ("negative", "unknown") and f"{c.group}:{c.dimension}" not in links
    ]
    if not unfollowed:
        return []
    # In the form's order of groups and dimensions, whatever the order of the cells.
    groups = {g.id: i for i, g in enumerate(ctx.form.groups)}
    dims = {d.id: i for i, d in enumerate(ctx.form.dimensions)}
    unfollowed.sort(key=lambda c: (groups.get(c.group, len(groups)), dims.get(c.dimension, 0)))
    names = [
        _l("%(group)s: %(dimension)s", group=g, dimension=d)
        for g, d in (_labels(ctx, c) for c in unfollowed[:EFFECTS_LISTED])
    ]
    return [
        Flag(
            "no_follow_up",
            "medium",
            _l(
                "%(n)d negative or unknown effect(s) of %(alternative)s are followed by no "
                "planned indicator: %(effects)s.",
                n=len(unfollowed),
                alternative=_alt_name(alt),
                effects=joined(names + (["…"] if len(unfollowed) > EFFECTS_LISTED else [])),
            ),
            resolve,
            field="indicators",
        )
    ]


CASES_LISTED = 5


@rule("cumulative_burden")
def cumulative_burden(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    if ctx.today is None:
        return []
    alt = recommended(data)
    negative = dict.fromkeys(c.group for c in _cells(data, alt) if c.direction == "negative")
    flags = []
    for group_id in negative:
        others = [
            o
            for o in ctx.others
            if group_id in o.negative_groups
            and 0 <= (ctx.today - o.approved_on).days <= ctx.cumulative_window_days
        ]
        if len(others) < ctx.cumulative_min_others:
            continue
        group = _group_name(ctx, group_id)
        # The most recent first; a long list is cut, the count says how many there are.
        recent = sorted(others, key=lambda o: (o.approved_on, o.id), reverse=True)
        cases = ", ".join(o.case_number for o in recent[:CASES_LISTED])
        if len(recent) > CASES_LISTED:
            message = _l(
                "%(group)s are affected negatively here and in %(n)d other approved "
                "decisions of the last %(days)d days, most recently %(cases)s.",
                group=group,
                n=len(others),
                days=ctx.cumulative_window_days,
                cases=cases,
            )
        else:
            message = _l(
                "%(group)s are affected negatively here and in %(n)d other approved "
                "decisions of the last %(days)d days: %(cases)s.",
                group=group,
                n=len(others),
                days=ctx.cumulative_window_days,
                cases=cases,
            )
        flags.append(
            Flag(
                "cumulative_burden",
                "medium",
                message,
                _l(
                    "Consider the combined effect on this group and "
                    "say in the comparison how it is "
                    "taken into account."
                ),
                group=group_id,
                alternative=alt.id,
            )
        )
    return flags


@rule("late_assessment")
def late_assessment(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    if ctx.submitted_on is None or ctx.meeting_date is None:
        return []
    days = (ctx.meeting_date - ctx.submitted_on).days
    if days >= ctx.late_days:
        return []
    return [
        Flag(
            "late_assessment",
            "medium",
            _l(
                "Submitted for review %(days)d days before the "
                "meeting; at least %(min)d are needed "
                "for the assessment to shape the proposal.",
                days=days,
                min=ctx.late_days,
            ),
            _l(
                "Start assessments earlier; for this one, tell the reviewer what could not be done "
                "in time."
            ),
        )
    ]


LEVEL_LABELS = {
    "none": _l("no assessment"),
    "light": _l("light assessment"),
    "full": _l("full assessment"),
}


@rule("screening_override")
def screening_override(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    screening = data.screening
    level = screening.level
    recommended_ = recommended_level(ctx.form, screening.answers)
    if level is None or not is_below(level, recommended_):
        return []
    return [
        Flag(
            "screening_override",
            "medium",
            _l(
                "The chosen level (%(level)s) is lower than the screening recommends "
                "(%(recommended)s).",
                level=LEVEL_LABELS[level],
                recommended=LEVEL_LABELS[recommended_],
            ),
            _l("Check the reason given for the lower level."),
            field="screening.level",
        )
    ]


@rule("unsupported_no_impact")
def unsupported_no_impact(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    screening = data.screening
    yes = [q for q, v in screening.answers.items() if v in ("yes", "unknown")]
    if not yes:
        return []
    level = screening.level
    if level == "none":
        if (screening.level_reason or "").strip() or screening.exempt_category:
            return []
        message = _l(
            "No assessment, although the screening answered yes to %(n)d question(s), "
            "and no reason is given.",
            n=len(yes),
        )
    else:
        cells = _cells(data, recommended(data))
        if not cells or any(c.direction != "neutral" for c in cells):
            return []
        if any(c.rationale.strip() or c.evidence.strip() for c in cells):
            return []
        message = _l(
            "Every effect is neutral, although the screening answered yes to %(n)d "
            "question(s), and no rationale or evidence is given.",
            n=len(yes),
        )
    return [
        Flag(
            "unsupported_no_impact",
            "high",
            message,
            _l("Give the reason and the evidence for “no impact”."),
            field="screening",
        )
    ]


def compute(data: Data, ctx: FlagContext) -> list[Flag]:
    """Every flag of every rule, sorted by severity, then rule and subject."""
    data = AssessmentData.load(data)
    bases: dict[str, Any] = {}
    flags = []
    token = _CELLS.set({})
    try:
        for fn in RULES.values():
            for f in fn(data, ctx):
                if f.basis is None:
                    if f.rule not in bases:
                        bases[f.rule] = basis_of(ctx.form, f.rule, ctx.org.kind)
                    f = replace(f, basis=bases[f.rule])
                flags.append(f)
    finally:
        _CELLS.reset(token)
    return sorted(flags, key=lambda f: (SEVERITIES.index(f.severity), f.rule, f.key))


# The rule modules of issue 18, imported last: each registers its rules with @rule above.
from . import (  # noqa: E402
    rules_economy,  # noqa: F401  (issue 18: economy)
    rules_hearings,  # noqa: F401  (issue 18: hearings)
    rules_plan,  # noqa: F401  (issue 18: plan)
    rules_scope,  # noqa: F401  (issue 18: scope)
    rules_translations,  # noqa: F401  (issue 19: bilingual)
)
