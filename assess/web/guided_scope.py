"""The scope page's part of issue 18: the reason beside each group the screening implies
but the scope leaves out, and the warning before a narrowed scope removes recorded effects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from ..assessment_data import ImpactCell
from ..i18n import request_language
from ..operations import answers as answer_ops
from ..questionnaire import scope

CONFIRM = "confirm_remove_cells"
FIELD = "exclusion-"


@dataclass(frozen=True)
class LeftOut:
    """An implied group outside the scope, as the page asks for its reason."""

    group: str
    label: str
    questions: list[str]  # the screening questions that imply it, in the reader's language
    reason: str

    @property
    def field(self) -> str:
        return f"{FIELD}{self.group}"


def is_scope_section(section) -> bool:
    return any(q.id in ("groups_in_scope", "dimensions_in_scope") for q in section.questions)


def left_out(a, form, section) -> list[LeftOut]:
    """The rows of reasons the page shows (what was sent, after a refused save)."""
    if not is_scope_section(section):
        return []
    data, language = a.content, request_language()
    rows = []
    for gid, questions in scope.left_out(form, answer_ops.org_settings(a), data).items():
        group = form.group(gid)
        asked = {q.id: q for q in form.screening.questions}
        given = request.form.get(f"{FIELD}{gid}") if request.method == "POST" else None
        rows.append(
            LeftOut(
                group=gid,
                label=group.labels.get(language) if group else gid,
                questions=[asked[q].labels.get(language) for q in questions if q in asked],
                reason=given if given is not None else data.scope_exclusions.get(gid, ""),
            )
        )
    return rows


def before_save(a, form, section, body: dict[str, Any]) -> tuple[dict[str, Any], list]:
    """The payload of a scope save with the reasons and the confirmation added, and the
    effects the new scope would remove that are not yet confirmed (then the page asks)."""
    if not is_scope_section(section):
        return body, []
    sent = {k.removeprefix(FIELD): v for k, v in request.form.items() if k.startswith(FIELD)}
    body = {**body, "scope_exclusions": sent, CONFIRM: request.form.get(CONFIRM) == "1"}
    if body[CONFIRM]:
        return body, []
    data = a.content
    answers = {**data.answers, **(body.get("answers") or {})}
    cells = scope.removed_by(
        data,
        answers.get("groups_in_scope") or [],
        answers.get("dimensions_in_scope") or [],
    )
    return body, cells


def removal_rows(a, form, cells: list[ImpactCell]) -> list[dict[str, str]]:
    """The effects to be removed, named for the warning page."""
    language = request_language()
    names = {alt.id: alt.label or alt.id for alt in a.content.alternatives}
    rows = []
    for c in cells:
        g, d = form.group(c.group), form.dimension(c.dimension)
        rows.append(
            {
                "alternative": names.get(c.alternative, c.alternative),
                "group": g.labels.get(language) if g else c.group,
                "dimension": d.labels.get(language) if d else c.dimension,
                "direction": (
                    v.labels.get(language)
                    if c.direction and (v := form.scale_value("direction", c.direction))
                    else ""
                ),
            }
        )
    return rows


def resent_fields() -> list[tuple[str, str]]:
    """What the page sent, to send again with the confirmation (not its CSRF token)."""
    return [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", CONFIRM)
        for value in values
    ]
