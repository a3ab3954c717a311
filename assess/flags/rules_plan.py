"""The wellbeing plan's rule (issue 18, [plan]): an assessment of an organisation that has a
wellbeing plan in force says how the decision bears on the plan's objectives."""

from __future__ import annotations

from ..assessment_data import AssessmentData
from ..translation import lazy_text as _l
from .rules import Flag, FlagContext, rule


@rule("plan_not_considered")
def plan_not_considered(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    # Only an assessment that is made (light or full) has a place to link the plan; a link
    # to an objective since retired does not show the plan in force was considered.
    if not ctx.plan_objectives or data.level not in ("light", "full"):
        return []
    in_force = set(ctx.plan_objectives)
    if any(link.objective in in_force for link in data.plan_links):
        return []
    return [
        Flag(
            "plan_not_considered",
            "medium" if data.level == "full" else "low",
            _l(
                "The assessment does not say how the decision bears on the objectives of "
                "the organisation's wellbeing plan (%(n)d objectives in force).",
                n=len(in_force),
            ),
            _l(
                "On the wellbeing plan page, link the decision to the objectives it helps "
                "or harms, or mark an objective neutral if the decision does not bear on it."
            ),
            field="plan_links",
        )
    ]
