"""Named guards: each says why a transition may not happen, or nothing when it may.

Guards are pure: they read the facts the operations layer gathered about an assessment
and the acting user. Workflow files name them under ``guards:``; loading a workflow
with an unknown name fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..translation import lazy_text as _l
from .definition import TransitionDef


@dataclass(frozen=True)
class Facts:
    """What the guards may know about an assessment."""

    state: str
    prepared_by: int | None = None
    last_edited_by: int | None = None
    decision_preparer: int | None = None
    level: str | None = None
    level_reason: str = ""
    exempt_category: str | None = None
    # Supplied by the questionnaire: the labels of the sections still incomplete.
    incomplete_sections: tuple = ()
    # Supplied by the flags: the texts of high flags neither resolved nor acknowledged.
    unresolved_high_flags: tuple = ()
    # Supplied by the questionnaire: what the screening still lacks.
    screening_problems: tuple = ()


@dataclass(frozen=True)
class Actor:
    id: int | None
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class GuardContext:
    facts: Facts
    actor: Actor
    transition: TransitionDef
    comment: str = ""


Guard = Callable[[GuardContext], list]
GUARDS: dict[str, Guard] = {}


def guard(name: str):
    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        return fn

    return register


@guard("four_eyes")
def four_eyes(ctx: GuardContext) -> list:
    f = ctx.facts
    if ctx.actor.id is not None and ctx.actor.id in (
        f.prepared_by,
        f.last_edited_by,
        f.decision_preparer,
    ):
        return [
            _l(
                "You prepared or last edited this assessment, so another reviewer must do "
                "this (four-eyes principle)."
            )
        ]
    return []


@guard("sections_complete")
def sections_complete(ctx: GuardContext) -> list:
    return [
        _l("Section '%(section)s' is incomplete.", section=section)
        for section in ctx.facts.incomplete_sections
    ]


@guard("no_unresolved_high_flags")
def no_unresolved_high_flags(ctx: GuardContext) -> list:
    return [
        _l(
            "High-severity flag not resolved or acknowledged: %(flag)s",
            flag=flag,
        )
        for flag in ctx.facts.unresolved_high_flags
    ]


@guard("screen_out_justified")
def screen_out_justified(ctx: GuardContext) -> list:
    f = ctx.facts
    if f.level != "none":
        return [_l("Choose the level 'no assessment' in the screening first.")]
    if not (f.level_reason or "").strip() and not f.exempt_category:
        return [
            _l("Give a written reason why no assessment is needed, or choose an exempt category.")
        ]
    return []


@guard("screening_complete")
def screening_complete(ctx: GuardContext) -> list:
    return list(ctx.facts.screening_problems)


@guard("level_assessed")
def level_assessed(ctx: GuardContext) -> list:
    if ctx.facts.level not in ("light", "full"):
        return [_l("Choose the level of the assessment (light or full) in the screening first.")]
    return []


def known_guards() -> set[str]:
    return set(GUARDS)
