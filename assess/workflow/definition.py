"""workflows/*.yaml -> a validated WorkflowDefinition."""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from ..definitions import Labels, Problem, Strict, load_file

ROLES = ("preparer", "reviewer", "secretary", "auditor", "admin")
ANY_OPEN_STATE = "*"  # as a source: every state that is not final
# The guard that marks a step as needing a second person (workflow.guards.four_eyes).
FOUR_EYES = "four_eyes"

Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")

# What a body can decide on an agenda item (the agenda's outcomes, models.meeting.OUTCOMES):
# each workflow says which of its triggers each one fires.
MEETING_OUTCOMES = ("approved", "approved_amended", "returned", "tabled", "rejected")


class StateDef(Strict):
    """A state, with what it means to the rest of the product (see docs/workflows.md)."""

    labels: Labels
    editable: bool = False
    final: bool = False
    # The decision may be published on an agenda: its assessment is approved, screened
    # out, or already decided.
    ready_for_agenda: bool = False
    # A reviewer must act: the assessment is in the reviewers' queue.
    awaits_review: bool = False
    # The content is approved: its negative effects count for the cumulative rule; the
    # states that lead here are where reviewers acknowledge flags.
    approved: bool = False
    # Decided and followed up: the indicators' owners see their review dates as tasks.
    in_follow_up: bool = False
    # False: the assessment ends here and the decision may get a new one.
    active: bool = True
    # What the preparer's dashboard says comes next (default: the state's label).
    next_step: Labels | None = None
    # Why an agenda item whose assessment is here is not ready (default: not approved).
    not_ready: Labels | None = None


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
    # The trigger that submits an assessment for review; its day starts the review's clock.
    # Optional here only so that a missing one is reported with what would be right.
    submit_for_review: str | None = None
    # For each meeting outcome, the trigger it fires (null: the assessment stays as it is).
    outcomes: dict[str, str | None] = {}
    # The step that fixes the assessment's level (issue 17): once it is taken, the assessment
    # continues in the process the organisation's policy names for that level. Absent: the
    # assessment stays in this process whatever its level.
    hands_over: str | None = None

    @property
    def ident(self) -> tuple[str, int]:
        return (self.key, self.version)

    # --- what the states and triggers mean: code asks these, never compares an id ---

    def is_editable(self, state: str) -> bool:
        return self._state(state).editable

    def is_final(self, state: str) -> bool:
        return self._state(state).final

    def is_ready_for_agenda(self, state: str) -> bool:
        return self._state(state).ready_for_agenda

    def awaits_review(self, state: str) -> bool:
        return self._state(state).awaits_review

    def is_approved(self, state: str) -> bool:
        return self._state(state).approved

    def is_in_follow_up(self, state: str) -> bool:
        return self._state(state).in_follow_up

    def is_active(self, state: str) -> bool:
        return self._state(state).active

    def holds_decision(self, state: str) -> bool:
        """Whether the decision's proposal, deciding body, language and title must stay as
        they are while the assessment is in ``state``: a reviewer is weighing them
        (``awaits_review``), they were approved or screened out (``approved``,
        ``ready_for_agenda``), or the body decided on them (``in_follow_up``)."""
        found = self._state(state)
        return found.awaits_review or found.ready_for_agenda or found.approved or found.in_follow_up

    def back_to_preparation(self, state: str) -> list[TransitionDef]:
        """The steps that send an assessment in ``state`` back to preparation (into an
        editable state), other than the meeting's own return: what must happen before
        anything the review weighed may change."""
        returned = self.outcomes.get("returned")
        return [
            t
            for t in self.transitions
            if t.source != ANY_OPEN_STATE
            and state in t.source
            and t.trigger != returned
            and self.states[t.dest].editable
        ]

    def needs_second_person(self, state: str) -> bool:
        """Whether a four-eyes step leaves ``state``: only then does anyone need to know who
        changed the content (reading it from the audit log is not free)."""
        return state in self._four_eyes_sources

    @functools.cached_property
    def _four_eyes_sources(self) -> frozenset[str]:
        return frozenset(
            s for t in self.transitions if FOUR_EYES in t.guards for s in self.sources(t)
        )

    def leads_to_approval(self, state: str) -> bool:
        """Whether an approval leaves ``state`` (a "*" source does not count): the state
        in which reviewers weigh and acknowledge the flags."""
        return state in self._before_approval

    def takes_back_approval(self, transition: TransitionDef) -> bool:
        """Whether ``transition`` takes an approved (or screened-out) assessment back into
        preparation: the approval no longer holds (reopening)."""
        return self.states[transition.dest].editable and any(
            self.states[s].approved or self.states[s].ready_for_agenda
            for s in self.sources(transition)
        )

    def needs_confirmation(self, transition: TransitionDef) -> bool:
        """Whether a person is asked to confirm ``transition`` first (issue 20): it approves
        (its documents are made for good), ends the assessment, or takes an approval back."""
        return (
            transition.documents
            or not self.states[transition.dest].active
            or self.takes_back_approval(transition)
        )

    @property
    def submit_trigger(self) -> str:
        assert self.submit_for_review is not None  # the loader refuses a workflow without one
        return self.submit_for_review

    def hands_over_on(self, trigger: str) -> bool:
        """Whether taking ``trigger`` fixes the level, so the assessment continues in the
        process the policy names for it."""
        return self.hands_over is not None and trigger == self.hands_over

    def leaves_preparation(self, transition: TransitionDef) -> bool:
        """Whether ``transition`` takes an assessment on from preparation: out of an editable
        state into one that is not (to review, to a proposed screen-out), or the step that
        fixes the level. Withdrawing (into a state that ends it) is not taking it on."""
        if not any(self.states[s].editable for s in self.sources(transition)):
            return False
        dest = self.states[transition.dest]
        return self.hands_over_on(transition.trigger) or (not dest.editable and dest.active)

    @property
    def has_follow_up(self) -> bool:
        """Whether a decided assessment is followed up here: a state in follow-up that is
        not final (a full assessment needs one)."""
        return any(s.in_follow_up and not s.final for s in self.states.values())

    def handover_problems(self, target: WorkflowDefinition) -> list[str]:
        """Why an assessment handed over by this process cannot continue in ``target``: the
        state the hand-over leads to must be one of ``target``'s states, not a final one."""
        problems = []
        for t in self.transitions:
            if t.trigger != self.hands_over:
                continue
            found = target.states.get(t.dest)
            if found is None:
                problems.append(
                    f"process {target.key!r} has no state {t.dest!r}, where {self.key!r}'s "
                    f"step {t.trigger!r} hands the assessment over"
                )
            elif found.final:
                problems.append(
                    f"state {t.dest!r}, where {self.key!r}'s step {t.trigger!r} hands the "
                    f"assessment over, is final in process {target.key!r}"
                )
        return problems

    def outcome_trigger(self, outcome: str) -> str | None:
        """The trigger a meeting's ``outcome`` fires, or None when the assessment stays."""
        if outcome not in MEETING_OUTCOMES:
            raise LookupError(f"{outcome!r} is not a meeting outcome")
        return self.outcomes.get(outcome)

    def next_step(self, state: str) -> Labels:
        found = self._state(state)
        return found.next_step or found.labels

    def not_ready(self, state: str) -> Labels | None:
        return self._state(state).not_ready

    def states_where(self, meaning: Callable[[WorkflowDefinition, str], bool]) -> frozenset[str]:
        """The ids of the states with ``meaning`` (e.g. ``WorkflowDefinition.is_approved``)."""
        return frozenset(s for s in self.states if meaning(self, s))

    def _state(self, state: str) -> StateDef:
        try:
            return self.states[state]
        except KeyError:
            raise LookupError(f"{state!r} is not a state of workflow {self.key!r}") from None

    @functools.cached_property
    def _before_approval(self) -> frozenset[str]:
        return frozenset(
            s
            for t in self.transitions
            if t.source != ANY_OPEN_STATE and self.states[t.dest].approved
            for s in t.source
        )

    def sources(self, transition: TransitionDef) -> list[str]:
        if transition.source == ANY_OPEN_STATE:
            return [s for s, d in self.states.items() if not d.final and s != transition.dest]
        return list(transition.source)

    def returning_triggers(self) -> frozenset[str]:
        """The triggers of the steps that may return an assessment to preparation: from a
        state that cannot be edited into one that can (returned for revision, reopened,
        returned by the meeting)."""
        return frozenset(
            t.trigger
            for t in self.transitions
            if self.is_editable(t.dest) and any(not self.is_editable(s) for s in self.sources(t))
        )

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
        approves = t.documents or (t.dest in states and states[t.dest].approved)
        if approves and FOUR_EYES not in t.guards:
            add(
                f"{here}.guards",
                f"this step approves the assessment, so it must be a four-eyes step: add "
                f"{FOUR_EYES!r} to its guards",
            )
        for s in d.sources(t):
            if (t.trigger, s) in seen:
                add(here, f"trigger {t.trigger!r} is declared twice from state {s!r}")
            seen[(t.trigger, s)] = i
    _meaning_problems(d, add)
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


