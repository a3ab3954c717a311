"""The fixed texts of the board's assessment document (issue 19, RENDERER_VERSION 3): the
comparison page, the points weighed in the review, the appendix and the language marks.

Kept apart from ``texts.py`` so that the parts of issue 19 do not all edit one table; they
are pinned word for word like those (tests/unit/test_board_document_texts.py), and their
wording changes only with a new ``RENDERER_VERSION``.
"""

from __future__ import annotations

from ..translation import pgettext, pgettext_noop

TEXTS: dict[str, str] = {
    # The mark after a free text printed in its original language (not translated).
    "in_fi": pgettext_noop("document", "(in Finnish)"),
    "in_sv": pgettext_noop("document", "(in Swedish)"),
    "comparison": pgettext_noop("document", "Comparison of the alternatives"),
    # A light assessment has one alternative, the proposal: its key effects on the page.
    "proposal_effects": pgettext_noop("document", "Key effects of the proposal"),
    "comparison_intro": pgettext_noop(
        "document",
        "The effects of each alternative side by side, the zero option first as the "
        "baseline: the population groups and dimensions where any alternative has an effect "
        "other than neutral. The costs and savings are in euros.",
    ),
    "dimension": pgettext_noop("document", "Dimension"),
    "no_significant": pgettext_noop(
        "document", "No alternative has an effect other than neutral on any group."
    ),
    "costs_row": pgettext_noop("document", "Costs and savings"),
    "net_over_horizon": pgettext_noop("document", "Net over the horizon"),
    "baseline_mark": pgettext_noop("document", "zero option, the baseline"),
    "preparers_comparison": pgettext_noop("document", "The preparer's comparison"),
    "mitigation_follow_up": pgettext_noop("document", "Mitigation and follow-up"),
    "follows": pgettext_noop("document", "Effects it follows"),
    "review_points": pgettext_noop("document", "Points weighed in the review"),
    "review_points_intro": pgettext_noop(
        "document",
        "Points the reviewer weighed before approving the assessment, with the reasoning.",
    ),
    "reasoning": pgettext_noop("document", "Reviewer's reasoning (%(name)s, %(date)s)"),
    "concerns": pgettext_noop("document", "Concerns"),
    "appendix": pgettext_noop("document", "Appendix: the assessment in detail"),
    "effects_in_detail": pgettext_noop("document", "Effects in detail"),
    "no_effect_on": pgettext_noop("document", "No significant effect on: %(names)s."),
    "not_assessed_on": pgettext_noop("document", "Not assessed: %(names)s."),
    # The neutral name of what a high flag was about, by rule; "point" for the others.
    "point": pgettext_noop("document", "A point of the assessment"),
    "point_serious_negative_effect": pgettext_noop("document", "A significant negative effect"),
    "point_missing_mitigation": pgettext_noop("document", "Mitigation of a negative effect"),
    "point_consultation_required": pgettext_noop("document", "Hearing of a council"),
    "point_late_statement": pgettext_noop("document", "Timing of a hearing"),
    "point_unsupported_no_impact": pgettext_noop("document", "Evidence for no effect"),
    "point_implied_group_out_of_scope": pgettext_noop(
        "document", "A population group left out of the scope"
    ),
    "point_unequal_distribution": pgettext_noop("document", "Distribution of the effects"),
    "point_no_follow_up": pgettext_noop("document", "Follow-up of the effects"),
    "point_unknown_without_plan": pgettext_noop("document", "Effects not yet known"),
    "point_late_assessment": pgettext_noop("document", "Timing of the assessment"),
    "point_screening_override": pgettext_noop("document", "The level chosen for the assessment"),
    "point_translation_missing": pgettext_noop("document", "Texts in the other national language"),
}


def text(key: str, language: str, **params) -> str:
    return pgettext(language, "document", TEXTS[key], **params)
