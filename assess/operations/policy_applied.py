"""The organisation's assessment policy applied to one decision and its assessment (issue 17).

What the rule recorded on an assessment means for it: the minimum level, the process for
each level, the time limit, and the explanation people read. The use cases (creating an
assessment, saving the screening, firing the step that fixes the level, changing the
decision) build on these; which version is in force is ``policies.policy_in_force``'s.

Below the context (which asks it what blocks leaving preparation), so it reads the loaded
definitions from the application itself.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from ..assessment_data import AssessmentData
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Body, Decision, PolicyVersion, ReviewerBody
from ..policy import Applied, Policy, apply, explanation
from ..questionnaire import Forms
from ..questionnaire.screening import is_below
from ..workflow import WorkflowDefinition, Workflows
from .errors import Conflict

DEFAULT_FORM_KEY = "iva"  # as assessments.DEFAULT_FORM_KEY: the questionnaire of new ones
LEVEL_LABELS = {
    "none": _l("no assessment"),
    "light": _l("light assessment"),
    "full": _l("full assessment"),
}


def apply_to(decision: Decision, version: PolicyVersion | None) -> Applied:
    """The rule ``version`` (None: the built-in default) gives ``decision`` as it is now."""
    policy = Policy.load(version.data) if version is not None else None
    return apply(
        policy,
        decision_type=decision.decision_type.key if decision.decision_type else None,
        body=decision.body.key,
        amount_eur=decision.amount_eur,
        policy_version=version.version if version is not None else None,
        starts_on=version.starts_on if version is not None else None,
    )


def applied_of(assessment: Assessment) -> Applied | None:
    """The rule recorded on ``assessment``; None for one started before policies existed."""
    return Applied.load(assessment.policy) if assessment.policy else None


def version_of(assessment: Assessment) -> PolicyVersion | None:
    if assessment.policy_version_id is None:
        return None
    return db.session.get(PolicyVersion, assessment.policy_version_id)


def below_minimum(applied: Applied | None, level: str | None) -> bool:
    return applied is not None and is_below(level, applied.minimum_level)


class BelowPolicyMinimum(Conflict):
    """The level chosen is below the minimum the organisation's policy sets: 409."""

    code = "below_policy_minimum"


def check_level(assessment: Assessment, level: str | None) -> None:
    """Refuse ``level`` when it is below the policy's minimum for the assessment."""
    applied = applied_of(assessment)
    if applied is None or not below_minimum(applied, level):
        return
    raise BelowPolicyMinimum(
        floor_message(assessment, applied),
        details=[
            {
                "path": "screening.level",
                "message": _l(
                    "At least: %(minimum)s.", minimum=LEVEL_LABELS[applied.minimum_level]
                ),
                "level": level,
                "minimum_level": applied.minimum_level,
                "rule": applied.rule,
                "policy_version": applied.policy_version,
                "decision_type": applied.decision_type,
            }
        ],
    )


def floor_message(assessment: Assessment, applied: Applied):
    """Why the level must be at least the minimum, and what to do, in the reader's language."""
    return _l(
        "The organisation's assessment policy sets the lowest level for this decision: "
        "%(minimum)s (%(why)s). Choose that level or a higher one; the screening's answers "
        "are kept.",
        minimum=LEVEL_LABELS[applied.minimum_level],
        why=_Explained(assessment.decision, applied),
    )


def level_problems(assessment: Assessment, data: AssessmentData) -> tuple:
    """What blocks leaving preparation because of the policy: the chosen level is below
    the minimum (the decision's type changed after the level was chosen)."""
    applied = applied_of(assessment)
    level = data.screening.level
    if applied is None or not below_minimum(applied, level):
        return ()
    return (
        _l(
            "The level chosen (%(level)s) is below what the organisation's assessment policy "
            "now requires (%(minimum)s; %(why)s): raise the level in the screening.",
            level=LEVEL_LABELS[level or "none"],
            minimum=LEVEL_LABELS[applied.minimum_level],
            why=_Explained(assessment.decision, applied),
        ),
    )


class _Explained:
    """The explanation, rendered in the reader's language when the message is."""

    def __init__(self, decision: Decision, applied: Applied):
        self.decision, self.applied = decision, applied

    def render(self, language: str) -> str:
        return explain(self.decision, self.applied, language)


