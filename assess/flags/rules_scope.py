"""The screening checked against the scope (issue 18, hole 2): a group the screening says
is affected must be in the scope, or the preparer says why it is left out."""

from __future__ import annotations

from ..assessment_data import AssessmentData
from ..questionnaire.scope import unexplained
from ..translation import lazy_text as _l
from .rules import Flag, FlagContext, _group_name, rule


@rule("implied_group_out_of_scope")
def implied_group_out_of_scope(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    # Without an assessment (level none, or not chosen yet) there is no scope to check.
    if data.level not in ("light", "full"):
        return []
    return [
        Flag(
            "implied_group_out_of_scope",
            "high",
            _l(
                "The screening says the decision may affect %(group)s, but the group is not "
                "in the scope of the assessment and no reason for leaving it out is recorded: "
                "its effects would never be assessed, nor its council heard.",
                group=_group_name(ctx, group_id),
            ),
            _l(
                "Add %(group)s to the groups in scope (section Scoping), or record there why "
                "the group is left out.",
                group=_group_name(ctx, group_id),
            ),
            group=group_id,
            field="scope",
        )
        for group_id in unexplained(ctx.form, ctx.org, data)
    ]
