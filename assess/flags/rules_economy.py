"""The economic view's rule (issue 18): an alternative a full assessment weighs has a cost
estimate, or says why it has none."""

from __future__ import annotations

from ..assessment_data import AssessmentData
from ..questionnaire.costs import has_estimate
from ..translation import lazy_text as _l
from .rules import Flag, FlagContext, rule


@rule("no_cost_estimate")
def no_cost_estimate(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    # The zero option is the baseline: its costs are those of today, which the others'
    # costs and savings are counted against. A light assessment has no alternatives page.
    if data.level != "full":
        return []
    return [
        Flag(
            "no_cost_estimate",
            "medium",
            _l(
                "%(alternative)s has no cost estimate: no cost or saving is recorded, and no "
                "note says why.",
                alternative=alt.label or alt.id,
            ),
            _l(
                "On the alternatives page, add its one-off and yearly costs and savings (who "
                "bears them, over how many years), or write in the cost note why there are "
                "none or why they cannot be estimated yet."
            ),
            alternative=alt.id,
            field="alternatives",
        )
        for alt in data.alternatives
        if not alt.zero_option and not has_estimate(alt)
    ]
