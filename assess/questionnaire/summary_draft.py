"""A first draft of the summary from the answers, for the preparer to edit (issue 19: each
language's field in its own language, with labels, never ids)."""

from __future__ import annotations

from ..assessment_data import AssessmentData
from ..translation import lazy_text as _l
from .definition import FormDefinition

LEVELS = {
    "none": _l("no assessment"),
    "light": _l("light assessment"),
    "full": _l("full assessment"),
}


def draft_summary(data: AssessmentData, form: FormDefinition, language: str) -> str:
    """The level and the groups with negative effects, in ``language``."""
    lines = []
    if data.level in LEVELS:
        lines.append(_l("Level: %(level)s.", level=LEVELS[data.level]).render(language))
    groups = sorted(
        {
            (g.labels.get(language) if (g := form.group(c.group)) else c.group)
            for c in data.impacts
            if c.direction == "negative"
        }
    )
    if groups:
        lines.append(_l("Negative effects: %(groups)s.", groups=", ".join(groups)).render(language))
    return " ".join(lines)
