"""Questionnaires (forms/*.yaml): screening, sections, answers, completeness.

Pure: definitions and data in, data out. No request, no session.
"""

from __future__ import annotations

from pathlib import Path

from ..definitions import Versioned, load_directory
from .completeness import Context, incomplete_sections, section_problems
from .definition import FormDefinition, Section, load_form
from .screening import LEVELS, recommended_level

__all__ = [
    "LEVELS",
    "Context",
    "FormDefinition",
    "Forms",
    "Section",
    "incomplete_sections",
    "load_forms",
    "recommended_level",
    "section_problems",
]


class Forms(Versioned[FormDefinition]):
    """Every loaded version of every questionnaire."""


def load_forms(directory: Path) -> Forms:
    """Load and validate every ``*.yaml`` in ``directory``; raise DefinitionError on any problem."""
    return Forms("form", load_directory(Path(directory), "form", load_form))
