"""The process engine: one `transitions` machine per loaded workflow definition.

The machine is built once per definition, has no models bound, and runs with
``auto_transitions=False`` (generated ``to_<state>()`` methods would bypass guards).
Firing passes a small carrier object holding the state loaded from the row, so
loading an assessment costs nothing and no machine keeps references to rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine, MachineError

from ..definitions import localized
from ..roles import ROLE_LABELS
from ..translation import current_language, joined
from ..translation import lazy_text as _l
from .definition import TransitionDef, WorkflowDefinition
from .guards import GUARDS, Actor, Facts, GuardContext


class TransitionBlocked(Exception):
    """The trigger may not fire now; ``reasons`` says every reason why."""

    def __init__(self, trigger: str, reasons: list):
        self.trigger = trigger
        self.reasons = reasons
        super().__init__("; ".join(str(r) for r in reasons))


@dataclass
class Option:
    transition: TransitionDef
    reasons: list

    @property
    def available(self) -> bool:
        return not self.reasons

    @property
    def blocked_by_role_only(self) -> bool:
        return len(self.reasons) == 1 and getattr(self.reasons[0], "_role", False)


class _Carrier:
    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state


class _RoleReason:
    """A reason that says which roles may act: tells people who must act next."""

    _role = True

    def __init__(self, transition: TransitionDef):
        self.transition = transition

    def render(self, language: str) -> str:
        return _l(
            "Only a person with the role %(roles)s can do this: %(action)s.",
            roles=joined((ROLE_LABELS.get(r, r) for r in self.transition.roles), " / "),
            action=localized(self.transition.labels),
        ).render(language)

    def __str__(self) -> str:
        return self.render(current_language())


class Engine:
    def __init__(self, definition: WorkflowDefinition):
        self.definition = definition
        transitions = []
        for t in definition.transitions:
            transitions.append(
                {
                    "trigger": t.trigger,
                    "source": definition.sources(t),
                    "dest": t.dest,
                    "conditions": [self._passes],
                }
            )
        self.machine = Machine(
            model=None,
            states=list(definition.states),
            transitions=transitions,
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
        )

    # The machine's own condition: the same reasons the UI shows, re-checked at firing.
    def _passes(self, event) -> bool:
        ctx: GuardContext = event.kwargs["ctx"]
        return not self._reasons(ctx)

    def _reasons(self, ctx: GuardContext, *, with_comment: bool = True) -> list:
        t = ctx.transition
        reasons: list = []
        if not ctx.actor.roles.intersection(t.roles):
            reasons.append(_RoleReason(t))
        if with_comment and t.comment_required and not (ctx.comment or "").strip():
            reasons.append(_l("Write a comment: it is required for this step."))
        for name in t.guards:
            reasons.extend(GUARDS[name](ctx))
        if ctx.facts.policy_problems and self.definition.leaves_preparation(t):
            reasons.extend(ctx.facts.policy_problems)
        return reasons

    def options(self, facts: Facts, actor: Actor) -> list[Option]:
        """Every transition from the current state, each with its blocking reasons.

        A required comment does not block here: it is asked for when the step is taken.
        """
        result = []
        for trigger in self.machine.get_triggers(facts.state):
            t = self.definition.transition(trigger, facts.state)
            assert t is not None  # the machine was built from this definition's transitions
            ctx = GuardContext(facts=facts, actor=actor, transition=t)
            result.append(Option(t, self._reasons(ctx, with_comment=False)))
        return result

    def fire(self, trigger: str, facts: Facts, actor: Actor, comment: str = "") -> str:
        """Return the new state, or raise TransitionBlocked with every reason."""
        t = self.definition.transition(trigger, facts.state)
        if t is None:
            raise TransitionBlocked(trigger, [self._wrong_state(trigger, facts.state)])
        ctx = GuardContext(facts=facts, actor=actor, transition=t, comment=comment)
        reasons = self._reasons(ctx)
        if reasons:
            raise TransitionBlocked(trigger, reasons)
        carrier = _Carrier(facts.state)
        try:
            fired = self.machine.events[trigger].trigger(carrier, ctx=ctx)
        except MachineError:  # pragma: no cover - checked above
            raise TransitionBlocked(trigger, [self._wrong_state(trigger, facts.state)]) from None
        if not fired:  # pragma: no cover - the same guards passed just above
            raise TransitionBlocked(trigger, self._reasons(ctx))
        return carrier.state

    def _wrong_state(self, trigger: str, state: str):
        d = self.definition
        known = [t for t in d.transitions if t.trigger == trigger]
        if not known:
            return _l("%(trigger)r is not a step of this process.", trigger=trigger)
        sources = sorted({s for t in known for s in d.sources(t)})
        return _l(
            "This cannot be done while the assessment is '%(state)s'; it is possible only "
            "when it is: %(states)s.",
            state=localized(d.states[state].labels),
            states=joined(localized(d.states[s].labels) for s in sources),
        )
