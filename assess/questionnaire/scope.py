"""The screening and the scope checked against each other (issue 18, holes 2 and 3).

A screening question declares the groups its "yes" or "don't know" implies
(``implies_groups`` in the form); each must be in the scope, or the preparer records why
not (``AssessmentData.scope_exclusions``). Impact cells belong to the scope: a cell of a
group or dimension outside it is refused, and narrowing the scope removes the cells it
leaves out only when the preparer confirms it. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..assessment_data import AssessmentData, ImpactCell
from ..definitions import localized
from ..translation import joined
from ..translation import lazy_text as _l
from .definition import FormDefinition
from .organisation import LANGUAGE_GROUPS, OrgSettings, groups

IMPLYING_ANSWERS = ("yes", "unknown")
EXCLUSION_MAX = 1000


def implied_groups(
    form: FormDefinition, org: OrgSettings, screening_answers: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The groups the screening answers imply -> the screening questions implying each,
    in the form's order of groups.

    A group the organisation does not use cannot be in its scope, so it is not implied.
    Of the national-language groups only the minority-language one of a bilingual
    organisation is: the majority's services are not what the language act protects.
    """
    used = {g.id for g in groups(form, org)}
    minority = LANGUAGE_GROUPS.get(org.minority_language) if org.bilingual else None
    found: dict[str, list[str]] = {}
    for q in form.screening.questions:
        if screening_answers.get(q.id) not in IMPLYING_ANSWERS:
            continue
        for gid in q.implies_groups:
            if gid not in used:
                continue
            if gid in LANGUAGE_GROUPS.values() and gid != minority:
                continue
            found.setdefault(gid, []).append(q.id)
    order = {g.id: i for i, g in enumerate(form.groups)}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def left_out(form: FormDefinition, org: OrgSettings, data: AssessmentData) -> dict[str, list[str]]:
    """The implied groups not in the scope -> the screening questions implying them."""
    in_scope = set(data.groups_in_scope)
    return {
        gid: questions
        for gid, questions in implied_groups(form, org, data.screening.answers).items()
        if gid not in in_scope
    }


def unexplained(
    form: FormDefinition, org: OrgSettings, data: AssessmentData
) -> dict[str, list[str]]:
    """The implied groups left out of the scope with no reason recorded."""
    reasons = data.scope_exclusions
    return {
        gid: questions
        for gid, questions in left_out(form, org, data).items()
        if not (reasons.get(gid) or "").strip()
    }


def clean_exclusions(form: FormDefinition, value: Any) -> tuple[dict[str, str], dict[str, list]]:
    """``scope_exclusions`` as sent: group id -> the reason for leaving it out ("" when
    the reason is cleared: ``merged_exclusions`` then drops it).

    Unknown groups and reasons that are not text are refused by their path.
    """
    errors: dict[str, list] = {}
    if not isinstance(value, Mapping):
        return {}, {"scope_exclusions": [_l("Give the reasons as an object: group id -> text.")]}
    known = {g.id for g in form.groups}
    clean = {}
    for gid, reason in value.items():
        path = f"scope_exclusions.{gid}"
        if gid not in known:
            errors.setdefault(path, []).append(
                _l(
                    "Unknown group %(id)r; expected one of: %(allowed)s.",
                    id=gid,
                    allowed=", ".join(g.id for g in form.groups),
                )
            )
        elif reason is not None and not isinstance(reason, str):
            errors.setdefault(path, []).append(_l("Expected text."))
        elif reason and len(reason) > EXCLUSION_MAX:
            errors.setdefault(path, []).append(
                _l(
                    "At most %(max)d characters are allowed; this has %(n)d.",
                    max=EXCLUSION_MAX,
                    n=len(reason),
                )
            )
        else:
            clean[gid] = (reason or "").strip()
    return clean, errors


def merged_exclusions(
    stored: Mapping[str, str], given: Mapping[str, str], groups_in_scope: Iterable[str]
) -> dict[str, str]:
    """The reasons after a save: ``given`` merges into ``stored`` by group, an empty
    reason drops its group, and a group back in the scope needs no reason any more."""
    merged = {**stored, **given}
    in_scope = set(groups_in_scope)
    return {gid: text for gid, text in merged.items() if text and gid not in in_scope}


def removed_by(
    data: AssessmentData, groups_in_scope: Iterable[str], dimensions_in_scope: Iterable[str]
) -> list[ImpactCell]:
    """The stored cells a new scope would leave out: in the scope as stored, outside the
    new one (cells that were already outside are no one's change now, and stay)."""
    before = {c.key for c in outside(data.impacts, data.groups_in_scope, data.dimensions_in_scope)}
    return [
        c
        for c in outside(data.impacts, groups_in_scope, dimensions_in_scope)
        if c.key not in before
    ]


