"""The policy file's shape: pydantic models of what an organisation's policy says.

The same shape is the YAML file an admin imports, the JSON stored in
``PolicyVersion.data`` and the ``policy`` of ``GET /api/v1/policy`` (docs/policy.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt

from ..definitions import Labels, Strict
from ..workflow.definition import ROLES

RULES = ("full", "light", "screen", "exempt")
LEVELS = ("none", "light", "full")
PROCESS_LEVELS = ("screening", "light", "full")
BODY_KINDS = ("council", "executive_board", "committee", "board", "division", "office_holder")
# A decision type's or a body's key (the same slug the organisation's data uses).
KEY_PATTERN = r"^[a-z][a-z0-9_-]*$"
# An own screening question's id: the form's id pattern.
QUESTION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

RuleKind = Literal["full", "light", "screen", "exempt"]
Role = Literal["preparer", "reviewer", "secretary", "auditor", "admin"]
# Whole euros; strict, so that "100 000" or 1e5 as text is named, not silently converted.
# At most a trillion (a decision's amount has the same bound): a larger number is a typing
# error, and unbounded integers would reach the database and the documents.
MAX_EUROS = 10**12
Euros = Annotated[StrictInt, Field(ge=0, le=MAX_EUROS)]
Days = Annotated[StrictInt, Field(ge=0, le=365)]

assert set(ROLES) == set(Role.__args__)  # type: ignore[attr-defined]


class DecisionTypeDef(Strict):
    """A decision type the file defines (created on import when the organisation lacks it)."""

    id: str = Field(pattern=KEY_PATTERN, max_length=60)
    labels: Labels
    task_class: str | None = Field(default=None, max_length=40)


class Processes(Strict):
    """Which workflow (a key of workflows/*.yaml) carries each level."""

    screening: str = "eva-standard"
    light: str = "eva-light"
    full: str = "eva-standard"

    def as_dict(self) -> dict[str, str]:
        return {"screening": self.screening, "light": self.light, "full": self.full}


class ProcessesOverride(Strict):
    """A rule's own processes: the levels it names replace the policy's."""

    screening: str | None = None
    light: str | None = None
    full: str | None = None


class Review(Strict):
    """Who reviews: a role, optionally narrowed to one body or division (its key)."""

    role: Role = "reviewer"
    body: str | None = None


class TimeLimits(Strict):
    # The assessment must be submitted at least this many days before the meeting.
    submit_days_before_meeting: Days = 14


class OwnQuestion(Strict):
    """An organisation's own yes/no screening question ([screening] owns its meaning)."""

    id: str = Field(pattern=QUESTION_ID_PATTERN, max_length=60)
    labels: Labels
    help: Labels | None = None
    recommends: Literal["light", "full"]


class ScreeningSettings(Strict):
    investment_threshold_eur: Euros | None = None
    questions_off: list[str] = []
    own_questions: list[OwnQuestion] = []


class Reporting(Strict):
    text: Labels


class RuleBody(Strict):
    """What a rule says; the default rule is only this."""

    rule: RuleKind
    # A `screen` rule: a decision whose amount is at least this is assessed at least light.
    threshold_eur: Euros | None = None
    # An `exempt` rule: the form's exempt category the screen-out is proposed with.
    exempt_category: str | None = None
    processes: ProcessesOverride | None = None
    review: Review | None = None
    submit_days_before_meeting: Days | None = None


class Rule(RuleBody):
    decision_type: str
    # A body's key: the rule applies only to decisions of that body and wins over the type's.
    body: str | None = None


class Policy(Strict):
    """An organisation's assessment policy. ``Policy.load`` raises on any problem; use
    ``check`` to learn every problem with its path."""

    format: Literal[1]
    title: Labels | None = None
    decision_types: list[DecisionTypeDef] = []
    default: RuleBody = RuleBody(rule="screen")
    rules: list[Rule] = []
    processes: Processes = Processes()
    review: Review = Review()
    time_limits: TimeLimits = TimeLimits()
    screening: ScreeningSettings | None = None
    reporting: Reporting | None = None

    @classmethod
    def load(cls, data: Any) -> Policy:
        return cls.model_validate(data)

    def dump(self) -> dict[str, Any]:
        """The JSON-able content, without the keys left at their defaults."""
        return self.model_dump(mode="json", exclude_unset=True)

    def decision_type(self, key: str) -> DecisionTypeDef | None:
        return next((t for t in self.decision_types if t.id == key), None)


# The built-in default: what applies while an organisation has no published policy in
# force, so that everything that worked before policies keeps working.
BUILTIN = Policy(format=1)
