"""Request and response models of the API; the OpenAPI document is generated from them.

Requests refuse unknown fields (``extra="forbid"``): a misspelt field is an error that
names it, not a silently ignored one. They are strict: ``"body": "1"`` or ``true`` where an
integer belongs is refused ("Input should be a valid integer"), not read as 1.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..assessment_data import Alternative, ImpactCell

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[Any] = []


class Error(BaseModel):
    error: ErrorBody


class Me(BaseModel):
    id: int
    name: str
    email: str
    roles: list[str]
    organisation: dict[str, Any]


class BodyOut(BaseModel):
    id: int
    key: str
    kind: Literal["council", "executive_board", "committee", "board", "division", "office_holder"]
    name_fi: str
    name_sv: str
    active: bool


class DecisionTextsIn(Request):
    """The decision's title and proposal in the other national language (issue 19)."""

    title: str = Field("", max_length=300)
    proposal: str = Field("", max_length=20_000)


TRANSLATIONS_HELP = (
    "The title and proposal in the other national language, keyed by it: "
    '{"sv": {"title": "…", "proposal": "…"}} for a Finnish decision. A bilingual '
    "organisation's Swedish documents and agenda print them; 422 for the decision's own "
    "language."
)


MEETING_DATE_HELP = (
    "The date of the meeting that decided it, YYYY-MM-DD (issue 22): the yearly report counts "
    "the decision in that year. Given by the case-management system; the product sets it "
    "when the secretary records the outcome."
)
Outcome = Literal["approved", "approved_amended", "returned", "tabled", "rejected"]
OUTCOME_HELP = "How the body decided; null: not decided yet."


class DecisionIn(Request):
    case_number: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=300)
    language: Literal["fi", "sv"]
    body: Id
    proposal: str = ""
    decision_type: str | None = Field(
        None,
        max_length=60,
        description="The key of one of the organisation's active decision types; required "
        "when the organisation has any (GET /decision-types).",
    )
    amount_eur: int | None = Field(
        None,
        ge=0,
        le=10**12,
        description="The procurement's or investment's value in whole euros, if any.",
    )
    translations: dict[Literal["fi", "sv"], DecisionTextsIn] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )
    meeting_date: str | None = Field(None, max_length=10, description=MEETING_DATE_HELP)
    outcome: Outcome | None = Field(None, description=OUTCOME_HELP)


class DecisionPatch(Request):
    """The fields to change; those left out stay as they are."""

    case_number: str | None = Field(None, min_length=1, max_length=60)
    title: str | None = Field(None, min_length=1, max_length=300)
    language: Literal["fi", "sv"] | None = None
    body: Id | None = None
    proposal: str | None = None
    decision_type: str | None = Field(None, max_length=60)
    amount_eur: int | None = Field(None, ge=0, le=10**12)
    # Replaces all of them; {} removes them.
    translations: dict[Literal["fi", "sv"], DecisionTextsIn] | None = Field(
        None, description=TRANSLATIONS_HELP
    )
    meeting_date: str | None = Field(None, max_length=10, description=MEETING_DATE_HELP)
    outcome: Outcome | None = Field(None, description=OUTCOME_HELP)


class AppliedPolicyOut(BaseModel):
    """The rule of the organisation's assessment policy that applies (issue 17)."""

    version: int | None  # the published policy version; None: the built-in default
    decision_type: str | None
    rule: Literal["full", "light", "screen", "exempt"]
    minimum_level: Literal["none", "light", "full"]
    explanation: str  # in the client's language (Accept-Language)


class DecisionOut(BaseModel):
    id: int
    case_number: str
    title: str
    language: Literal["fi", "sv"]
    body: int
    proposal: str
    preparer: int
    version: int
    assessment: int | None = None
    decision_type: str | None = None  # the type's key
    decision_type_name: str | None = None  # in the client's language
    amount_eur: int | None = None
    # The rule recorded on the active assessment, else the one the policy in force gives now.
    policy: AppliedPolicyOut | None = None
    # The title and proposal in the other national language (issue 19): {"sv": {...}}.
    translations: dict[str, dict[str, str]] = {}
    # Issue 22: when and how the body decided, where the decision came from, and the least
    # level of assessment the policy asks of it.
    meeting_date: str | None = None
    outcome: str | None = None
    source: Literal["entered", "imported"] = "entered"
    required_level: Literal["none", "light", "full"] | None = None


class Page(BaseModel):
    page: int
    per_page: int
    total: int


class DecisionPage(Page):
    items: list[DecisionOut]


class AssessmentIn(Request):
    workflow: str | None = None
    form: str | None = None


class Ident(BaseModel):
    key: str
    version: int


class ScreeningQuestionOut(BaseModel):
    id: str
    labels: dict[str, str]
    help: dict[str, str] | None = None
    own: bool = False  # the organisation's own question (its policy), not the questionnaire's


