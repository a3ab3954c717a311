"""Process definitions (workflows/*.yaml), validated, each with its engine built once."""

from __future__ import annotations

from pathlib import Path

from ..definitions import Versioned, load_directory
from .definition import TransitionDef, WorkflowDefinition, load_workflow
from .engine import Engine, Option, TransitionBlocked
from .guards import Actor, Facts, known_guards

__all__ = [
    "Actor",
    "Engine",
    "Facts",
    "Option",
    "TransitionBlocked",
    "TransitionDef",
    "WorkflowDefinition",
    "Workflows",
    "load_workflows",
]


class Workflows(Versioned):
    """Every loaded version of every workflow, each with its engine built once."""


def load_workflows(directory: Path) -> Workflows:
    """Load and validate every ``*.yaml`` in ``directory``; raise DefinitionError on any problem."""
    guards = known_guards()
    definitions = load_directory(Path(directory), "workflow", lambda p: load_workflow(p, guards))
    return Workflows("workflow", {ident: Engine(d) for ident, d in definitions.items()})