def explain(decision: Decision, applied: Applied, language: str) -> str:
    """E.g. "Decision type Service network change: full assessment required by the policy
    of 1.1.2027 (version 3)", with the organisation's own labels."""
    dtype = decision.decision_type
    named = dtype is not None and dtype.key == applied.decision_type
    return explanation(
        applied,
        type_label=dtype.name(language) if named and dtype is not None else None,
        language=language,
        body_label=decision.body.name(language),
        category_label=_category_label(decision, applied.exempt_category, language),
    )


def view(decision: Decision, applied: Applied | None, language: str) -> dict[str, Any] | None:
    """The ``policy`` block of the API's assessment and decision."""
    if applied is None:
        return None
    return {
        "version": applied.policy_version,
        "decision_type": applied.decision_type,
        "rule": applied.rule,
        "minimum_level": applied.minimum_level,
        "explanation": explain(decision, applied, language),
    }


def review_facts(assessment: Assessment) -> dict[str, Any]:
    """Who the policy gives the decision's review to, for the approving steps' guard: a
    role, and optionally a body or division whose linked reviewers alone may approve. Only a
    published policy narrows the review (the built-in default leaves it as the process says)."""
    applied = applied_of(assessment)
    if applied is None or applied.policy_version is None:
        return {}
    found: dict[str, Any] = {"review_role": applied.review_role}
    if applied.review_body is not None:
        body = db.session.scalar(
            select(Body).where(
                Body.organisation_id == assessment.organisation_id,
                Body.key == applied.review_body,
            )
        )
        found["review_body"] = applied.review_body
        found["review_body_label"] = _BodyName(body) if body is not None else None
        found["review_body_reviewers"] = frozenset(
            db.session.scalars(
                select(ReviewerBody.user_id).where(
                    ReviewerBody.body_id == (body.id if body is not None else -1)
                )
            )
        )
    return found


class _BodyName:
    def __init__(self, body: Body):
        self.body = body

    def render(self, language: str) -> str:
        return self.body.name(language)

    def __str__(self) -> str:
        return self.body.name_fi


def workflows() -> Workflows:
    return current_app.extensions["assess.workflows"]


def forms() -> Forms:
    return current_app.extensions["assess.forms"]


# --- the process follows the level ------------------------------------------------------


def process_for(
    assessment: Assessment, level: str | None, current: WorkflowDefinition
) -> WorkflowDefinition | None:
    """The process the assessment continues in at ``level`` (None: it stays where it is).

    The recorded rule names a process per level; without a published policy (the built-in
    default, or an assessment from before policies) a full assessment still moves to a
    process with a follow-up phase when its own has none, and otherwise stays.
    """
    applied = applied_of(assessment)
    if level not in ("light", "full") or applied is None:
        return None
    key = applied.processes.get(level)
    if key is None:
        return None
    if applied.policy_version is None and (level != "full" or current.has_follow_up):
        return None
    try:
        target = workflows().latest(key).definition
    except LookupError:
        raise Conflict(
            _l(
                "The assessment policy names the process %(key)r for this level, and there is "
                "no such process. Ask an admin to correct the policy.",
                key=key,
            )
        ) from None
    if target.ident == current.ident:
        return None
    if problems := current.handover_problems(target):
        raise Conflict(
            _l(
                "The assessment cannot continue in the process %(key)r that the policy names "
                "for this level: %(problems)s. Ask an admin to correct the policy.",
                key=key,
                problems="; ".join(problems),
            )
        )
    if level == "full" and not target.has_follow_up:
        raise Conflict(
            _l(
                "The process %(key)r that the policy names for a full assessment has no "
                "follow-up phase. Ask an admin to correct the policy.",
                key=key,
            )
        )
    return target


def _category_label(decision: Decision, category: str | None, language: str) -> str | None:
    """An exempt category's label, from the organisation's questionnaire (the key if it
    has none of that id)."""
    if category is None:
        return None
    key = decision.organisation.setting("default_form") or DEFAULT_FORM_KEY
    try:
        form = forms().latest(key)
    except LookupError:
        return category
    found = next((c for c in form.screening.exempt_categories if c.id == category), None)
    return found.labels.get(language) if found else category
