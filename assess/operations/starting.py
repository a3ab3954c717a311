"""Starting an assessment the short way (issue 20): one step from the decision page to the
first screening question. Creating the assessment and taking the process's first step
(into the screening) are one use case, so a person no longer presses "Start the impact
assessment", then "Start screening", then "Open the questionnaire"."""

from __future__ import annotations

from ..models import Assessment, Decision, User
from ._tx import transaction
from .assessments import create_assessment, engine_for, fire, options


def start_with_screening(
    user: User, decision: Decision, *, workflow: str | None = None
) -> Assessment:
    """Create the assessment and take the one step its process offers from the start into
    a state where the answers are given (the screening). A process with no such single step
    leaves the assessment where it starts. All of it, or nothing."""
    with transaction():
        assessment = create_assessment(user, decision, workflow=workflow)
        definition = engine_for(assessment).definition
        onward = [
            o.transition
            for o in options(user, assessment)
            if o.available
            and o.transition.dest != assessment.state
            and definition.is_active(o.transition.dest)
            and definition.is_editable(o.transition.dest)
        ]
        if len(onward) == 1:
            fire(user, assessment, onward[0].trigger, expected_version=assessment.version)
    return assessment