class ScreeningOut(BaseModel):
    answers: dict[str, Literal["yes", "no", "unknown"]] = {}
    exempt_category: str | None = None
    level_reason: str | None = None
    # The questions this assessment's screening asks: the questionnaire's, less those its
    # policy switched off, and the policy's own (issue 17).
    questions: list[ScreeningQuestionOut] = []


# The stored shapes (assess.assessment_data), showing their own fields only; no docstring, so
# that the OpenAPI document describes them as before.
class AlternativeOut(Alternative):
    model_config = ConfigDict(extra="ignore")


class CellOut(ImpactCell):
    model_config = ConfigDict(extra="ignore")


class HearingOut(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. the statement file's attachment

    id: str
    council: str | None = None
    requested_on: str | None = None
    answered_on: str | None = None
    statement: str = ""
    taken_into_account: str = ""
    not_heard_reason: str = ""
    # Why not heard, from the form's coded list (issue 18); the text above is beside it.
    not_heard_code: str | None = None


class IndicatorOut(BaseModel):
    id: str
    name: str = ""
    source: str = ""
    baseline: str = ""
    target: str = ""
    owner: str = ""
    review_date: str | None = None
    # The wellbeing plan's indicator it is, "objective:indicator" (issue 18).
    plan_indicator: str | None = None
    # The effects it follows, "group:dimension" (issue 18).
    follows: list[str] = []


class PlanLinkOut(BaseModel):
    objective: str  # the key of an objective of the organisation's wellbeing plan
    effect: Literal["helped", "harmed", "neutral"] | None = None
    note: str = ""


class FlagOut(BaseModel):
    id: str
    rule: str
    severity: Literal["high", "medium", "low"]
    group: str | None = None
    dimension: str | None = None
    alternative: str | None = None
    message: str
    # The act (by the organisation's type) and the method source the flag rests on;
    # empty for a flag stored before flags cited their basis.
    basis: str = ""
    status: Literal["open", "acknowledged", "resolved"]
    comment: str | None = None


class Blocked(BaseModel):
    trigger: str
    reasons: list[str]


class Transitions(BaseModel):
    available: list[str]
    blocked: list[Blocked]


class AssessmentOut(BaseModel):
    id: int
    decision: int
    state: str
    level: str | None
    recommended_level: str | None
    version: int
    workflow: Ident
    form: Ident
    screening: ScreeningOut
    answers: dict[str, Any]
    alternatives: list[AlternativeOut]
    impacts: list[CellOut]
    hearings: list[HearingOut]
    indicators: list[IndicatorOut]
    # How the decision bears on the wellbeing plan's objectives (issue 18).
    plan_links: list[PlanLinkOut] = []
    summary: dict[str, str]
    # Why a group the screening implies is left out of the scope: group id -> reason.
    scope_exclusions: dict[str, str] = {}
    flags: list[FlagOut]
    transitions: Transitions
    # The rule recorded when the assessment started (None: started before policies).
    policy: AppliedPolicyOut | None = None
    # The reviewer chosen when it was submitted (a user id; None: any reviewer). Issue 20.
    reviewer: int | None = None


class ScreeningIn(Request):
    answers: dict[str, Literal["yes", "no", "unknown"] | None] = {}
    level: Literal["none", "light", "full"] | None = None
    level_reason: str | None = None
    exempt_category: str | None = None


class AssessmentPatch(Request):
    screening: ScreeningIn | None = None
    level: Literal["none", "light", "full"] | None = None
    answers: dict[str, Any] | None = None
    alternatives: list[dict[str, Any]] | None = None
    impacts: list[dict[str, Any]] | None = None
    indicators: list[dict[str, Any]] | None = None
    # Replaces the list: [{objective, effect: helped|harmed|neutral, note}] (issue 18).
    plan_links: list[dict[str, Any]] | None = None
    summary: dict[Literal["fi", "sv"], str] | None = None
    # Merged by group id; an empty reason removes it (issue 18).
    scope_exclusions: dict[str, str | None] | None = None
    # A scope that leaves out recorded cells removes them only when this is true.
    confirm_remove_cells: bool | None = None


class HearingIn(Request):
    council: str
    requested_on: str | None = None
    answered_on: str | None = None
    statement: str = ""
    taken_into_account: str = ""
    not_heard_reason: str = ""
    # One of the form's not_heard_reasons (docs/api.md); unknown ids get a 422.
    not_heard_code: str | None = None


class AcknowledgeIn(Request):
    comment: str = Field(min_length=1, max_length=2000)


class TransitionIn(Request):
    trigger: str
    comment: str = ""
    # With a step that sends the assessment for review: the user id of the reviewer chosen
    # (GET .../reviewers lists who may), null for any reviewer; left out, the one chosen
    # last time while they still may review it (issue 20).
    reviewer_id: int | None = None


class EventOut(BaseModel):
    id: int
    at: str
    actor: str
    actor_type: str
    action: str
    changes: list[Any] | None = None
    transition: dict[str, Any] | None = None


class EventPage(Page):
    items: list[EventOut]


class RevisionOut(BaseModel):
    seq: int
    state: str
    trigger: str | None
    sha256: str
    created_at: str
    # Issue 21: in words (Accept-Language), who made it, the time in the organisation's
    # time zone, and the languages of its stored (approved) documents.
    state_label: str = ""
    step: str = ""
    comment: str = ""
    by: str = ""
    at: str = ""
    stored_documents: list[str] = []


class DocumentOut(BaseModel):
    id: int
    language: Literal["fi", "sv"]
    revision: int
    sha256: str
    created_at: str
    url: str
    # issue 19: "assessment" (the approved original) or "attachment" (the copy made for an
    # agenda, "Liite 1" in its header); sha256 is the file checksum, data_fingerprint the
    # SHA-256 of the revision's data (the same for both kinds and languages).
    kind: Literal["assessment", "attachment", "follow_up"] = "assessment"
    data_fingerprint: str = ""


class MeetingIn(Request):
    body: Id
    starts_at: str
    place: str = ""
    # The place as the Swedish agenda names it (issue 19); empty: the same words in both.
    place_sv: str = ""
    number: Annotated[int, Field(ge=1, le=9999)] | None = None
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class PresenterTitle(BaseModel):
    fi: str
    sv: str


class PresenterOut(BaseModel):
    """The item's presenter (esittelijä) and the title they present in (issue 19)."""

    user: int | None = Field(description="The person; null for a name recorded before issue 19.")
    name: str
    title: PresenterTitle


class AgendaFileOut(BaseModel):
    """A published agenda as kept: its bytes never change (issue 19)."""

    language: str
    sha256: str = Field(description="The file checksum: SHA-256 of the .docx bytes.")
    size: int
    pdf_sha256: str | None = Field(
        None, description="The file checksum of its PDF/A, once the archive converter made it."
    )


class ItemOut(BaseModel):
    id: int
    position: int
    decision: int
    outcome: str | None = None
    documents: list[int]
    assessment_changed: bool
    presenter: PresenterOut | None = None


class MeetingOut(BaseModel):
    id: int
    body: int
    number: int
    year: int
    starts_at: str
    place: str
    place_sv: str = ""
    state: str
    version: int
    items: list[ItemOut]
    agendas: list[AgendaFileOut] = Field(
        default_factory=list, description="The agenda as published, per language."
    )


class ItemIn(Request):
    decision: Id


class OutcomeIn(Request):
    outcome: Literal["approved", "approved_amended", "returned", "tabled", "rejected"]
    note: str = ""


class AuditWalkOut(BaseModel):
    """A recorded walk of the chain."""

    at: str = Field(description="When it ran (UTC).")
    from_first_event: bool
    intact: bool
    events: int = Field(description="The chain's events up to the walk's last event.")
    last_event_id: int


class AuditOut(BaseModel):
    """The one audit chain all organisations share, as one organisation may see it: whether
    it is intact, and the figures of the caller's own organisation's events only."""

    intact: bool = Field(description="The whole chain verifies against every checkpoint.")
    anchored: bool = Field(description="A signed checkpoint covers the chain.")
    events: int = Field(description="Your organisation's events in the log.")
    events_covered: int = Field(description="... of them up to the newest checkpoint.")
    events_after_checkpoint: int = Field(
        description="... after it: protected by the hashes only, not yet by a checkpoint."
    )
    checkpoint_at: str | None = Field(description="When the newest checkpoint was made.")
    first_broken: int | None = Field(
        None, description="The first broken event, when it is your organisation's."
    )
    warnings: list[str] = Field(default_factory=list)
    verified_at: str = Field(description="When this answer's walk ran (UTC).")
    checked_from_event: int = Field(
        description="This walk read the events after this id (0: from the first event) ..."
    )
    checked_up_to_event: int | None = Field(
        description="... up to this one (null when it found a break)."
    )
    events_checked: int = Field(description="How many events this walk read.")
    complete: bool = Field(
        description="The walk reached the newest event; false when newer events were left for "
        "the next call (a call reads at most AUDIT_VERIFY_REQUEST_LIMIT events)."
    )
    previous_walk: AuditWalkOut | None = Field(
        description="The recorded walk this one went on from (the events up to its end were "
        "checked then, not now); null when this walk began at the first event."
    )
    last_full_walk: AuditWalkOut | None = Field(
        description="The newest walk from the first event (`flask audit verify`), which reads "
        "every event; null when none is recorded."
    )


class FormSummary(BaseModel):
    key: str
    version: int
    labels: dict[str, str]


class Definition(BaseModel):
    key: str
    version: int
    definition: dict[str, Any]
