"""What every use case reads: the loaded definitions, an assessment's form and workflow,
its engine and facts, the clock in Finland, the version check and the snapshot.

The lower of the operations' two tiers. The use-case modules (answers, assessments,
meetings...) build on it and on the pure layers; it imports none of them, so they never
need each other for what they all read.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, or_, select

from .. import flags, questionnaire
from ..assessment_data import AssessmentData, Snapshot
from ..extensions import db
from ..models import (
    Assessment,
    Decision,
    Document,
    Organisation,
    PlanObjective,
    PolicyVersion,
    Revision,
    User,
)
from ..models._types import utcnow
from ..questionnaire import Context, FormDefinition, Forms, follow_up
from ..questionnaire.answers import screening_problems
from ..questionnaire.organisation import OrgSettings
from ..questionnaire.policy_screening import effective_form
from ..workflow import Actor, Engine, Facts, Workflows
from . import policy_applied
from ._changes import content_changes
from ._stale import changing, check_version, stale

__all__ = [
    "HELSINKI",
    "active_assessment",
    "actor",
    "answer_context",
    "changing",
    "check_version",
    "completeness",
    "decision_part",
    "document_languages",
    "engine_for",
    "facts",
    "form_for",
    "form_of",
    "follow_up_summaries",
    "forms",
    "local_date",
    "org_settings",
    "screening_policy",
    "snapshot",
    "stale",
    "today",
    "version_in_force",
    "workflows",
]

HELSINKI = ZoneInfo("Europe/Helsinki")


# --- the clock ----------------------------------------------------------------------


def today() -> date:
    """The date in Finland: a decision approved at 00:30 Finnish time is of that day."""
    return datetime.now(HELSINKI).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()


# --- the loaded definitions ----------------------------------------------------------


def workflows() -> Workflows:
    return current_app.extensions["assess.workflows"]


def forms() -> Forms:
    return current_app.extensions["assess.forms"]


def engine_for(assessment: Assessment) -> Engine:
    return workflows().get(assessment.workflow_key, assessment.workflow_version)


def form_for(assessment: Assessment) -> FormDefinition:
    """The assessment's questionnaire, with the screening its policy gives."""
    form = forms().get(assessment.form_key, assessment.form_version)
    return effective_form(form, screening_policy(assessment))


def form_of(snapshot: Snapshot | Mapping[str, Any]) -> FormDefinition:
    """The form a revision's snapshot was answered on, with the screening it was given."""
    snap = Snapshot.load(snapshot)
    form = forms().get(snap.form.key, snap.form.version)
    return effective_form(form, snap.screening_policy)


def screening_policy(assessment: Assessment) -> dict[str, Any] | None:
    """The ``screening`` block of the policy the assessment's screening follows (None: the
    questionnaire's own screening).

    The one place that says which policy: the version the assessment started under (its
    recorded ``policy_version_id``), so that a version published later never changes the
    questions of an assessment already started. None recorded (started before any policy,
    or under the built-in default): the questionnaire's own.
    """
    version = policy_applied.version_of(assessment)
    return None if version is None else (version.data or {}).get("screening")


def version_in_force(organisation: Organisation, on: date | None = None) -> PolicyVersion | None:
    """The organisation's published policy version in force on ``on`` (default: today in
    Finland): the latest published one whose start date has come."""
    return db.session.scalars(
        select(PolicyVersion)
        .where(
            PolicyVersion.organisation_id == organisation.id,
            PolicyVersion.status == "published",
            PolicyVersion.starts_on <= (on or today()),
        )
        .order_by(PolicyVersion.starts_on.desc(), PolicyVersion.version.desc())
        .limit(1)
    ).first()


# --- an assessment as the pure layers see it ------------------------------------------


def answer_context(assessment: Assessment) -> Context:
    return Context(
        level=assessment.content.level,
        language=assessment.decision.language,
        bilingual=bool(assessment.decision.organisation.bilingual),
    )


def org_settings(assessment: Assessment) -> OrgSettings:
    return OrgSettings.of(assessment.decision.organisation, screening_policy(assessment))


def actor(user: User) -> Actor:
    return Actor(id=user.id, roles=frozenset(user.roles))


def facts(
    assessment: Assessment,
    data: AssessmentData | None = None,
    *,
    completeness: tuple[tuple, tuple] | None = None,
) -> Facts:
    """What the guards see of ``assessment`` (with ``data`` instead of its stored content).

    ``completeness``: the result of ``completeness(assessment)`` when the caller already
    has it (remembered for a stored version, ``operations.assessments.options``)."""
    data = assessment.content if data is None else data
    screening = data.screening
    form = form_for(assessment)
    definition = engine_for(assessment).definition
    incomplete, problems = (
        completeness if completeness is not None else _completeness(assessment, form, data)
    )
    return Facts(
        state=assessment.state,
        prepared_by=assessment.prepared_by_id,
        last_edited_by=assessment.last_edited_by_id,
        decision_preparer=assessment.decision.preparer_id,
        level=screening.level,
        level_reason=screening.level_reason or "",
        exempt_category=screening.exempt_category,
        incomplete_sections=incomplete,
        screening_problems=problems,
        unresolved_high_flags=tuple(flags.unresolved_high(data.flags)),
        content_changes=content_changes(assessment, definition, form)
        if definition.needs_second_person(assessment.state)
        else (),
        policy_problems=policy_applied.level_problems(assessment, data),
        follow_up_missing=tuple(follow_up.missing(form, data, follow_up_summaries(assessment)))
        if definition.is_in_follow_up(assessment.state)
        else (),
        decided=definition.is_in_follow_up(assessment.state),
        **policy_applied.review_facts(assessment),
    )


