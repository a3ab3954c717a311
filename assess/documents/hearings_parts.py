"""What the assessment document prints of the hearings beyond their fields (issue 18)."""

from __future__ import annotations

from ..assessment_data import Hearing
from ..questionnaire.definition import FormDefinition


def not_heard_text(form: FormDefinition, h: Hearing, language: str) -> str:
    """Why a council was not heard: the coded reason in the reader's language, then the
    preparer's own words. A hearing without a code (recorded before the list) prints its
    text alone, as it did."""
    own = (h.not_heard_reason or "").strip()
    reason = form.not_heard_reason(h.not_heard_code or "")
    if reason is None:
        return own
    label = reason.labels.get(language)
    return f"{label}: {own}" if own else label
