"""Named guards: each says why a transition may not happen, or nothing when it may.

Guards are pure: they read the facts the operations layer gathered about an assessment
and the acting user. Workflow files name them under ``guards:``; loading a workflow
with an unknown name fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_datetime

from ..roles import ROLE_LABELS
from ..translation import joined
from ..translation import lazy_text as _l
from .definition import FOUR_EYES, TransitionDef


@dataclass(frozen=True)
class ContentChange:
    """One person's changes to an assessment's content since its last return to preparation.

    ``parts`` are the parts of the content they changed (``answers``, ``impacts``...);
    ``sections``, the labels (fi, sv, en) of the questionnaire sections whose answers they
    changed; ``at``, when they last changed any of it (an aware datetime, shown as given).
    """

    actor_id: int
    at: datetime
    parts: tuple[str, ...] = ()
    sections: tuple = ()


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
    # Supplied from the audit log: who changed the content since the last return to
    # preparation (or since the assessment was created), what and when.
    content_changes: tuple[ContentChange, ...] = ()
    # Supplied from the organisation's assessment policy: why the assessment may not leave
    # preparation as it is (the level chosen is below the policy's minimum).
    policy_problems: tuple = ()
    # From the rule of the policy that applies: who reviews (a role, and optionally the key
    # of the body or division whose reviewers alone may approve, with its name shown).
    review_role: str | None = None
    review_body: str | None = None
    review_body_label: object = None  # the body's name, rendered in the reader's language
    review_body_reviewers: frozenset[int] = frozenset()  # the ids of the people linked to it
    # Supplied by the follow-up (``questionnaire.follow_up.missing``), in a follow-up state:
    # the observations, outcomes and councils' summaries still missing.
    follow_up_missing: tuple = ()
    # The body has decided on the proposal (a state in follow-up): the assessment is the
    # record of that decision (issue 20).
    decided: bool = False


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


@guard(FOUR_EYES)
def four_eyes(ctx: GuardContext) -> list:
    """The step needs a second person: not anyone who prepared the assessment or the
    decision, nor anyone who changed the content since it was last returned for
    preparation, whatever roles they hold; and, when the organisation's policy narrows who
    reviews the decision, only those people."""
    return four_eyes_reasons(ctx.facts, ctx.actor) + review_reasons(ctx.facts, ctx.actor)


def review_reasons(f: Facts, actor: Actor) -> list:
    """Why ``actor`` is not among the reviewers the policy names for this decision."""
    if actor.id is None:
        return []
    reasons = []
    if f.review_role is not None and f.review_role not in actor.roles:
        reasons.append(
            _l(
                "The organisation's assessment policy names the role %(role)s as the "
                "reviewers of this decision.",
                role=ROLE_LABELS.get(f.review_role, f.review_role),
            )
        )
    if f.review_body is not None and actor.id not in f.review_body_reviewers:
        reasons.append(
            _l(
                "The organisation's assessment policy gives the review of this decision to "
                "the reviewers of %(body)s; you are not one of them.",
                body=f.review_body_label or f.review_body,
            )
        )
    return reasons


def four_eyes_reasons(f: Facts, actor: Actor) -> list:
    """Why ``actor`` may not be the second pair of eyes on this assessment (empty: may)."""
    if actor.id is None:
        return []
    mine = [c for c in f.content_changes if c.actor_id == actor.id]
    if mine:
        parts = [p for c in mine for p in c.parts]
        sections = [s for c in mine for s in c.sections]
        return [
            _l(
                "You changed %(what)s of this assessment (last on %(when)s) after it was last "
                "returned for preparation, so another reviewer must do this (four-eyes "
                "principle).",
                what=joined(_unique([*(_PART.get(p, p) for p in parts), *map(_Label, sections)])),
                when=_Moment(max(c.at for c in mine)),
            )
        ]
    if actor.id in (f.prepared_by, f.last_edited_by, f.decision_preparer):
        return [
            _l(
                "You prepared or last edited this assessment, so another reviewer must do "
                "this (four-eyes principle)."
            )
        ]
    return []


# The parts of an assessment's content, as the reason names them; the answers of the
# questionnaire's sections are named by their sections instead.
_PART = {
    "screening": _l("the screening"),
    "level": _l("the screening"),
    "alternatives": _l("the alternatives"),
    "impacts": _l("the impacts"),
    "hearings": _l("the hearings"),
    "no_hearings_reason": _l("the hearings"),
    "indicators": _l("the indicators"),
    "summary": _l("the summary"),
    "answers": _l("the answers"),
    "form": _l("the questionnaire's version"),
    "scope_exclusions": _l("the scope"),
    "plan_links": _l("the links to the wellbeing plan"),
    "ex_post": _l("the follow-up"),
    "translations": _l("the translations"),
}


def _unique(items: list) -> list:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.render("en") if hasattr(item, "render") else str(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


class _Label:
    """A section's labels (fi, sv, en) rendered in the reader's language."""

    def __init__(self, labels):
        self.labels = labels

    def render(self, language: str) -> str:
        return self.labels.get(language)


class _Moment:
    """A moment as the reader's language writes it (27.11.2026 klo 16.05)."""

    def __init__(self, at: datetime):
        self.at = at

    def render(self, language: str) -> str:
        # British English writes the day first, as the Finnish and Swedish readers do.
        locale = "en_GB" if language == "en" else language
        return format_datetime(self.at, "short", tzinfo=self.at.tzinfo, locale=locale)


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


@guard("follow_up_complete")
def follow_up_complete(ctx: GuardContext) -> list:
    """The follow-up closes only when it says what happened and told those heard."""
    return list(ctx.facts.follow_up_missing)


@guard("not_decided")
def not_decided(ctx: GuardContext) -> list:
    """Withdrawing ends an assessment that is still of use; once the body has decided, the
    assessment is the record of that decision and stays (issue 20)."""
    if ctx.facts.decided:
        return [
            _l(
                "The body has decided on the proposal: the assessment is the record of that "
                "decision and can no longer be withdrawn."
            )
        ]
    return []


def known_guards() -> set[str]:
    return set(GUARDS)
