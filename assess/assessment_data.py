"""What an assessment holds (``Assessment.data``) and what a revision freezes
(``Revision.snapshot``), as pydantic models.

The stored JSON is the models' serialised form: ``AssessmentData.load(stored).dump()``
gives back exactly what was stored. Two rules make that hold:

- a key that was absent stays absent (``dump`` leaves out what was never set), and one
  stored as ``null`` or ``""`` stays so;
- keys the models do not name (from an older or newer release) are kept as they are
  (``extra="allow"``), so no row loses anything by being read and written again.

The models give the shape; whether a value fits the form (a known question, a value of
its scale) is the questionnaire's to check. Pure: no Flask, no database.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["none", "light", "full"]


class Part(BaseModel):
    """A stored mapping: lenient about keys it does not know, exact about what it dumps."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @classmethod
    def load(cls, stored: Mapping[str, Any] | Self | None) -> Self:
        """The typed value of ``stored`` (a model is returned as it is)."""
        if isinstance(stored, cls):
            return stored
        return cls.model_validate(stored or {})

    def dump(self) -> dict[str, Any]:
        """The JSON to store: what was read or set, nothing added."""
        _settle(self)
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


def _settle(model: BaseModel) -> None:
    # A part left at its default and then changed in place (``data.screening.level = x``,
    # ``data.impacts.append(cell)``) is not "set" to pydantic, and would be left out of the
    # dump: count it as set. Scalars cannot change in place, so only containers are looked at.
    fields_set = model.model_fields_set
    for name in _containers(type(model)):
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _settle(value)
            changed = bool(value.model_fields_set)
        else:
            if (
                isinstance(value, list)
                and value
                and isinstance(value[0], BaseModel)
                and _containers(type(value[0]))
            ):
                for item in value:
                    _settle(item)
            changed = bool(value)
        if changed and name not in fields_set:
            fields_set.add(name)


@functools.cache
def _containers(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``cls`` whose value may change in place (models, lists, dicts)."""
    names = []
    for name, info in cls.model_fields.items():
        default = info.get_default(call_default_factory=True)
        if isinstance(default, BaseModel | list | dict) or _holds_model(info.annotation):
            names.append(name)
    return tuple(names)


def _holds_model(annotation: Any) -> bool:
    args = typing.get_args(annotation)
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in args) or (
        isinstance(annotation, type) and issubclass(annotation, BaseModel)
    )


# --- screening -------------------------------------------------------------------------


class Screening(Part):
    """The screening answers and the level chosen (``questionnaire.answers.clean_screening``)."""

    answers: dict[str, str] = {}  # screening question id -> yes / no / unknown
    level: Level | None = None
    level_reason: str | None = None
    exempt_category: str | None = None
    recommended_level: Level | None = None


# --- the sections ----------------------------------------------------------------------


class CostLine(Part):
    """One cost or saving of an alternative: the economic view (issue 18, owner: economy)."""

    id: str = ""  # given when saved
    kind: str = "cost"  # cost | saving
    timing: str = "yearly"  # one_off | yearly
    category: str = "operating"  # operating | investment
    borne_by: str = "organisation"  # organisation | residents | other_public
    amount_eur: int | None = None
    note: str = ""


class Alternative(Part):
    id: str
    label: str = ""
    description: str = ""
    zero_option: bool = False
    recommended: bool = False
    costs: list[CostLine] = []
    # Over how many years the costs and savings are looked at.
    horizon_years: int | None = None
    # Why there is no cost line (e.g. "no costs: the service moves within the same budget").
    costs_note: str = ""


class ImpactCell(Part):
    """One cell of the impact matrix: an alternative's effect on a group in a dimension."""

    alternative: str
    group: str
    dimension: str
    direction: str | None = None
    magnitude: str | None = None
    likelihood: str | None = None
    duration: str | None = None
    reversibility: str | None = None
    confidence: str | None = None
    rationale: str = ""
    evidence: str = ""
    mitigation: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.alternative, self.group, self.dimension)


class AttachmentRef(Part):
    """The statement file of a hearing (``operations.attachments``)."""

    id: int
    filename: str = ""
    sha256: str = ""


class Hearing(Part):
    id: str = ""  # given when saved (``questionnaire.answers.clean_hearings``)
    council: str | None = None
    requested_on: str | None = None  # ISO dates, as stored
    answered_on: str | None = None
    statement: str = ""
    taken_into_account: str = ""
    not_heard_reason: str = ""
    # Why the council was not heard, from the form's coded list (``not_heard_reasons``);
    # ``not_heard_reason`` is the free text beside it.
    not_heard_code: str | None = None
    attachment: AttachmentRef | None = None

    @property
    def heard(self) -> bool:
        """A statement, an answer date, a reason why not, or a file is recorded. Whether
        that counts as heard (in time, for an acceptable reason) is the method's question:
        ``questionnaire.hearings.counts_as_heard``."""
        return bool(
            self.statement.strip()
            or self.answered_on
            or self.not_heard_reason.strip()
            or self.attachment
        )


class Observation(Part):
    """A value an indicator was seen to have in the follow-up (owner: followup)."""

    on: str | None = None  # ISO date
    value: str = ""
    note: str = ""


class Indicator(Part):
    id: str = ""  # given when saved
    name: str = ""
    source: str = ""
    baseline: str = ""
    target: str = ""
    owner: str = ""
    review_date: str | None = None
    # The effects it follows, as "group:dimension" of the matrix (owner: rules).
    follows: list[str] = []
    # The wellbeing plan's indicator it is, "objective_key:indicator_id" (owner: plan).
    plan_indicator: str | None = None
    observations: list[Observation] = []

    @property
    def planned(self) -> bool:
        """Has a review date and an owner: a follow-up someone will do."""
        return bool(self.review_date and self.owner.strip())


