"""workflows/*.yaml -> a validated WorkflowDefinition."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from ..definitions import Labels, Problem, Strict, load_file

ROLES = ("preparer", "reviewer", "secretary", "auditor", "admin")
ANY_OPEN_STATE = "*"  # as a source: every state that is not final

Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")


class StateDef(Strict):
    labels: Labels
    editable: bool = False
    final: bool = False


class TransitionDef(Strict):
    trigger: str = Identifier
    labels: Labels
    source: list[str] | Literal["*"]
    dest: str
    roles: list[Literal["preparer", "reviewer", "secretary", "auditor", "admin"]] = Field(
        min_length=1
    )
    guards: list[str] = []
    comment_required: bool = False
    # The transition approves the assessment: its revision's documents are generated and
    # attached to the decision draft.
    documents: bool = False
    help: Labels | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) and value != ANY_OPEN_STATE else value


class WorkflowDefinition(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: int = Field(ge=1)
    labels: Labels
    initial: str
    states: dict[str, StateDef]
    transitions: list[TransitionDef] = Field(min_length=1)

    @property
    def ident(self) -> tuple[str, int]:
        return (self.key, self.version)

    def sources(self, transition: TransitionDef) -> list[str]:
        if transition.source == ANY_OPEN_STATE:
            return [s for s, d in self.states.items() if not d.final and s != transition.dest]
        return list(transition.source)

    def transition(self, trigger: str, state: str) -> TransitionDef | None:
        for t in self.transitions:
            if t.trigger == trigger and state in self.sources(t):
                return t
        return None

    def state_label(self, state: str, language: str) -> str:
        found = self.states.get(state)
        return found.labels.get(language) if found else state


def load_workflow(
    path: Path, known_guards: set[str]
) -> tuple[WorkflowDefinition | None, list[Problem]]:
    """Read and validate one workflow file; return it, or the problems found."""
    return load_file(
        path, WorkflowDefinition, lambda file, d: _semantic_problems(file, d, known_guards)
    )


def _semantic_problems(file: str, d: WorkflowDefinition, known_guards: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda path, msg: problems.append(Problem(file, path, msg))  # noqa: E731
    states = d.states
    if d.initial not in states:
        add("initial", f"unknown state {d.initial!r}; expected one of: {', '.join(states)}")
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(d.transitions):
        here = f"transitions.{i}({t.trigger})"
        if t.dest not in states:
            add(f"{here}.dest", f"unknown state {t.dest!r}; expected one of: {', '.join(states)}")
        if t.source != ANY_OPEN_STATE:
            for j, s in enumerate(t.source):
                if s not in states:
                    add(f"{here}.source.{j}", f"unknown state {s!r}")
                elif states[s].final:
                    add(f"{here}.source.{j}", f"{s!r} is a final state; nothing may leave it")
        for g, name in enumerate(t.guards):
            if name not in known_guards:
                add(
                    f"{here}.guards.{g}",
                    f"unknown guard {name!r}; expected one of: {', '.join(sorted(known_guards))}",
                )
        for s in d.sources(t):
            if (t.trigger, s) in seen:
                add(here, f"trigger {t.trigger!r} is declared twice from state {s!r}")
            seen[(t.trigger, s)] = i
    if problems or d.initial not in states:
        return problems
    reached = {d.initial}
    queue = deque([d.initial])
    while queue:
        state = queue.popleft()
        for t in d.transitions:
            if state in d.sources(t) and t.dest not in reached:
                reached.add(t.dest)
                queue.append(t.dest)
    for s in states:
        if s not in reached:
            add(f"states.{s}", f"state {s!r} cannot be reached from {d.initial!r}")
    for s, sd in states.items():
        if not sd.final and s in reached and not any(s in d.sources(t) for t in d.transitions):
            add(f"states.{s}", f"state {s!r} is not final but has no way out; mark it final: true")
    return problems
