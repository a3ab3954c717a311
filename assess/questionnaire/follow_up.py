"""The follow-up of a decided assessment: what it must record before it may close.

After the decision, the preparer or the reviewer records what the indicators showed
(``Indicator.observations``) and, for every negative or unknown effect of the recommended
alternative, what actually happened and the lesson (``AssessmentData.ex_post``). The
councils and others that were heard get a summary of it (``documents.follow_up``): they
have a say in the follow-up too (Local Government Act 26-28 §; the wellbeing services
counties' act 32-33 §). Pure: the operations tell which summaries exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..assessment_data import AssessmentData, Hearing, ImpactCell
from ..definitions import localized
from ..translation import joined
from ..translation import lazy_text as _l
from .completeness import alternatives
from .definition import FormDefinition

OUTCOMES = ("as_expected", "better", "worse", "not_known")
OUTCOME_LABELS = {
    "as_expected": _l("as expected"),
    "better": _l("better than expected"),
    "worse": _l("worse than expected"),
    "not_known": _l("not known"),
}
# A lesson of fewer words is no lesson ("ok", "-"): the same bar as a mitigation's.
LESSON_MIN_WORDS = 3


def followed_effects(data: AssessmentData) -> list[ImpactCell]:
    """The negative or unknown effects of the recommended alternative, in the scope: those
    the follow-up must say something about."""
    alts = alternatives(data)
    chosen = next((a for a in alts if a.recommended), None) or next(
        (a for a in alts if not a.zero_option), alts[0]
    )
    groups, dims = set(data.groups_in_scope), set(data.dimensions_in_scope)
    return [
        c
        for c in data.impacts
        if c.alternative == chosen.id
        and c.group in groups
        and c.dimension in dims
        and c.direction in ("negative", "unknown")
    ]


def heard(hearing: Hearing) -> bool:
    """Actually heard: a statement, an answer or a file, not only a reason why not."""
    if hearing.not_heard_code:
        return False
    return bool(hearing.statement.strip() or hearing.answered_on or hearing.attachment)


def heard_councils(data: AssessmentData) -> list[str]:
    """The ids of the councils (and others) heard, each once, in the order recorded."""
    out: list[str] = []
    for h in data.hearings:
        if h.council and heard(h) and h.council not in out:
            out.append(h.council)
    return out


def follow_up_of(data: AssessmentData | Mapping[str, Any]) -> dict[str, Any]:
    """What a summary reports: the observations and the outcomes, as stored. A summary
    whose frozen follow-up differs from the current one is out of date."""
    data = AssessmentData.load(data)
    return {
        "observations": {i.id: [o.dump() for o in i.observations] for i in data.indicators},
        "ex_post": [e.dump() for e in data.ex_post],
    }


def missing(
    form: FormDefinition,
    data: AssessmentData,
    summaries: Mapping[str, Mapping[str, Any]],
) -> list:
    """Why the follow-up may not close yet (empty: it may).

    ``summaries``: council id -> the follow-up (``follow_up_of``) its newest summary reports.
    """
    reasons: list = []
    unobserved = [i.name or i.id for i in data.indicators if not i.observations]
    if unobserved:
        reasons.append(
            _l(
                "Record an observed value and its date for each indicator: %(names)s.",
                names=joined(unobserved),
            )
        )
    outcomes = {(e.group, e.dimension): e for e in data.ex_post}
    open_effects = []
    for cell in followed_effects(data):
        found = outcomes.get((cell.group, cell.dimension))
        if found is None or found.outcome not in OUTCOMES or not _has_lesson(found.lesson):
            open_effects.append(_effect_name(form, cell.group, cell.dimension))
    if open_effects:
        reasons.append(
            _l(
                "Say what actually happened and the lesson (at least %(n)d words) for each "
                "negative or unknown effect: %(effects)s.",
                n=LESSON_MIN_WORDS,
                effects=joined(open_effects, "; "),
            )
        )
    current = follow_up_of(data)
    no_summary, outdated = [], []
    for council in heard_councils(data):
        name = _council_name(form, council)
        if council not in summaries:
            no_summary.append(name)
        elif dict(summaries[council]) != current:
            outdated.append(name)
    if no_summary:
        reasons.append(
            _l(
                "Make the follow-up summary for those heard: %(councils)s.",
                councils=joined(no_summary),
            )
        )
    if outdated:
        reasons.append(
            _l(
                "The follow-up changed after the summary was made; make it again for: "
                "%(councils)s.",
                councils=joined(outdated),
            )
        )
    return reasons


def _has_lesson(text: str) -> bool:
    return len([w for w in text.split() if any(ch.isalnum() for ch in w)]) >= LESSON_MIN_WORDS


def _effect_name(form: FormDefinition, group_id: str, dimension_id: str):
    group, dimension = form.group(group_id), form.dimension(dimension_id)
    return _l(
        "%(group)s: %(dimension)s",
        group=localized(group.labels) if group else group_id,
        dimension=localized(dimension.labels) if dimension else dimension_id,
    )


def _council_name(form: FormDefinition, council_id: str):
    council = form.council(council_id)
    return localized(council.labels) if council else council_id