def outside(
    cells: Iterable[ImpactCell], groups_in_scope: Iterable[str], dimensions_in_scope: Iterable[str]
) -> list[ImpactCell]:
    """The cells whose group or dimension is not in the scope given."""
    g, d = set(groups_in_scope), set(dimensions_in_scope)
    return [c for c in cells if c.group not in g or c.dimension not in d]


def cell_outside_problem(
    form: FormDefinition, group: str, dimension: str, groups_in_scope, dimensions_in_scope
):
    """Why a cell cannot be saved under the scope given (None: it can). Names the group
    and the dimension by their labels in the reader's language, with their ids beside."""
    g, d = form.group(group), form.dimension(dimension)
    names = {
        "group": localized(g.labels) if g else group,
        "group_id": group,
        "dimension": localized(d.labels) if d else dimension,
        "dimension_id": dimension,
    }
    group_out = group not in set(groups_in_scope)
    dimension_out = dimension not in set(dimensions_in_scope)
    if group_out and dimension_out:
        return _l(
            "Neither the group %(group)s (%(group_id)s) nor the dimension %(dimension)s "
            "(%(dimension_id)s) is in the scope of this assessment. Add them to the scope "
            "first (section Scoping), or leave this effect out.",
            **names,
        )
    if group_out:
        return _l(
            "The group %(group)s (%(group_id)s) is not in the scope of this assessment, so "
            "its effect in %(dimension)s (%(dimension_id)s) cannot be recorded. Add the group "
            "to the scope first (section Scoping), or leave this effect out.",
            **names,
        )
    if dimension_out:
        return _l(
            "The dimension %(dimension)s (%(dimension_id)s) is not in the scope of this "
            "assessment, so the effect on %(group)s (%(group_id)s) in it cannot be recorded. "
            "Add the dimension to the scope first (section Scoping), or leave this effect out.",
            **names,
        )
    return None


def removal_refused(form: FormDefinition, cells: list[ImpactCell], alternative_names):
    """The message refusing a scope that would remove ``cells`` unconfirmed."""
    return _l(
        "This scope leaves out %(n)d recorded effect(s): %(cells)s. Remove them first, or "
        "confirm their removal (confirm_remove_cells).",
        n=len(cells),
        cells=joined(cell_names(form, cells, alternative_names), "; "),
    )


def cell_names(form: FormDefinition, cells: Iterable[ImpactCell], alternative_names):
    """A cell named for a person: "alternative: group / dimension" (labels, ids beside)."""
    out = []
    for c in cells:
        g, d = form.group(c.group), form.dimension(c.dimension)
        out.append(
            _l(
                "%(alternative)s: %(group)s / %(dimension)s (%(ids)s)",
                alternative=alternative_names.get(c.alternative, c.alternative),
                group=localized(g.labels) if g else c.group,
                dimension=localized(d.labels) if d else c.dimension,
                ids=f"{c.alternative}:{c.group}:{c.dimension}",
            )
        )
    return out


def on_save(
    form: FormDefinition,
    data: AssessmentData,
    answers: Mapping[str, Any],
    payload: Mapping[str, Any],
) -> tuple[dict[str, str] | None, set[tuple[str, str, str]], dict[str, list]]:
    """What saving ``answers`` (the whole answers after the save) does to the scope's
    dependants, given the ``payload`` sent: the reasons for leaving groups out to store
    (None: unchanged), the keys of the cells the narrowed scope removes, and the errors.

    A narrowed scope that leaves out recorded cells is refused unless the payload says
    ``confirm_remove_cells: true``; a payload that replaces the cells itself
    (``impacts``) has each of its cells checked against the scope instead.
    """
    errors: dict[str, list] = {}
    given: dict[str, str] = {}
    if "scope_exclusions" in payload:
        given, errors = clean_exclusions(form, payload["scope_exclusions"])
    groups_now = list(answers.get("groups_in_scope") or [])
    dims_now = list(answers.get("dimensions_in_scope") or [])
    changed = groups_now != data.groups_in_scope or dims_now != data.dimensions_in_scope
    exclusions = None
    if "scope_exclusions" in payload or changed:
        merged = merged_exclusions(data.scope_exclusions, given, groups_now)
        if merged != data.scope_exclusions:
            exclusions = merged
    removed: set[tuple[str, str, str]] = set()
    if changed and "impacts" not in payload:
        cells = removed_by(data, groups_now, dims_now)
        if cells and payload.get("confirm_remove_cells") is True:
            removed = {c.key for c in cells}
        elif cells:
            path = (
                "answers.groups_in_scope"
                if any(c.group not in groups_now for c in cells)
                else "answers.dimensions_in_scope"
            )
            names = {a.id: a.label or a.id for a in data.alternatives}
            errors.setdefault(path, []).append(removal_refused(form, cells, names))
    return exclusions, removed, errors
