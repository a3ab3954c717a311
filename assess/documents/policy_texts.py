"""The fixed texts of the policy document: English msgids, translated under the context
``policy`` (apart from the interface's and the assessment document's, so that an edit of
either never changes the wording a board approved).

The acts cited are the content's (``legal_bases`` in forms/*.yaml, by the organisation's
type, from ``legal-bases.md`` only): the duty to assess and the audit committee's
evaluation report; where the content cites none for a type, neither does the document. The
screening is "arviointitarpeen tunnistaminen", never "tarveharkinta" (which
in statutes means means-testing).
"""

from __future__ import annotations

from ..translation import pgettext, pgettext_noop

CONTEXT = "policy"

TEXTS: dict[str, str] = {
    "title": pgettext_noop("policy", "Model for the ex-ante impact assessment of decisions"),
    "draft": pgettext_noop("policy", "DRAFT"),
    "draft_note": pgettext_noop(
        "policy",
        "Draft: this policy has not been published and does not apply to any decision yet.",
    ),
    "organisation": pgettext_noop("policy", "Organisation"),
    "organisation_kind": pgettext_noop("policy", "Type of organisation"),
    "kind_municipality": pgettext_noop("policy", "municipality"),
    "kind_wellbeing_county": pgettext_noop("policy", "wellbeing services county"),
    "kind_joint_authority": pgettext_noop("policy", "joint municipal authority"),
    "kind_helsinki": pgettext_noop("policy", "City of Helsinki"),
    "version": pgettext_noop("policy", "Version"),
    "starts_on": pgettext_noop("policy", "In force from"),
    "not_set": pgettext_noop("policy", "set when the policy is published"),
    "status": pgettext_noop("policy", "Status"),
    "status_draft": pgettext_noop("policy", "draft"),
    "status_published": pgettext_noop("policy", "published"),
    "document_id": pgettext_noop("policy", "Document id"),
    "page": pgettext_noop("policy", "Page"),
    # --- purpose and legal basis ---
    "purpose": pgettext_noop("policy", "Purpose and legal basis"),
    "purpose_text": pgettext_noop(
        "policy",
        "This model says which decisions of the organisation are assessed in advance for "
        "their effects on the wellbeing and health of population groups, at which level, "
        "and by which process. It applies to the decisions prepared from its start date; "
        "an assessment keeps the version of the model it started under.",
    ),
    "basis": pgettext_noop(
        "policy",
        "The duty to take into account in decision-making the assessed effects of decisions "
        "on people's wellbeing and health by population group: %(basis)s.",
    ),
    "basis_none": pgettext_noop(
        "policy",
        "The model is the organisation's own decision on how it assesses the effects of its "
        "decisions in advance.",
    ),
    # --- the rules ---
    "rules": pgettext_noop("policy", "Which decisions are assessed, and how broadly"),
    "rules_intro": pgettext_noop(
        "policy",
        "Each decision is given a decision type when it is prepared. The rule of its type "
        "sets the least level of the assessment; the screening questions may still "
        "recommend a broader one. A rule for a deciding body takes precedence over the rule "
        "of the type.",
    ),
    "decision_type": pgettext_noop("policy", "Decision type"),
    "deciding_body": pgettext_noop("policy", "Deciding body"),
    "rule": pgettext_noop("policy", "Rule"),
    "details": pgettext_noop("policy", "Details"),
    "all_bodies": pgettext_noop("policy", "all"),
    "other_decisions": pgettext_noop(
        "policy", "Other decisions (no type, or no rule of their own)"
    ),
    "rule_full": pgettext_noop("policy", "full assessment"),
    "rule_light": pgettext_noop("policy", "at least a light assessment"),
    "rule_screen": pgettext_noop("policy", "the screening decides"),
    "rule_exempt": pgettext_noop("policy", "not assessed (exempt)"),
    "default_rule": pgettext_noop("policy", "the rule for other decisions"),
    "threshold": pgettext_noop("policy", "from %(amount)s euros at least a light assessment"),
    "exempt_as": pgettext_noop("policy", "exempt category: %(category)s"),
    "process_override": pgettext_noop("policy", "process for the %(level)s: %(process)s"),
    "review_override": pgettext_noop("policy", "reviewed by: %(who)s"),
    "days_override": pgettext_noop(
        "policy", "submitted for review %(days)d days before the meeting"
    ),
    "level_screening": pgettext_noop("policy", "screening"),
    "level_light": pgettext_noop("policy", "light assessment"),
    "level_full": pgettext_noop("policy", "full assessment"),
    # --- exemptions ---
    "exemptions": pgettext_noop("policy", "Decisions that are not assessed"),
    "exempt_types": pgettext_noop(
        "policy",
        "Decisions of these types are proposed as not needing an assessment, with the "
        "exempt category filled in; a reviewer other than the preparer confirms it:",
    ),
    "no_exempt_types": pgettext_noop("policy", "No decision type is exempt as such."),
    "exempt_categories": pgettext_noop(
        "policy",
        "In the screening, the preparer may also propose that a decision of one of these "
        "categories needs no assessment; a reviewer other than the preparer confirms it:",
    ),
    # --- screening ---
    "screening": pgettext_noop("policy", "Identifying the need for an assessment (screening)"),
    "screening_intro": pgettext_noop(
        "policy",
        'Unless the decision is exempt, the preparer answers these questions. Any "yes" '
        'or "don\'t know" recommends an assessment; more than %(n)d of them recommend a '
        "full assessment. Choosing a lower level than recommended needs a written reason, "
        "which the reviewer sees.",
    ),
    "question": pgettext_noop("policy", "Question"),
    "yes_recommends": pgettext_noop("policy", 'A "yes" recommends'),
    "own_question": pgettext_noop("policy", "the organisation's own question"),
    "investment_threshold": pgettext_noop(
        "policy", "Procurements and investments count as large from %(amount)s euros."
    ),
    "questions_off": pgettext_noop(
        "policy",
        "Questions of the shared questionnaire that this organisation does not use: %(n)d.",
    ),
    # --- processes ---
    "processes": pgettext_noop("policy", "The assessment processes"),
    "processes_intro": pgettext_noop(
        "policy",
        "Every assessment starts in the screening process; after the screening it "
        "continues in the process named for the level chosen.",
    ),
    "used_for": pgettext_noop("policy", "Used for"),
    "step": pgettext_noop("policy", "No."),
    "state": pgettext_noop("policy", "Stage"),
    "who_acts": pgettext_noop("policy", "Who acts"),
    "moves_on": pgettext_noop("policy", "What moves it on"),
    "end": pgettext_noop("policy", "The process ends here."),
    "goes_to": pgettext_noop("policy", "%(action)s → %(state)s"),
    "any_time": pgettext_noop(
        "policy",
        "At any stage before the end, this step is also possible (%(who)s): "
        "%(action)s → %(state)s.",
    ),
    "with_comment": pgettext_noop("policy", "with a written reason"),
    "guard_four_eyes": pgettext_noop("policy", "by someone other than the preparer"),
    "guard_no_unresolved_high_flags": pgettext_noop("policy", "no unhandled serious flags"),
    "guard_sections_complete": pgettext_noop("policy", "every required part answered"),
    "guard_screen_out_justified": pgettext_noop("policy", "the reason written"),
    "guard_screening_complete": pgettext_noop("policy", "every screening question answered"),
    "guard_level_assessed": pgettext_noop("policy", "the level chosen"),
    "guard_follow_up_complete": pgettext_noop(
        "policy", "the follow-up recorded and reported to those heard"
    ),
    # --- review and time limits ---
    "review": pgettext_noop("policy", "Who reviews"),
    "review_text": pgettext_noop(
        "policy",
        "Assessments are reviewed and approved by a person with the role %(role)s, never by "
        "the person who prepared the assessment.",
    ),
    "review_body": pgettext_noop(
        "policy", "Reviewers are limited to the body or division: %(body)s."
    ),
    "time_limits": pgettext_noop("policy", "Time limits"),
    "time_limit_text": pgettext_noop(
        "policy",
        "An assessment is submitted for review at least %(days)d days before the meeting "
        "where the decision is made; an assessment submitted later is marked as late.",
    ),
    "overrides_noted": pgettext_noop(
        "policy", "Exceptions for particular decision types are in the table of rules above."
    ),
    # --- reporting ---
    "reporting": pgettext_noop("policy", "What is reported every year"),
    "reporting_default": pgettext_noop(
        "policy",
        "Every year the assessments made are counted by decision type, deciding body and "
        "level, and the count is reported to the body that steers this model.",
    ),
    "audit": pgettext_noop(
        "policy",
        "The figures are given to the audit committee for its yearly evaluation report "
        "(%(basis)s).",
    ),
    "audit_none": pgettext_noop(
        "policy", "The figures are given to the audit committee for its yearly evaluation report."
    ),
    # --- roles (the document's own words, not the interface's) ---
    "role_preparer": pgettext_noop("policy", "preparer"),
    "role_reviewer": pgettext_noop("policy", "reviewer"),
    "role_secretary": pgettext_noop("policy", "board secretary"),
    "role_auditor": pgettext_noop("policy", "auditor"),
    "role_admin": pgettext_noop("policy", "administrator"),
    "dropped": pgettext_noop(
        "policy",
        "%(n)d characters that a Word document cannot hold (control characters) were left "
        "out of the document.",
    ),
}


def text(key: str, language: str, **params) -> str:
    """The policy document's text ``key`` in ``language``, with its parameters."""
    return pgettext(language, CONTEXT, TEXTS[key], **params)
