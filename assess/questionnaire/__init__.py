"""Questionnaires (forms/*.yaml): screening, sections, answers, completeness.

Pure: definitions and data in, data out. No request, no session.
"""

from __future__ import annotations

from pathlib import Path

from ..definitions import DefinitionError, Problem
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


class Forms:
    """Every loaded version of every questionnaire."""

    def __init__(self, forms: dict[tuple[str, int], FormDefinition]):
        self._forms = forms

    def get(self, key: str, version: int) -> FormDefinition:
        try:
            return self._forms[(key, version)]
        except KeyError:
            raise LookupError(f"form {key!r} version {version} is not loaded") from None

    def latest(self, key: str) -> FormDefinition:
        versions = [v for k, v in self._forms if k == key]
        if not versions:
            raise LookupError(f"no form {key!r} is loaded")
        return self._forms[(key, max(versions))]

    def names(self) -> list[str]:
        return sorted({k for k, _ in self._forms})

    def __iter__(self):
        return iter(self._forms.values())


def load_forms(directory: Path) -> Forms:
    """Load and validate every ``*.yaml`` in ``directory``; raise DefinitionError on any problem."""
    problems: list[Problem] = []
    forms: dict[tuple[str, int], FormDefinition] = {}
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise DefinitionError([Problem(str(directory), "", "no form files (*.yaml) found")])
    origin: dict[tuple[str, int], str] = {}
    for path in files:
        form, found = load_form(path)
        problems.extend(found)
        if form is None:
            continue
        if form.ident in origin:
            problems.append(
                Problem(
                    path.name,
                    "key",
                    f"{form.key!r} version {form.version} is "
                    f"already defined in {origin[form.ident]}",
                )
            )
            continue
        origin[form.ident] = path.name
        forms[form.ident] = form
    if problems:
        raise DefinitionError(problems)
    return Forms(forms)
