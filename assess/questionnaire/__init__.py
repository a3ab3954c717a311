"""Questionnaires (forms/*.yaml): screening, sections, completeness."""

from __future__ import annotations

from typing import Any


def incomplete_sections(data: dict[str, Any], form_key: str, form_version: int) -> list:
    """Labels of the sections still incomplete.

    The process engine's interface for the "sections complete" guard. Until the
    questionnaire definitions exist (issue #4) no section is required.
    """
    return []
