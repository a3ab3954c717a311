"""What the API says of an assessment's screening questions (its policy's, issue 17)."""

from __future__ import annotations

from ..questionnaire import FormDefinition
from ..questionnaire.policy_screening import is_own


def screening_questions(form: FormDefinition) -> list[dict]:
    """The questions the screening asks, on the assessment's effective form."""
    return [
        {
            "id": q.id,
            "labels": q.labels.model_dump(),
            "help": q.help.model_dump() if q.help else None,
            "own": is_own(form, q.id),
        }
        for q in form.screening.questions
    ]
