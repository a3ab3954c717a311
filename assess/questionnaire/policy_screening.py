"""What an organisation's policy changes in the screening (pure).

The policy's ``screening`` block (docs/policy.md) may switch questions of the form off,
add the organisation's own yes/no questions and set the investment threshold. The shipped
questionnaire stays the shared content: the *effective* form is a copy of it whose
screening has the questions the organisation asks, so everything that reads
``form.screening`` (the page, the answers' check, completeness, the guard, the flags, the
document) follows the policy without knowing about it.

An own question is answered yes / no / don't know like the others. Its ``recommends`` says
what a "yes" (or "don't know") recommends: ``full`` puts it among the rule's
``full_if_any``; ``light`` makes it an ordinary question, so that alone it recommends a
light assessment and it counts towards the rule's ``light_max_yes`` like the form's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import Field

from ..definitions import Labels, Problem, Strict
from .definition import FormDefinition, ScreeningQuestion

DEFAULT_THRESHOLD_EUR = 100_000


class OwnQuestion(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    labels: Labels
    help: Labels | None = None
    recommends: Literal["light", "full"]


class ScreeningPolicy(Strict):
    """The policy's ``screening`` block, as this layer reads it."""

    investment_threshold_eur: int | None = Field(default=None, ge=0, le=10**9)
    questions_off: list[str] = []
    own_questions: list[OwnQuestion] = []

    @classmethod
    def of(cls, block: Any) -> ScreeningPolicy:
        """From the block as a mapping, a pydantic model of it, or None (nothing changed).

        Raises ``ValueError`` on a malformed block; ``check_screening`` names its problems.
        """
        if block is None:
            return EMPTY
        if isinstance(block, ScreeningPolicy):
            return block
        if hasattr(block, "model_dump"):
            block = block.model_dump(mode="json", exclude_none=True)
        return cls.model_validate(dict(block))

    @property
    def changes_questions(self) -> bool:
        return bool(self.questions_off or self.own_questions)

    def key(self) -> str:
        """What identifies the questions it gives (the threshold changes none)."""
        return json.dumps(
            self.model_dump(mode="json", include={"questions_off", "own_questions"}),
            sort_keys=True,
        )


EMPTY = ScreeningPolicy()

# Effective forms by (form, questions): one object per published screening, so that the
# per-form caches (``forms.per_form``) build each page class once. Policy versions are few.
_effective: dict[tuple[int, str], tuple[FormDefinition, FormDefinition]] = {}


def effective_form(form: FormDefinition, block: Any = None) -> FormDefinition:
    """The form with the screening the policy's ``block`` gives (``form`` itself if none).

    Assumes a block ``check_screening`` found no problem in; an unknown id in
    ``questions_off`` switches nothing off.
    """
    policy = ScreeningPolicy.of(block)
    if not policy.changes_questions:
        return form
    key = (id(form), policy.key())
    if key not in _effective:
        _effective[key] = (form, _build(form, policy))  # holding form keeps its id unique
    return _effective[key][1]


def _build(form: FormDefinition, policy: ScreeningPolicy) -> FormDefinition:
    off = set(policy.questions_off)
    own = [ScreeningQuestion(id=q.id, labels=q.labels, help=q.help) for q in policy.own_questions]
    rule = form.screening.rule
    full_if_any = [q for q in rule.full_if_any if q not in off]
    full_if_any += [q.id for q in policy.own_questions if q.recommends == "full"]
    screening = form.screening.model_copy(
        update={
            "questions": [q for q in form.screening.questions if q.id not in off] + own,
            "rule": rule.model_copy(update={"full_if_any": full_if_any}),
        }
    )
    effective = form.model_copy(update={"screening": screening})
    effective._screening_off = frozenset(off & {q.id for q in form.screening.questions})
    effective._own_questions = frozenset(q.id for q in own)
    return effective


def switched_off(form: FormDefinition) -> frozenset[str]:
    """The form's screening questions the policy switched off (none on a shipped form)."""
    return form._screening_off


def is_own(form: FormDefinition, question_id: str) -> bool:
    """Whether a screening question is the organisation's own (not the shared content's)."""
    return question_id in form._own_questions


def investment_threshold(block: Any, organisation_setting: int | None) -> int:
    """The threshold the screening names: the policy's, else the organisation's old
    setting (kept so that data from before the policy works), else 100,000 euros."""
    policy = ScreeningPolicy.of(block)
    if policy.investment_threshold_eur is not None:
        return policy.investment_threshold_eur
    if organisation_setting is not None:
        return int(organisation_setting)
    return DEFAULT_THRESHOLD_EUR


def check_screening(
    form: FormDefinition | Iterable[str],
    block: Any,
    *,
    source: str = "policy",
    path: str = "screening",
) -> list[Problem]:
    """Every problem with the meaning of a policy's ``screening`` block, for ``form``.

    ``form`` is the questionnaire the policy's screening applies to, or just the ids of its
    screening questions. The problems: a switched-off id the form has no screening question
    for (or one switched off twice), an own question whose id is one of the form's questions
    (or another own question's), and a screening left with no question at all. The block's
    shape (types, labels in fi/sv/en, ``recommends``) is the policy model's to check; what
    is malformed here is passed over, so that each problem is named once.
    """
    if hasattr(block, "model_dump"):
        block = block.model_dump(mode="json")
    if not isinstance(block, Mapping):
        return []
    if isinstance(form, FormDefinition):
        screening_ids = [q.id for q in form.screening.questions]
        taken = set(screening_ids) | {q.id for s in form.sections for q in s.questions}
    else:
        screening_ids = sorted(form)
        taken = set(screening_ids)
    problems: list[Problem] = []
    add = lambda where, msg: problems.append(Problem(source, f"{path}.{where}", msg))  # noqa: E731
    off = _items(block.get("questions_off"))
    for i, qid in enumerate(off):
        if not isinstance(qid, str):
            continue
        if qid not in screening_ids:
            add(
                f"questions_off.{i}",
                f"unknown screening question {qid!r}; expected one of: {', '.join(screening_ids)}",
            )
        elif qid in off[:i]:
            add(f"questions_off.{i}", f"{qid!r} is switched off twice; keep one")
    own = _items(block.get("own_questions"))
    seen: set[str] = set()
    for i, q in enumerate(own):
        qid = q.get("id") if isinstance(q, Mapping) else None
        if not isinstance(qid, str):
            continue
        if qid in taken:
            add(
                f"own_questions.{i}.id",
                f"{qid!r} is already a question of the form; give the organisation's own "
                "question another id (for example with the prefix x_)",
            )
        elif qid in seen:
            add(f"own_questions.{i}.id", f"duplicate question id {qid!r}")
        seen.add(qid)
    if screening_ids and not set(screening_ids) - set(off) and not own:
        add(
            "questions_off",
            "every screening question is switched off: the screening would recommend no "
            "assessment for any decision; keep at least one question or add your own",
        )
    return problems


def _items(value: object) -> list:
    return value if isinstance(value, list) else []