# Flags that say what a state is for; an editable state is still being prepared.
_NOT_WHILE_EDITABLE = ("ready_for_agenda", "awaits_review", "approved", "in_follow_up")


def _meaning_problems(d: WorkflowDefinition, add) -> None:
    """What the rest of the product asks the workflow: every answer must exist and agree."""
    states = d.states
    triggers = sorted({t.trigger for t in d.transitions})
    for s, sd in states.items():
        for flag in _NOT_WHILE_EDITABLE:
            if sd.editable and getattr(sd, flag):
                add(f"states.{s}.{flag}", f"an editable state cannot also be {flag}")
        if sd.awaits_review and sd.ready_for_agenda:
            add(
                f"states.{s}.ready_for_agenda",
                "a state awaiting review is not ready for an agenda; remove one of the two",
            )
        if sd.approved and not sd.ready_for_agenda:
            add(
                f"states.{s}.ready_for_agenda",
                "an approved state is ready for an agenda: add ready_for_agenda: true",
            )
        if sd.in_follow_up and not sd.ready_for_agenda:
            add(
                f"states.{s}.ready_for_agenda",
                "a decided state in follow-up is ready for an agenda: add ready_for_agenda: true",
            )
        if not sd.active and not sd.final:
            add(f"states.{s}.active", "only a final state can end the assessment: add final: true")
    if not any(sd.ready_for_agenda for sd in states.values()):
        add(
            "states",
            "no state is ready_for_agenda: true; mark the states in which a decision may go "
            "to its meeting (approved, screened out, decided)",
        )
    if not any(sd.approved for sd in states.values()):
        add("states", "no state is approved: true; mark the state an approval leads to")
    if d.hands_over is not None:
        handing = [t for t in d.transitions if t.trigger == d.hands_over]
        if not handing:
            add(
                "hands_over",
                f"unknown trigger {d.hands_over!r}; expected one of: {', '.join(triggers)}",
            )
        for t in handing:
            if t.dest in states and not states[t.dest].editable:
                add(
                    "hands_over",
                    f"trigger {d.hands_over!r} leads to {t.dest!r}, which is not editable: the "
                    "step that fixes the level must lead to where the assessment is prepared",
                )
    submitting = [t for t in d.transitions if t.trigger == d.submit_for_review]
    if d.submit_for_review is None:
        add(
            "submit_for_review",
            f"missing: name the trigger that submits an assessment for review "
            f"(one of: {', '.join(triggers)})",
        )
    elif not submitting:
        add(
            "submit_for_review",
            f"unknown trigger {d.submit_for_review!r}; expected one of: {', '.join(triggers)}",
        )
    for t in submitting:
        if t.dest in states and not states[t.dest].awaits_review:
            add(
                "submit_for_review",
                f"trigger {d.submit_for_review!r} leads to {t.dest!r}, which does not await "
                f"review; mark {t.dest!r} awaits_review: true, or name the trigger that "
                "submits for review",
            )
    if not d.outcomes:
        add(
            "outcomes",
            "missing: for each meeting outcome "
            f"({', '.join(MEETING_OUTCOMES)}) name the trigger it fires, or null when the "
            "assessment stays as it is",
        )
    for outcome in MEETING_OUTCOMES if d.outcomes else ():
        if outcome not in d.outcomes:
            add(
                f"outcomes.{outcome}",
                "missing: name the trigger this meeting outcome fires, or null when the "
                "assessment stays as it is",
            )
    for outcome, trigger in d.outcomes.items():
        here = f"outcomes.{outcome}"
        if outcome not in MEETING_OUTCOMES:
            add(here, f"unknown meeting outcome; expected one of: {', '.join(MEETING_OUTCOMES)}")
        elif trigger is None:
            continue
        elif trigger not in triggers:
            add(here, f"unknown trigger {trigger!r}; expected one of: {', '.join(triggers)}")
        elif not any(
            states[s].ready_for_agenda
            for t in d.transitions
            if t.trigger == trigger
            for s in d.sources(t)
            if s in states
        ):
            add(
                here,
                f"trigger {trigger!r} leaves no state that is ready for an agenda, so the "
                "outcome could never be recorded",
            )
