"""Process definitions (workflows/*.yaml), validated, each with its engine built once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..definitions import Versioned, load_directory
from .definition import MEETING_OUTCOMES, TransitionDef, WorkflowDefinition, load_workflow
from .engine import Engine, Option, TransitionBlocked
from .guards import Actor, ContentChange, Facts, four_eyes_reasons, known_guards

__all__ = [
    "Actor",
    "ContentChange",
    "Engine",
    "Facts",
    "MEETING_OUTCOMES",
    "Option",
    "TransitionBlocked",
    "TransitionDef",
    "WorkflowDefinition",
    "Workflows",
    "four_eyes_reasons",
    "load_workflows",
]


class Workflows(Versioned[Engine]):
    """Every loaded version of every workflow, each with its engine built once."""

    def __init__(self, kind: str, items: dict[tuple[str, int], Engine]):
        super().__init__(kind, items)
        self._meanings: dict[Callable[[WorkflowDefinition, str], bool], dict] = {}

    def states_where(
        self, meaning: Callable[[WorkflowDefinition, str], bool]
    ) -> dict[tuple[str, int], frozenset[str]]:
        """For each loaded (key, version), its states with ``meaning``: what a query across
        assessments of several workflows filters by (``WorkflowDefinition.is_approved``...)."""
        found = self._meanings.get(meaning)
        if found is None:
            found = self._meanings[meaning] = {
                engine.definition.ident: engine.definition.states_where(meaning) for engine in self
            }
        return found


def load_workflows(directory: Path) -> Workflows:
    """Load and validate every ``*.yaml`` in ``directory``; raise DefinitionError on any problem."""
    guards = known_guards()
    definitions = load_directory(Path(directory), "workflow", lambda p: load_workflow(p, guards))
    return Workflows("workflow", {ident: Engine(d) for ident, d in definitions.items()})