def completeness(assessment: Assessment) -> tuple[tuple, tuple]:
    """The sections still incomplete and what the screening lacks: the costliest part of
    ``facts``, and a pure function of the assessment's stored row (its content, form and
    policy version, all of which make a new ``version``), the decision's language and whether
    the organisation is bilingual. Nothing else may go into it: ``options`` remembers it
    under exactly those keys."""
    return _completeness(assessment, form_for(assessment), assessment.content)


def _completeness(
    assessment: Assessment, form: FormDefinition, data: AssessmentData
) -> tuple[tuple, tuple]:
    return (
        tuple(questionnaire.incomplete_sections(form, data, answer_context(assessment))),
        tuple(screening_problems(form, data.screening)),
    )


# The kind of the stored documents that are follow-up summaries (``operations.follow_up``).
FOLLOW_UP_KIND = "follow_up"


def follow_up_summaries(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """Council id -> the follow-up its newest summary reports (frozen in its revision)."""
    out: dict[str, dict[str, Any]] = {}
    rows = db.session.scalars(
        select(Document)
        .where(Document.assessment_id == assessment.id, Document.kind == FOLLOW_UP_KIND)
        .order_by(Document.id)
    )
    for doc in rows:
        snap = doc.revision.snapshot or {}
        council = (snap.get("follow_up_summary") or {}).get("council")
        if council:
            out[council] = follow_up.follow_up_of(snap.get("data") or {})
    return out


def active_assessment(decision: Decision) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.decision_id == decision.id, Assessment.active)
    )


def decision_part(decision: Decision) -> dict[str, Any]:
    """The decision as a revision freezes it (``SnapshotDecision``)."""
    return {
        "id": decision.id,
        "case_number": decision.case_number,
        "title": decision.title,
        "language": decision.language,
        "body": {
            "id": decision.body_id,
            "fi": decision.body.name_fi,
            "sv": decision.body.name_sv,
        },
        "proposal": decision.proposal,
        # The title and proposal in the other national language (issue 19).
        "translations": copy.deepcopy(decision.translations or {}),
    }


def document_languages(decision: Decision) -> list[str]:
    """The languages the decision's documents are made in: its own language first, and in a
    bilingual organisation the other national language too."""
    if decision.organisation.bilingual:
        return [decision.language] + [x for x in ("fi", "sv") if x != decision.language]
    return [decision.language]


def snapshot(
    assessment: Assessment, *, seq: int | str, user: User, transition: dict, approves: bool = False
) -> dict:
    """The frozen, self-contained JSON of an assessment at one revision.

    ``approves``: this revision is the approval (its documents name the approver).
    """
    decision = assessment.decision
    snap = {
        "assessment": assessment.id,
        "revision": seq,
        "state": assessment.state,
        "workflow": {"key": assessment.workflow_key, "version": assessment.workflow_version},
        "form": {"key": assessment.form_key, "version": assessment.form_version},
        "decision": decision_part(decision),
        "organisation": {"fi": decision.organisation.name_fi, "sv": decision.organisation.name_sv},
        "organisation_kind": decision.organisation.kind,
        "document_languages": document_languages(decision),
        "data": copy.deepcopy(assessment.data or {}),
        "prepared_by": {"id": assessment.prepared_by_id, "name": assessment.prepared_by.name},
        "transition": transition,
        "by": {"id": user.id, "name": user.name},
        "at": utcnow().isoformat(timespec="seconds"),
    }
    if approves:
        snap["approved_by"] = {"id": user.id, "name": user.name}
    if links := [link.objective for link in assessment.content.plan_links]:
        snap["plan_objectives"] = _plan_objectives(decision.organisation_id, links)
    if (screening := screening_policy(assessment)) is not None:
        # Its own questions' texts: the revision's documents render without the policy.
        snap["screening_policy"] = copy.deepcopy(screening)
    return snap


def _plan_objectives(organisation_id: int, keys: list[str]) -> dict[str, dict]:
    """The linked objectives' texts and periods, frozen with the revision."""
    rows = db.session.scalars(
        select(PlanObjective).where(
            PlanObjective.organisation_id == organisation_id, PlanObjective.key.in_(keys)
        )
    )
    return {
        o.key: {
            "fi": o.text_fi,
            "sv": o.text_sv,
            "en": o.text_en,
            "start_year": o.start_year,
            "end_year": o.end_year,
        }
        for o in rows
    }


def transition_if_return(triggers):
    """The transition a revision records (its snapshot's ``transition``), read only where
    its trigger is one of ``triggers`` (the steps that may return an assessment to
    preparation, ``WorkflowDefinition.returning_triggers``) or absent; None elsewhere, so
    that an assessment's many large snapshots are not parsed to find its returns."""
    return case(
        (
            or_(Revision.trigger.is_(None), Revision.trigger.in_(triggers)),
            Revision.snapshot["transition"],
        ),
        else_=None,
    )
