"""Screening: the answers to the screening questions give a recommended level."""

from __future__ import annotations

from typing import Any

from .definition import FormDefinition
from .policy_screening import effective_form

LEVELS = ("none", "light", "full")
ANSWERS = ("yes", "no", "unknown")


def recommended_level(form: FormDefinition, answers: dict[str, str], screening: Any = None) -> str:
    """The level the screening recommends (domain.md, "Recommended level").

    No "yes" gives ``none``; one or two "yes" and none of the rule's ``full_if_any``
    give ``light``; anything else ``full``. "Unknown" counts as "yes": not knowing
    whether a decision affects people is a reason to look, not to skip.

    ``screening``: an organisation's policy block (``policy_screening``), when ``form`` is
    not already the effective form: its switched-off questions do not count and its own
    questions do, as their ``recommends`` says.
    """
    if screening is not None:
        form = effective_form(form, screening)
    rule = form.screening.rule
    yes = {q.id for q in form.screening.questions if answers.get(q.id) in ("yes", "unknown")}
    if not yes:
        return "none"
    if len(yes) <= rule.light_max_yes and not yes & set(rule.full_if_any):
        return "light"
    return "full"


def is_below(level: str | None, recommended: str | None) -> bool:
    if level not in LEVELS or recommended not in LEVELS:
        return False
    return LEVELS.index(level) < LEVELS.index(recommended)
