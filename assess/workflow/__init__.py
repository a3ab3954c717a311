"""Process definitions (workflows/*.yaml), validated, each with its engine built once."""

from __future__ import annotations

from pathlib import Path

from ..definitions import DefinitionError, Problem
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


class Workflows:
    """Every loaded version of every workflow; several versions of one key may coexist."""

    def __init__(self, engines: dict[tuple[str, int], Engine]):
        self._engines = engines

    def get(self, key: str, version: int) -> Engine:
        try:
            return self._engines[(key, version)]
        except KeyError:
            raise LookupError(f"workflow {key!r} version {version} is not loaded") from None

    def latest(self, key: str) -> Engine:
        versions = [v for k, v in self._engines if k == key]
        if not versions:
            raise LookupError(f"no workflow {key!r} is loaded")
        return self._engines[(key, max(versions))]

    def names(self) -> list[str]:
        return sorted({k for k, _ in self._engines})

    def __iter__(self):
        return iter(self._engines.values())


def load_workflows(directory: Path) -> Workflows:
    """Load and validate every ``*.yaml`` in ``directory``; raise DefinitionError on any problem."""
    problems: list[Problem] = []
    engines: dict[tuple[str, int], Engine] = {}
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise DefinitionError([Problem(str(directory), "", "no workflow files (*.yaml) found")])
    guards = known_guards()
    origin: dict[tuple[str, int], str] = {}
    for path in files:
        definition, found = load_workflow(path, guards)
        problems.extend(found)
        if definition is None:
            continue
        if definition.ident in origin:
            problems.append(
                Problem(
                    path.name,
                    "key",
                    f"{definition.key!r} version {definition.version} is already defined in "
                    f"{origin[definition.ident]}; give this one a new version",
                )
            )
            continue
        origin[definition.ident] = path.name
        engines[definition.ident] = Engine(definition)
    if problems:
        raise DefinitionError(problems)
    return Workflows(engines)