class PlanLink(Part):
    """How the decision bears on one objective of the wellbeing plan (owner: plan)."""

    objective: str  # the objective's key in the organisation's plan
    effect: str | None = None  # helped | harmed | neutral
    note: str = ""


class ExPost(Part):
    """What actually happened to an effect that was negative or unknown (owner: followup)."""

    group: str
    dimension: str
    outcome: str | None = None  # as_expected | better | worse | not_known
    lesson: str = ""


class Acknowledgement(Part):
    by: int
    name: str
    at: str
    comment: str


class Translation(Part):
    """A free text in the other national language (issue 19, owner: bilingual)."""

    text: str = ""
    # Copied from the original as a starting point and not yet translated: the document
    # prints the original with its "(in Finnish)" mark, and the text still counts missing.
    copied: bool = False


class StoredFlag(Part):
    """A flag as stored with the assessment (``flags.lifecycle``): texts in every language."""

    id: str
    rule: str
    severity: str
    group: str | None = None
    dimension: str | None = None
    alternative: str | None = None
    field: str | None = None
    message: dict[str, str] = {}
    resolve: dict[str, str] = {}
    # What the flag rests on (the act, section or article, and the method source), by
    # language (owner: basis).
    basis: dict[str, str] = {}
    status: str = "open"
    acknowledged: Acknowledgement | None = None


# --- the whole ---------------------------------------------------------------------------


class AssessmentData(Part):
    """Everything ``Assessment.data`` holds. Every part may be absent (not yet answered)."""

    screening: Screening = Field(default_factory=Screening)
    answers: dict[str, Any] = {}  # question id -> value; the form says which and what
    alternatives: list[Alternative] = []
    impacts: list[ImpactCell] = []
    hearings: list[Hearing] = []
    no_hearings_reason: str | None = None
    indicators: list[Indicator] = []
    summary: dict[str, str] = {}  # language (fi, sv) -> text
    flags: list[StoredFlag] = []
    # A group the screening implies but the scope leaves out -> why (owner: scope).
    scope_exclusions: dict[str, str] = {}
    plan_links: list[PlanLink] = []
    ex_post: list[ExPost] = []
    # The free texts in the other national language: language -> text path -> translation.
    # The paths are ``bilingual.text_paths``'s ("impacts.alt-1.children.health.rationale");
    # the originals are in the decision's language (issue 19, owner: bilingual).
    translations: dict[str, dict[str, Translation]] = {}

    @property
    def level(self) -> Level | None:
        return self.screening.level

    def answer(self, question_id: str, default: Any = None) -> Any:
        return self.answers.get(question_id, default)

    @property
    def groups_in_scope(self) -> list[str]:
        return list(self.answers.get("groups_in_scope") or [])

    @property
    def dimensions_in_scope(self) -> list[str]:
        return list(self.answers.get("dimensions_in_scope") or [])


# --- a revision's snapshot ------------------------------------------------------------------


class Ident(Part):
    key: str
    version: int


class Names(Part):
    """A name in the two national languages."""

    fi: str | None = None
    sv: str | None = None

    def name(self, language: str) -> str:
        """In ``language``; in Finnish when there is none in it."""
        return {"fi": self.fi, "sv": self.sv}.get(language) or self.fi or ""


class Body(Names):
    id: int


class SnapshotDecision(Part):
    id: int
    case_number: str
    title: str
    language: str
    body: Body
    proposal: str | None = ""
    # The title and proposal in the other national language: {"sv": {"title", "proposal"}}
    # (issue 19, owner: bilingual).
    translations: dict[str, dict[str, str]] = {}

    def title_in(self, language: str) -> tuple[str, bool]:
        """The title in ``language`` and whether it is in it (False: the original)."""
        given = (self.translations.get(language) or {}).get("title", "").strip()
        if language == self.language or not given:
            return self.title, language == self.language
        return given, True

    def proposal_in(self, language: str) -> tuple[str, bool]:
        given = (self.translations.get(language) or {}).get("proposal", "").strip()
        if language == self.language or not given:
            return self.proposal or "", language == self.language
        return given, True


class Person(Part):
    id: int | None = None
    name: str


class Transition(Part):
    trigger: str | None  # None in a draft's snapshot
    from_: str | None = Field(default=None, alias="from")
    to: str
    comment: str | None = None


class Snapshot(Part):
    """A revision's frozen, self-contained JSON (``operations.assessments.snapshot``)."""

    assessment: int
    revision: int | str  # a sequence number, or "DRAFT" for a preview
    state: str
    workflow: Ident
    form: Ident
    decision: SnapshotDecision
    organisation: Names
    data: AssessmentData = Field(default_factory=AssessmentData)
    prepared_by: Person
    transition: Transition | None = None
    by: Person
    at: str
    approved_by: Person | None = None
    # The policy's screening block the assessment followed (questions switched off, own
    # questions with their texts); absent when it followed the questionnaire's own.
    screening_policy: dict[str, Any] | None = None
    # The organisation's type (``Organisation.kind``) when the revision was made: the acts
    # its documents cite follow it. Absent in revisions from before issue 17.
    organisation_kind: str | None = None
    # The texts and periods of the wellbeing plan's objectives the assessment links, by key
    # ({fi, sv, en, start_year, end_year}): its documents print them as they were then.
    # Absent when it links none (owner: plan).
    plan_objectives: dict[str, dict[str, Any]] | None = None
    # The languages the organisation's documents are made in (fi; fi and sv when it is
    # bilingual): a text the document needs is missing when one of them lacks it. Absent in
    # revisions from before issue 19 (read: the decision's language only).
    document_languages: list[str] | None = None
